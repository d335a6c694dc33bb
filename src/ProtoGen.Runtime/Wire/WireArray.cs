using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ProtoGen;

/// <summary>
/// An immutable array with value equality, used for the collection fields of messages so that two messages with the
/// same content compare equal. Wraps a <typeparamref name="T"/>[] without copying; the default value is empty.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[CollectionBuilder(typeof(WireArray), nameof(WireArray.Create))]
public readonly struct WireArray<T> : IReadOnlyList<T>, IEquatable<WireArray<T>>
{
    private readonly T[]? _items;

    /// <summary>Wraps <paramref name="items"/> without copying. The caller must not change the array afterwards.</summary>
    /// <param name="items">The elements.</param>
    public WireArray(T[] items) => _items = items;

    /// <summary>The empty array.</summary>
    public static WireArray<T> Empty => default;

    /// <summary>The number of elements.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>The number of elements.</summary>
    public int Length => _items?.Length ?? 0;

    /// <summary>Whether there are no elements.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>
    /// Whether this is the default value (no array at all), as opposed to a wrapped empty array. Both are empty and
    /// compare equal; the difference lets a type tell "not set yet" from "set to nothing".
    /// </summary>
    public bool IsDefault => _items is null;

    /// <summary>The elements as a span.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <summary>The element at <paramref name="index"/>.</summary>
    /// <param name="index">The index.</param>
    public T this[int index] => (_items ?? [])[index];

    /// <summary>Wraps an array.</summary>
    /// <param name="items">The elements.</param>
    public static implicit operator WireArray<T>(T[] items) => new(items);

    /// <summary>Wraps an array.</summary>
    /// <param name="items">The elements.</param>
    public static WireArray<T> FromArray(T[] items) => new(items);

    /// <summary>Returns an enumerator that does not allocate.</summary>
    public Enumerator GetEnumerator() => new(_items ?? []);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => (_items ?? []).GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(WireArray<T> other)
    {
        var a = AsSpan();
        var b = other.AsSpan();
        if (a.Length != b.Length)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WireArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var item in AsSpan())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Equality by content.</summary>
    public static bool operator ==(WireArray<T> left, WireArray<T> right) => left.Equals(right);

    /// <summary>Inequality by content.</summary>
    public static bool operator !=(WireArray<T> left, WireArray<T> right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => $"[{Count} item(s)]";

    /// <summary>A non-allocating enumerator.</summary>
    public struct Enumerator
    {
        private readonly T[] _items;
        private int _index;

        internal Enumerator(T[] items)
        {
            _items = items;
            _index = -1;
        }

        /// <summary>The current element.</summary>
        public readonly T Current => _items[_index];

        /// <summary>Moves to the next element.</summary>
        public bool MoveNext() => ++_index < _items.Length;
    }
}

/// <summary>Factory methods for <see cref="WireArray{T}"/> (also enables collection expressions).</summary>
public static class WireArray
{
    /// <summary>Creates an array from a span (copies).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The elements.</param>
    public static WireArray<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
