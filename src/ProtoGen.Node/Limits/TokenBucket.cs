using System;

namespace ProtoGen.Node.Limits;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>'s monotonic clock: it refills at a rate up to a capacity, and a
/// caller takes tokens while there are any. Credits from outside (<see cref="Credit"/>) may lift it above the capacity,
/// as Bitcoin Core's address bucket allows after a getaddr. Not thread-safe: the owner locks.
/// </summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _ratePerSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _stamp;

    /// <summary>Creates a bucket.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="ratePerSecond">Tokens added per second.</param>
    /// <param name="capacity">The most tokens the refill reaches.</param>
    /// <param name="initial">The tokens at the start.</param>
    public TokenBucket(TimeProvider time, double ratePerSecond, double capacity, double initial)
    {
        _time = time;
        _ratePerSecond = ratePerSecond;
        _capacity = capacity;
        _tokens = initial;
        _stamp = time.GetTimestamp();
    }

    /// <summary>The tokens now (after refilling).</summary>
    public double Tokens
    {
        get
        {
            Refill();
            return _tokens;
        }
    }

    /// <summary>Takes one token if there is one.</summary>
    public bool TryTake()
    {
        Refill();
        if (_tokens < 1.0)
        {
            return false;
        }

        _tokens -= 1.0;
        return true;
    }

    /// <summary>Returns a token taken by a decision that was then reversed.</summary>
    public void Return() => _tokens += 1.0;

    /// <summary>Adds <paramref name="tokens"/>, even above the capacity.</summary>
    /// <param name="tokens">The tokens.</param>
    public void Credit(double tokens)
    {
        Refill();
        _tokens += tokens;
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        if (_tokens < _capacity)
        {
            // Like Core's address bucket: the refill stops at the capacity but never takes away a credit above it.
            double elapsed = Math.Max(0, _time.GetElapsedTime(_stamp, now).TotalSeconds);
            _tokens = Math.Min(_tokens + (elapsed * _ratePerSecond), _capacity);
        }

        _stamp = now;
    }
}
