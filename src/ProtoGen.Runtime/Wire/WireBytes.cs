using System;
using System.Runtime.InteropServices;

namespace ProtoGen;

/// <summary>
/// An immutable byte string with value equality: a script, a witness item, a filter. When decoded from a buffer the
/// reader owns, it is a slice of that buffer (no copy).
/// </summary>
public readonly struct WireBytes : IEquatable<WireBytes>
{
    private readonly ReadOnlyMemory<byte> _memory;

    /// <summary>Wraps <paramref name="memory"/> without copying.</summary>
    /// <param name="memory">The bytes. The caller must not change them afterwards.</param>
    public WireBytes(ReadOnlyMemory<byte> memory) => _memory = memory;

    /// <summary>Wraps <paramref name="bytes"/> without copying.</summary>
    /// <param name="bytes">The bytes. The caller must not change them afterwards.</param>
    public WireBytes(byte[] bytes) => _memory = bytes;

    /// <summary>The empty byte string.</summary>
    public static WireBytes Empty => default;

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Memory => _memory;

    /// <summary>The bytes.</summary>
    public ReadOnlySpan<byte> Span => _memory.Span;

    /// <summary>The length in bytes.</summary>
    public int Length => _memory.Length;

    /// <summary>Whether the string is empty.</summary>
    public bool IsEmpty => _memory.IsEmpty;

    /// <summary>Copies the bytes into a new array.</summary>
    public byte[] ToArray() => _memory.ToArray();

    /// <summary>Parses lower- or upper-case hex.</summary>
    /// <param name="hex">The hex text.</param>
    public static WireBytes FromHex(string hex) => new(Convert.FromHexString(hex));

    /// <summary>Wraps an array.</summary>
    /// <param name="bytes">The array.</param>
    public static implicit operator WireBytes(byte[] bytes) => new(bytes);

    /// <summary>Wraps a memory block.</summary>
    /// <param name="memory">The bytes.</param>
    public static implicit operator WireBytes(ReadOnlyMemory<byte> memory) => new(memory);

    /// <summary>Wraps an array.</summary>
    /// <param name="bytes">The array.</param>
    public static WireBytes FromByteArray(byte[] bytes) => new(bytes);

    /// <inheritdoc/>
    public bool Equals(WireBytes other) => _memory.Span.SequenceEqual(other._memory.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WireBytes other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_memory.Span);
        return hash.ToHashCode();
    }

    /// <summary>Equality by content.</summary>
    public static bool operator ==(WireBytes left, WireBytes right) => left.Equals(right);

    /// <summary>Inequality by content.</summary>
    public static bool operator !=(WireBytes left, WireBytes right) => !left.Equals(right);

    /// <summary>Lower-case hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(_memory.Span);

    /// <summary>Whether the bytes are a slice of a larger array (decoded without copying).</summary>
    public bool IsSlice => MemoryMarshal.TryGetArray(_memory, out var segment) && segment.Array is { } array && segment.Count != array.Length;
}
