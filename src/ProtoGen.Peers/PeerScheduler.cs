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
/// <remarks>
/// A registered peer's next deadline lives in a slot of the scheduler's contiguous arrays (chunks of
/// <see cref="SlotChunk.Size"/>, never moved once made), so a tick reads one array element per quiet peer rather than
/// two objects scattered over the heap. A slot given up by a peer is reused only after the tick running meanwhile
/// has finished, so that tick's late writes cannot touch the slot's next owner.
/// </remarks>
public sealed class PeerScheduler : IDisposable
{
    private static readonly ConditionalWeakTable<TimeProvider, PeerScheduler> s_shared = new();

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _tick;
    private readonly Lock _lock = new();
    private readonly Dictionary<Peer, int> _slotOf = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<int> _releasedSlots = [];
    private SlotChunk[] _chunks = [];
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
                return _slotOf.Count;
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

    /// <summary>How many deadline slots the scheduler has made (a multiple of the chunk size); for tests.</summary>
    internal int SlotCapacity
    {
        get
        {
            lock (_lock)
            {
                return _chunks.Length * SlotChunk.Size;
            }
        }
    }

    internal void Register(Peer peer)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_slotOf.ContainsKey(peer))
            {
                return;
            }

            int slot = TakeSlot();
            var chunk = _chunks[slot / SlotChunk.Size];
            int index = slot % SlotChunk.Size;

            // The deadline first, then the peer: a tick that sees the peer sees its deadline.
            peer.NextDeadline.MoveTo(chunk.Deadlines, index);
            Volatile.Write(ref chunk.Peers[index], peer);
            _slotOf.Add(peer, slot);
            _timer ??= _timeProvider.CreateTimer(static state => ((PeerScheduler)state!).Tick(), this, _tick, _tick);
        }
    }

    internal void Unregister(Peer peer)
    {
        ITimer? release = null;
        lock (_lock)
        {
            if (_slotOf.Remove(peer, out int slot))
            {
                var chunk = _chunks[slot / SlotChunk.Size];
                int index = slot % SlotChunk.Size;
                Volatile.Write(ref chunk.Peers[index], null);
                peer.NextDeadline.MoveTo(null, 0);
                Volatile.Write(ref chunk.Deadlines[index], NextDeadline.Never);
                _releasedSlots.Add(slot);
                if (_slotOf.Count == 0)
                {
                    release = _timer;
                    _timer = null;
                }
            }
        }

        release?.Dispose();
    }

    /// <summary>A free slot (under the lock), adding a chunk when none is left.</summary>
    private int TakeSlot()
    {
        if (_freeSlots.Count == 0 && _releasedSlots.Count > 0 && Interlocked.CompareExchange(ref _ticking, 1, 0) == 0)
        {
            // No tick is running, and none can start while the flag is held: the released slots are safe to reuse now
            // (peers that come and go between ticks, or with no timer at all, would otherwise only ever add chunks).
            try
            {
                ReleaseSlots();
            }
            finally
            {
                Volatile.Write(ref _ticking, 0);
            }
        }

        if (_freeSlots.TryPop(out int slot))
        {
            return slot;
        }

        var chunks = new SlotChunk[_chunks.Length + 1];
        _chunks.CopyTo(chunks, 0);
        chunks[^1] = new SlotChunk();
        int first = _chunks.Length * SlotChunk.Size;
        for (int i = SlotChunk.Size - 1; i > 0; i--)
        {
            _freeSlots.Push(first + i);
        }

        Volatile.Write(ref _chunks, chunks);
        return first;
    }

    /// <summary>Makes the slots given up since the last tick began reusable (under the lock).</summary>
    private void ReleaseSlots()
    {
        foreach (int slot in _releasedSlots)
        {
            _freeSlots.Push(slot);
        }

        _releasedSlots.Clear();
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
            SlotChunk[] chunks;
            lock (_lock)
            {
                // The previous tick has finished: what was given up before this one began may be reused.
                ReleaseSlots();
                chunks = _chunks;
            }

            var now = _timeProvider.GetUtcNow();
            long nowTicks = now.UtcTicks;
            long checkedPeers = 0;
            foreach (var chunk in chunks)
            {
                var deadlines = chunk.Deadlines;
                for (int i = 0; i < deadlines.Length; i++)
                {
                    if (nowTicks >= Volatile.Read(ref deadlines[i]) && Volatile.Read(ref chunk.Peers[i]) is { } peer)
                    {
                        checkedPeers++;
                        peer.OnTick(now);
                    }
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
            foreach (var chunk in _chunks)
            {
                Array.Clear(chunk.Peers);
            }

            _slotOf.Clear();
        }

        timer?.Dispose();
    }

    /// <summary>A block of slots: each one's next deadline and its peer (null when free).</summary>
    private sealed class SlotChunk
    {
        /// <summary>Slots per chunk: 8 KB of deadlines.</summary>
        public const int Size = 1024;

        public readonly long[] Deadlines = CreateDeadlines();

        public readonly Peer?[] Peers = new Peer?[Size];

        private static long[] CreateDeadlines()
        {
            var deadlines = new long[Size];
            Array.Fill(deadlines, NextDeadline.Never);
            return deadlines;
        }
    }
}
