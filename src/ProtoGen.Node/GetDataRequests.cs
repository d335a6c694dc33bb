using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Node;

/// <summary>
/// The getdata items one peer is waiting for, served in order by one serving task at a time. Each getdata's items are
/// kept as one exact-size array (a growing queue of items held up to twice what was pending, and the soak's slow
/// readers made it the node's largest holding). Every peer's pending items also count in a node-wide total
/// (<see cref="PendingTotal"/>). Thread-safe: the peer's read loop adds, the serving task takes.
/// </summary>
internal sealed class GetDataRequests
{
    private readonly Lock _lock = new();
    private readonly Queue<InventoryVector[]> _batches = new();
    private readonly PendingTotal _total;
    private int _head;
    private int _count;
    private bool _serving;

    /// <summary>Creates the requests of one peer, counted in <paramref name="total"/>.</summary>
    public GetDataRequests(PendingTotal total) => _total = total;

    /// <summary>What <see cref="Add"/> asks of the caller.</summary>
    public enum Outcome
    {
        /// <summary>Queued behind a serving task that is already running.</summary>
        Queued,

        /// <summary>Queued; no task is serving: start one.</summary>
        StartServing,

        /// <summary>Refused: more than the peer's limit would be pending.</summary>
        Overflow,

        /// <summary>Refused: the node-wide total is over its limit and this peer already has more than a few items pending.</summary>
        NodeOverflow,
    }

    /// <summary>Whether nothing is pending.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _count == 0;
            }
        }
    }

    /// <summary>The items pending.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// Adds requested items, unless more than <paramref name="limit"/> would be pending for this peer, or the node-wide
    /// total is over <paramref name="totalLimit"/> while this peer already has <paramref name="fairShare"/> or more
    /// pending (a peer asking for a few items is served whatever others hold).
    /// </summary>
    public Outcome Add(ReadOnlySpan<InventoryVector> items, int limit, long totalLimit, int fairShare)
    {
        lock (_lock)
        {
            if (_count + items.Length > limit)
            {
                return Outcome.Overflow;
            }

            if (_count + items.Length > fairShare && _total.Value + items.Length > totalLimit)
            {
                return Outcome.NodeOverflow;
            }

            if (items.IsEmpty)
            {
                return Outcome.Queued;
            }

            _batches.Enqueue(items.ToArray());
            _count += items.Length;
            _total.Add(items.Length);
            if (_serving)
            {
                return Outcome.Queued;
            }

            _serving = true;
            return Outcome.StartServing;
        }
    }

    /// <summary>Takes the next item; when none is left, the serving task ends (a later <see cref="Add"/> starts another).</summary>
    /// <param name="item">The item.</param>
    public bool TryTake(out InventoryVector item)
    {
        lock (_lock)
        {
            if (_batches.TryPeek(out var batch))
            {
                item = batch[_head++];
                if (_head == batch.Length)
                {
                    _batches.Dequeue();
                    _head = 0;
                }

                _count--;
                _total.Add(-1);
                return true;
            }

            item = default;
            _serving = false;
            return false;
        }
    }

    /// <summary>Forgets every pending item (the peer ended).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _total.Add(-_count);
            _batches.Clear();
            _head = 0;
            _count = 0;
        }
    }

    /// <summary>The getdata items pending over every peer of one server.</summary>
    internal sealed class PendingTotal
    {
        private long _value;

        /// <summary>The items pending now.</summary>
        public long Value => Interlocked.Read(ref _value);

        /// <summary>Adds (or with a negative count, removes) items.</summary>
        public void Add(long count) => Interlocked.Add(ref _value, count);
    }
}
