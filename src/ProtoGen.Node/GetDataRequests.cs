using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Node;

/// <summary>
/// The getdata items one peer is waiting for, served in order by one serving task at a time. Thread-safe: the peer's
/// read loop adds, the serving task takes.
/// </summary>
internal sealed class GetDataRequests
{
    private readonly Lock _lock = new();
    private readonly Queue<InventoryVector> _items = new();
    private bool _serving;

    /// <summary>What <see cref="Add"/> asks of the caller.</summary>
    public enum Outcome
    {
        /// <summary>Queued behind a serving task that is already running.</summary>
        Queued,

        /// <summary>Queued; no task is serving: start one.</summary>
        StartServing,

        /// <summary>Refused: more than the limit would be pending.</summary>
        Overflow,
    }

    /// <summary>Whether nothing is pending.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _items.Count == 0;
            }
        }
    }

    /// <summary>Adds requested items, unless more than <paramref name="limit"/> would be pending.</summary>
    /// <param name="items">The items.</param>
    /// <param name="limit">The most items that may be pending.</param>
    public Outcome Add(ReadOnlySpan<InventoryVector> items, int limit)
    {
        lock (_lock)
        {
            if (_items.Count + items.Length > limit)
            {
                return Outcome.Overflow;
            }

            foreach (var item in items)
            {
                _items.Enqueue(item);
            }

            if (_serving || _items.Count == 0)
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
            if (_items.TryDequeue(out item))
            {
                return true;
            }

            _serving = false;
            return false;
        }
    }
}
