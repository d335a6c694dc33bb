using System;
using System.Threading;

namespace ProtoGen.Peers;

/// <summary>
/// The earliest time (UTC ticks) at which any of one peer's components may have work for the scheduler: a deadline to
/// enforce, a ping to send, inventory to announce. The scheduler's tick passes over the peer while the time is before
/// it (one comparison); a full check resets it and lowers it to what each component reports due next. Every place
/// that starts a deadline lowers it, so nothing is missed. Starts at zero: the first tick checks the peer. Lock-free.
/// </summary>
internal sealed class NextDeadline
{
    /// <summary>No deadline at all.</summary>
    public const long Never = long.MaxValue;

    /// <summary>Due at once (the next tick checks the peer).</summary>
    public const long Now = long.MinValue;

    private long _ticks;

    /// <summary>The earliest time (UTC ticks) a component may have work.</summary>
    public long Ticks => Volatile.Read(ref _ticks);

    /// <summary>Whether a tick at <paramref name="nowTicks"/> must check the peer.</summary>
    /// <param name="nowTicks">The time, in UTC ticks.</param>
    public bool IsDue(long nowTicks) => nowTicks >= Volatile.Read(ref _ticks);

    /// <summary>Moves the deadline to <paramref name="ticks"/> if that is earlier (a CAS loop: concurrent lowerings keep the minimum).</summary>
    /// <param name="ticks">A time something may be due, in UTC ticks.</param>
    public void Lower(long ticks)
    {
        long current = Volatile.Read(ref _ticks);
        while (ticks < current)
        {
            long seen = Interlocked.CompareExchange(ref _ticks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Moves the deadline to <paramref name="at"/> if that is earlier.</summary>
    /// <param name="at">A time something may be due.</param>
    public void Lower(DateTimeOffset at) => Lower(at.UtcTicks);

    /// <summary>
    /// Before a full check: no deadline. The check then lowers it to each component's next due time; a lowering from
    /// another thread that races with the check is kept, because it comes after this reset.
    /// </summary>
    public void Reset() => Interlocked.Exchange(ref _ticks, Never);

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
}
