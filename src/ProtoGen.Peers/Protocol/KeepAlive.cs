using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Protocol;

/// <summary>What a ping's round trip looked like, for statistics.</summary>
/// <param name="LastNonce">The nonce of our last ping.</param>
/// <param name="LastSentAt">When it was written.</param>
/// <param name="LastRoundTrip">The round trip of the last answered ping.</param>
/// <param name="MinRoundTrip">The shortest round trip seen.</param>
/// <param name="Outstanding">Whether a ping is waiting for its pong.</param>
internal readonly record struct PingInfo(ulong LastNonce, DateTimeOffset? LastSentAt, TimeSpan? LastRoundTrip, TimeSpan? MinRoundTrip, bool Outstanding);

/// <summary>
/// Keep-alive of one peer: the periodic ping and its pong (BIP31), round-trip times and their waiters, the ping
/// timeout, and the idle timeout (nothing at all received). Thread-safe.
/// </summary>
internal sealed class KeepAlive
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _pingTimeout;
    private readonly TimeSpan _idleTimeout;
    private readonly NextDeadline _next;
    private long _lastReceiveTicks;
    private DateTimeOffset _pingDue = DateTimeOffset.MaxValue;
    private bool _pingQueued;
    private bool _pingOutstanding;
    private ulong _pingNonce;
    private DateTimeOffset? _pingSentAt;
    private long _pingSentTimestamp;
    private TimeSpan? _lastRoundTrip;
    private TimeSpan? _minRoundTrip;
    private List<TaskCompletionSource<TimeSpan>>? _waiters;

    public KeepAlive(TimeProvider time, TimeSpan interval, TimeSpan pingTimeout, TimeSpan idleTimeout, NextDeadline next)
    {
        _time = time;
        _next = next;
        _interval = interval;
        _pingTimeout = pingTimeout;
        _idleTimeout = idleTimeout;
        _lastReceiveTicks = time.GetUtcNow().UtcTicks;
    }

    /// <summary>The round-trip statistics.</summary>
    public PingInfo Info
    {
        get
        {
            lock (_lock)
            {
                return new PingInfo(_pingNonce, _pingSentAt, _lastRoundTrip, _minRoundTrip, _pingOutstanding);
            }
        }
    }

    /// <summary>A random non-zero ping nonce.</summary>
    public static ulong RandomNonce()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong nonce;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            nonce = BitConverter.ToUInt64(bytes);
        }
        while (nonce == 0);
        return nonce;
    }

    /// <summary>Something arrived: the idle clock restarts (a later idle deadline: the peer's next deadline need not move).</summary>
    /// <param name="now">The time.</param>
    public void Received(DateTimeOffset now) => Volatile.Write(ref _lastReceiveTicks, now.UtcTicks);

    /// <summary>The handshake completed: the first ping is due now.</summary>
    /// <param name="now">The time.</param>
    public void Start(DateTimeOffset now)
    {
        lock (_lock)
        {
            _pingDue = now;
            _next.Lower(now);
        }
    }

    /// <summary>Adds a waiter for the next round trip; true when a new ping must be sent (none is queued or in flight).</summary>
    /// <param name="waiter">Completed with the round trip.</param>
    public bool AddWaiter(TaskCompletionSource<TimeSpan> waiter)
    {
        lock (_lock)
        {
            (_waiters ??= []).Add(waiter);
            if (_pingOutstanding || _pingQueued)
            {
                return false;
            }

            _pingQueued = true;
            return true;
        }
    }

    /// <summary>Whether the periodic ping is due now; if so, it counts as queued.</summary>
    /// <param name="now">The time.</param>
    public bool TakeDuePing(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_pingOutstanding || _pingQueued || now < _pingDue)
            {
                return false;
            }

            _pingQueued = true;
            return true;
        }
    }

    /// <summary>A ping was written: the next is due one interval later; with a nonce (BIP31) its pong is awaited.</summary>
    /// <param name="nonce">Its nonce (0: none is awaited).</param>
    /// <param name="awaitPong">Whether the negotiated version has pongs (above 60000).</param>
    /// <param name="now">When it was written.</param>
    public void PingSent(ulong nonce, bool awaitPong, DateTimeOffset now)
    {
        lock (_lock)
        {
            _pingQueued = false;
            _pingDue = now + _interval;
            if (awaitPong && nonce != 0)
            {
                _pingOutstanding = true;
                _pingNonce = nonce;
                _pingSentAt = now;
                _pingSentTimestamp = _time.GetTimestamp();
            }

            _next.Lower(NextDueLocked());
        }
    }

    /// <summary>
    /// A pong arrived. Returns the round trip when it answers our ping (and completes the waiters); a zero nonce or a
    /// pong too short for its nonce cancels the ping (Bitcoin Core); any other nonce is ignored.
    /// </summary>
    /// <param name="nonce">The pong's nonce, or null when the pong was too short to carry one.</param>
    public TimeSpan? PongReceived(ulong? nonce)
    {
        TimeSpan roundTrip;
        List<TaskCompletionSource<TimeSpan>>? waiters;
        lock (_lock)
        {
            if (!_pingOutstanding)
            {
                return null;
            }

            if (nonce is null || nonce == 0)
            {
                _pingOutstanding = false;
                _next.Lower(NextDueLocked());
                return null;
            }

            if (nonce != _pingNonce)
            {
                return null;
            }

            roundTrip = _time.GetElapsedTime(_pingSentTimestamp);
            _lastRoundTrip = roundTrip;
            if (_minRoundTrip is null || roundTrip < _minRoundTrip)
            {
                _minRoundTrip = roundTrip;
            }

            _pingOutstanding = false;
            _next.Lower(NextDueLocked());
            waiters = _waiters;
            _waiters = null;
        }

        foreach (var waiter in waiters ?? [])
        {
            waiter.TrySetResult(roundTrip);
        }

        return roundTrip;
    }

    /// <summary>Why the peer must end now (idle, or an unanswered ping), or null.</summary>
    /// <param name="now">The time.</param>
    public DisconnectReason? Check(DateTimeOffset now)
    {
        var lastReceive = new DateTimeOffset(Volatile.Read(ref _lastReceiveTicks), TimeSpan.Zero);
        if (_idleTimeout > TimeSpan.Zero && now - lastReceive >= _idleTimeout)
        {
            return new DisconnectReason(DisconnectKind.Idle, $"nothing received for {_idleTimeout}");
        }

        lock (_lock)
        {
            if (_pingOutstanding && _pingTimeout > TimeSpan.Zero && _pingSentAt is { } sentAt && now - sentAt >= _pingTimeout)
            {
                return new DisconnectReason(DisconnectKind.PingTimeout, $"no pong within {_pingTimeout}");
            }
        }

        return null;
    }

    /// <summary>
    /// The earliest time (UTC ticks) <see cref="Check"/> or <see cref="TakeDuePing"/> may act: the idle deadline, the
    /// pong deadline of an outstanding ping, else the next periodic ping (none while one is queued: writing it sets the next).
    /// </summary>
    public long NextDue()
    {
        long due = _idleTimeout > TimeSpan.Zero ? NextDeadline.Add(Volatile.Read(ref _lastReceiveTicks), _idleTimeout) : NextDeadline.Never;
        lock (_lock)
        {
            return Math.Min(due, NextDueLocked());
        }
    }

    /// <summary>The ping's part of <see cref="NextDue"/>; under the lock.</summary>
    private long NextDueLocked()
    {
        if (_pingOutstanding)
        {
            return _pingTimeout > TimeSpan.Zero && _pingSentAt is { } sentAt ? NextDeadline.Add(sentAt.UtcTicks, _pingTimeout) : NextDeadline.Never;
        }

        return _pingQueued ? NextDeadline.Never : _pingDue.UtcTicks;
    }

    /// <summary>Fails every waiter (the peer ended).</summary>
    /// <param name="error">The error.</param>
    public void FailWaiters(Exception error)
    {
        List<TaskCompletionSource<TimeSpan>>? waiters;
        lock (_lock)
        {
            waiters = _waiters;
            _waiters = null;
        }

        foreach (var waiter in waiters ?? [])
        {
            waiter.TrySetException(error);
        }
    }
}
