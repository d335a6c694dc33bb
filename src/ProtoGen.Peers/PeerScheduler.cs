using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ProtoGen.Peers;

/// <summary>
/// One timer for many peers: every tick it asks each registered peer whose next deadline has come to check its
/// deadlines (handshake, idle, ping, stalls, inventory trickle), so ten thousand idle peers cost one timer, not
/// thousands, and a quiet peer one comparison per tick. Peers register themselves while running. The shared instance
/// per <see cref="TimeProvider"/> is used unless a configuration names another.
/// </summary>
public sealed class PeerScheduler : IDisposable
{
    private static readonly ConditionalWeakTable<TimeProvider, PeerScheduler> s_shared = new();

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _tick;
    private readonly Lock _lock = new();
    private readonly HashSet<Peer> _peers = [];
    private Peer[] _snapshot = [];
    private ITimer? _timer;
    private int _ticking;
    private long _peersChecked;
    private bool _disposed;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="timeProvider">The clock whose timer drives the ticks.</param>
    /// <param name="tick">The tick interval: the resolution of every peer timeout (default 250 ms).</param>
    public PeerScheduler(TimeProvider timeProvider, TimeSpan? tick = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _tick = tick ?? PeerDefaults.SchedulerTick;
        if (_tick <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tick), "the tick must be positive");
        }
    }

    /// <summary>The shared scheduler of <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock.</param>
    public static PeerScheduler GetShared(TimeProvider timeProvider) => s_shared.GetValue(timeProvider, static t => new PeerScheduler(t));

    /// <summary>The number of peers currently registered.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>Whether the scheduler's timer currently exists (it is created with the first peer and released with the last).</summary>
    public bool IsTimerActive
    {
        get
        {
            lock (_lock)
            {
                return _timer is not null;
            }
        }
    }

    /// <summary>How many times a tick has fully checked a peer (a peer passed over because its next deadline is ahead does not count); for tests.</summary>
    internal long PeersChecked => Interlocked.Read(ref _peersChecked);

    internal void Register(Peer peer)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_peers.Add(peer))
            {
                _snapshot = [];
                _timer ??= _timeProvider.CreateTimer(static state => ((PeerScheduler)state!).Tick(), this, _tick, _tick);
            }
        }
    }

    internal void Unregister(Peer peer)
    {
        ITimer? release = null;
        lock (_lock)
        {
            if (_peers.Remove(peer))
            {
                _snapshot = [];
                if (_peers.Count == 0)
                {
                    release = _timer;
                    _timer = null;
                }
            }
        }

        release?.Dispose();
    }

    private void Tick()
    {
        // Skip a tick rather than run two at once when a slow tick overlaps the next.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            Peer[] peers;
            lock (_lock)
            {
                if (_snapshot.Length != _peers.Count)
                {
                    _snapshot = new Peer[_peers.Count];
                    _peers.CopyTo(_snapshot);
                }

                peers = _snapshot;
            }

            var now = _timeProvider.GetUtcNow();
            long nowTicks = now.UtcTicks;
            long checkedPeers = 0;
            foreach (var peer in peers)
            {
                if (peer.NextDeadline.IsDue(nowTicks))
                {
                    checkedPeers++;
                    peer.OnTick(now);
                }
            }

            Interlocked.Add(ref _peersChecked, checkedPeers);
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>Stops the timer. Peers still registered stop being checked.</summary>
    public void Dispose()
    {
        ITimer? timer;
        lock (_lock)
        {
            _disposed = true;
            timer = _timer;
            _timer = null;
            _peers.Clear();
        }

        timer?.Dispose();
    }
}
