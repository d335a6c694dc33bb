using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Protocol;

/// <summary>
/// Inventory announcements to one peer: what the remote is known to have (a bounded most-recently-used set), what
/// waits to be announced, and when. Transactions are batched and trickled every interval; blocks go out at the next
/// tick. Thread-safe.
/// </summary>
internal sealed class InventoryRelay
{
    private readonly Lock _lock = new();
    private readonly KnownInventory _known;
    private readonly List<InventoryVector> _pending = [];
    private readonly int _maxPending;
    private readonly TimeSpan _trickleInterval;
    private readonly NextDeadline _next;
    private DateTimeOffset _nextTrickle = DateTimeOffset.MaxValue;
    private bool _announceNow;

    public InventoryRelay(int knownCapacity, int maxPending, TimeSpan trickleInterval, NextDeadline next)
    {
        _next = next;
        _known = new KnownInventory(knownCapacity);
        _maxPending = maxPending;
        _trickleInterval = trickleInterval;
    }

    /// <summary>Inventory waiting for the next trickle.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Whether the inventory type is a block (announced at once rather than trickled).</summary>
    /// <param name="type">The type.</param>
    public static bool IsBlock(InventoryType type) =>
        type is InventoryType.Block or InventoryType.WitnessBlock or InventoryType.FilteredBlock or InventoryType.FilteredWitnessBlock or InventoryType.CompactBlock;

    /// <summary>The handshake completed: the first trickle is one interval away.</summary>
    /// <param name="now">The time.</param>
    public void Start(DateTimeOffset now)
    {
        lock (_lock)
        {
            _nextTrickle = now + _trickleInterval;
            if (_pending.Count > 0)
            {
                _next.Lower(_nextTrickle);
            }
        }
    }

    /// <summary>Adds an item to announce; false when it is known to the remote, refused for it, or the pending list is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="remoteRelaysTransactions">Whether the remote wants transaction announcements.</param>
    /// <param name="now">The time: while nothing was pending the trickle times were not visited, so a past one moves on by whole intervals.</param>
    public bool Enqueue(InventoryVector item, bool remoteRelaysTransactions, DateTimeOffset now)
    {
        lock (_lock)
        {
            bool block = IsBlock(item.Type);
            if (_known.Contains(item) || _pending.Count >= _maxPending || (!block && !remoteRelaysTransactions))
            {
                return false;
            }

            if (_pending.Count == 0 && _nextTrickle < now)
            {
                // The scheduler skipped this peer while nothing was pending; a tick-by-tick check would have moved the
                // trickle on every interval. Keep its phase: the next trickle is the first of those times still ahead.
                _nextTrickle = _trickleInterval > TimeSpan.Zero
                    ? _nextTrickle + (_trickleInterval * (((now - _nextTrickle).Ticks / _trickleInterval.Ticks) + 1))
                    : now;
            }

            _pending.Add(item);
            if (block)
            {
                _announceNow = true;
                _next.Lower(NextDeadline.Now);
            }
            else
            {
                _next.Lower(_nextTrickle);
            }

            return true;
        }
    }

    /// <summary>Whether the remote is known to have <paramref name="item"/>.</summary>
    /// <param name="item">The item.</param>
    public bool IsKnown(InventoryVector item)
    {
        lock (_lock)
        {
            return _known.Contains(item);
        }
    }

    /// <summary>Remembers inventory the remote announced.</summary>
    /// <param name="items">The items.</param>
    public void MarkKnown(ReadOnlySpan<InventoryVector> items)
    {
        lock (_lock)
        {
            foreach (var item in items)
            {
                _known.Add(item);
            }
        }
    }

    /// <summary>
    /// The earliest time (UTC ticks) <see cref="TakeDue"/> may return something: now for a pending block, the next
    /// trickle while anything is pending, else never (<see cref="Enqueue"/> lowers the peer's next deadline).
    /// </summary>
    public long NextDue()
    {
        lock (_lock)
        {
            if (_announceNow)
            {
                return NextDeadline.Now;
            }

            return _pending.Count > 0 ? _nextTrickle.UtcTicks : NextDeadline.Never;
        }
    }

    /// <summary>
    /// Takes what is due at <paramref name="now"/>: everything at a trickle, only blocks in between; marks what it takes
    /// as known. Returns null when nothing is due.
    /// </summary>
    /// <param name="now">The time.</param>
    /// <param name="remoteRelaysTransactions">Whether the remote wants transaction announcements.</param>
    public List<InventoryVector>? TakeDue(DateTimeOffset now, bool remoteRelaysTransactions)
    {
        lock (_lock)
        {
            bool trickleDue = now >= _nextTrickle;
            if (!_announceNow && !trickleDue)
            {
                return null;
            }

            if (trickleDue)
            {
                _nextTrickle = now + _trickleInterval;
            }

            _announceNow = false;
            if (_pending.Count == 0)
            {
                return null;
            }

            var due = new List<InventoryVector>();
            int kept = 0;
            for (int i = 0; i < _pending.Count; i++)
            {
                var item = _pending[i];
                bool block = IsBlock(item.Type);
                if (!block && !trickleDue)
                {
                    _pending[kept++] = item;
                    continue;
                }

                if (_known.Contains(item) || (!block && !remoteRelaysTransactions))
                {
                    continue;
                }

                _known.Add(item);
                due.Add(item);
            }

            _pending.RemoveRange(kept, _pending.Count - kept);
            return due;
        }
    }
}
