using System;
using System.Threading;

namespace ProtoGen.Peers;

/// <summary>
/// The earliest time (UTC ticks) at which any of one peer's components may have work for the scheduler: a deadline to
/// enforce, a ping to send, inventory to announce. The scheduler's tick passes over the peer while the time is before
/// it (one comparison); a full check resets it and lowers it to what each component reports due next. Every place
/// that starts a deadline lowers it, so nothing is missed. Starts at zero: the first tick checks the peer. Lock-free.
/// </summary>
/// <remarks>
/// The value lives in a cell: one of its own until the peer registers with a <see cref="PeerScheduler"/>, then a slot
/// of the scheduler's contiguous array (<see cref="MoveTo"/>), so that a tick over ten thousand idle peers reads one
/// array instead of two objects per peer. A lowering that races with a move lowers the new cell too.
/// </remarks>
internal sealed class NextDeadline
{
    /// <summary>No deadline at all.</summary>
    public const long Never = long.MaxValue;

    /// <summary>Due at once (the next tick checks the peer).</summary>
    public const long Now = long.MinValue;

    private Cell _cell = Cell.Own();

    /// <summary>The earliest time (UTC ticks) a component may have work.</summary>
    public long Ticks => Volatile.Read(ref Volatile.Read(ref _cell).Value);

    /// <summary>Whether a tick at <paramref name="nowTicks"/> must check the peer.</summary>
    /// <param name="nowTicks">The time, in UTC ticks.</param>
    public bool IsDue(long nowTicks) => nowTicks >= Ticks;

    /// <summary>Moves the deadline to <paramref name="ticks"/> if that is earlier (a CAS loop: concurrent lowerings keep the minimum).</summary>
    /// <param name="ticks">A time something may be due, in UTC ticks.</param>
    public void Lower(long ticks)
    {
        while (true)
        {
            var cell = Volatile.Read(ref _cell);
            ref long value = ref cell.Value;
            long current = Volatile.Read(ref value);
            while (ticks < current)
            {
                long seen = Interlocked.CompareExchange(ref value, ticks, current);
                if (seen == current)
                {
                    break;
                }

                current = seen;
            }

            // Moved meanwhile: the move may have copied the value before this lowering; lower the new cell as well.
            if (ReferenceEquals(Volatile.Read(ref _cell), cell))
            {
                return;
            }
        }
    }

    /// <summary>Moves the deadline to <paramref name="at"/> if that is earlier.</summary>
    /// <param name="at">A time something may be due.</param>
    public void Lower(DateTimeOffset at) => Lower(at.UtcTicks);

    /// <summary>
    /// Before a full check: no deadline. The check then lowers it to each component's next due time; a lowering from
    /// another thread that races with the check is kept, because it comes after this reset.
    /// </summary>
    public void Reset() => Interlocked.Exchange(ref Volatile.Read(ref _cell).Value, Never);

    /// <summary><paramref name="ticks"/> + <paramref name="span"/>, saturating at <see cref="Never"/> and <see cref="Now"/>.</summary>
    /// <param name="ticks">A time in UTC ticks.</param>
    /// <param name="span">A duration (may be negative).</param>
    public static long Add(long ticks, TimeSpan span)
    {
        long sum = unchecked(ticks + span.Ticks);
        if (span.Ticks > 0 && sum < ticks)
        {
            return Never;
        }

        if (span.Ticks < 0 && sum > ticks)
        {
            return Now;
        }

        return sum;
    }

    /// <summary>
    /// Keeps the value in <paramref name="store"/>[<paramref name="index"/>] from now on (null: in a cell of its own
    /// again), carrying the current value over. Called by the scheduler, one move at a time per deadline.
    /// </summary>
    /// <param name="store">The scheduler's slots, or null.</param>
    /// <param name="index">The slot.</param>
    internal void MoveTo(long[]? store, int index)
    {
        var old = Volatile.Read(ref _cell);
        var moved = store is null ? Cell.Own() : new Cell(store, index);
        Volatile.Write(ref moved.Value, Volatile.Read(ref old.Value));

        // A full fence, not a volatile write: the read of the old cell below must not be done before the new cell is
        // published, or a lowering of the old cell in between, whose thread then still finds the old cell, is lost.
        Interlocked.Exchange(ref _cell, moved);

        // A lowering of the old cell after the copy above, by a thread that then found the cell not yet moved.
        Lower(Volatile.Read(ref old.Value));
    }

    /// <summary>Where the value is kept: an element of an array (the scheduler's slots, or a one-element array of its own).</summary>
    private sealed class Cell(long[] store, int index)
    {
        public ref long Value => ref store[index];

        public static Cell Own() => new([0L], 0);
    }
}
