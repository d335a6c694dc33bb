using System;
using System.Buffers;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// A first-in first-out ring whose storage is rented from <see cref="ArrayPool{T}.Shared"/>: growing rents a larger
/// array and returns the old one, and <see cref="ReleaseIfLarger"/> hands a drained ring's storage back. A queue that
/// fills in bursts and drains in between (a peer's send queue) thus reuses pooled arrays instead of allocating its
/// storage again for every burst, and an idle one holds at most a small array.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>Not thread-safe: the owner locks. Slots are cleared as items leave, so a returned array holds no references.</remarks>
internal sealed class PooledQueue<T>
{
    private const int FirstCapacity = 16;

    private T[] _items = [];
    private int _head;
    private int _count;

    /// <summary>Items queued.</summary>
    public int Count => _count;

    /// <summary>Slots in the current storage.</summary>
    public int Capacity => _items.Length;

    /// <summary>Adds <paramref name="item"/> at the end, growing the storage (from the pool) when full.</summary>
    /// <param name="item">The item.</param>
    public void Enqueue(in T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        int tail = _head + _count;
        if (tail >= _items.Length)
        {
            tail -= _items.Length;
        }

        _items[tail] = item;
        _count++;
    }

    /// <summary>Takes the first item; false when empty.</summary>
    /// <param name="item">The item taken.</param>
    public bool TryDequeue(out T item)
    {
        if (_count == 0)
        {
            item = default!;
            return false;
        }

        item = _items[_head];
        _items[_head] = default!;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        _count--;
        return true;
    }

    /// <summary>When empty and holding more than <paramref name="keptCapacity"/> slots, returns the storage to the pool.</summary>
    /// <param name="keptCapacity">The most slots an empty queue keeps.</param>
    public void ReleaseIfLarger(int keptCapacity)
    {
        if (_count == 0 && _items.Length > keptCapacity)
        {
            ArrayPool<T>.Shared.Return(_items);
            _items = [];
            _head = 0;
        }
    }

    private void Grow()
    {
        var larger = ArrayPool<T>.Shared.Rent(Math.Max(FirstCapacity, _items.Length * 2));
        if (_count > 0)
        {
            int first = Math.Min(_count, _items.Length - _head);
            Array.Copy(_items, _head, larger, 0, first);
            Array.Copy(_items, 0, larger, first, _count - first);
            Array.Clear(_items);
        }

        if (_items.Length > 0)
        {
            ArrayPool<T>.Shared.Return(_items);
        }

        _items = larger;
        _head = 0;
    }
}
