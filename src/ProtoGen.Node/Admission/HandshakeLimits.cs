using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using ProtoGen.Node.Limits;

namespace ProtoGen.Node.Admission;

/// <summary>
/// btcd's inbound handshake admission: at most so many incomplete handshakes per source (/24 IPv4, /64 IPv6), and a
/// token bucket per source and one for the whole server. Source buckets are remembered in a least-recently-used list
/// of bounded size; when a source is forgotten the server-wide bucket still holds the line. Loopback sources skip the
/// per-source limits unless <see cref="AdmissionOptions.LimitLoopback"/> is set. Thread-safe.
/// </summary>
internal sealed class HandshakeLimits
{
    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<AddressPrefix, int> _pending = [];
    private readonly Dictionary<AddressPrefix, LinkedListNode<(AddressPrefix Source, TokenBucket Bucket)>> _sources = [];
    private readonly LinkedList<(AddressPrefix Source, TokenBucket Bucket)> _recent = new();
    private readonly TokenBucket _global;

    public HandshakeLimits(AdmissionOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _global = new TokenBucket(time, options.HandshakeRate, options.HandshakeBurst, options.HandshakeBurst);
    }

    /// <summary>Incomplete handshakes counted now, over every source.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                int total = 0;
                foreach (var count in _pending.Values)
                {
                    total += count;
                }

                return total;
            }
        }
    }

    /// <summary>Sources whose rate is remembered.</summary>
    public int TrackedSources
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count;
            }
        }
    }

    /// <summary>
    /// Admits one handshake from <paramref name="address"/>: a per-source slot (released by the ticket) and a token
    /// from the source's bucket and from the server's. Returns why not, or null with the ticket.
    /// </summary>
    /// <param name="address">The remote address.</param>
    /// <param name="ticket">The slot to release when the handshake ends (finished or not).</param>
    public AdmissionRefusal? TryAdmit(IPAddress address, out HandshakeTicket ticket)
    {
        var normalized = AddressGroups.Normalize(address);
        bool exempt = !_options.LimitLoopback && IPAddress.IsLoopback(normalized);
        var source = AddressGroups.SourcePrefix(normalized);
        ticket = HandshakeTicket.None;
        lock (_lock)
        {
            TokenBucket? sourceBucket = null;
            if (!exempt)
            {
                if (_pending.TryGetValue(source, out int pending) && pending >= _options.MaxPendingHandshakesPerSource)
                {
                    return AdmissionRefusal.SourcePendingHandshakes;
                }

                sourceBucket = SourceBucket(source);
                if (!sourceBucket.TryTake())
                {
                    return AdmissionRefusal.SourceHandshakeRate;
                }
            }

            if (!_global.TryTake())
            {
                // As btcd cancels the source reservation when the global one fails: the source is not charged.
                sourceBucket?.Return();
                return AdmissionRefusal.HandshakeRate;
            }

            if (!exempt)
            {
                _pending[source] = _pending.GetValueOrDefault(source) + 1;
                ticket = new HandshakeTicket(this, source);
            }

            return null;
        }
    }

    /// <summary>Releases a slot taken by <see cref="TryAdmit"/> (through its ticket).</summary>
    internal void Release(AddressPrefix source)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(source, out int pending))
            {
                if (pending <= 1)
                {
                    _pending.Remove(source);
                }
                else
                {
                    _pending[source] = pending - 1;
                }
            }
        }
    }

    private TokenBucket SourceBucket(AddressPrefix source)
    {
        if (_sources.TryGetValue(source, out var node))
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Bucket;
        }

        if (_sources.Count >= _options.MaxTrackedSources)
        {
            var oldest = _recent.Last!;
            _recent.RemoveLast();
            _sources.Remove(oldest.Value.Source);
        }

        var bucket = new TokenBucket(_time, _options.SourceHandshakeRate, _options.SourceHandshakeBurst, _options.SourceHandshakeBurst);
        _sources[source] = _recent.AddFirst((source, bucket));
        return bucket;
    }
}

/// <summary>One incomplete-handshake slot of a source; releasing it twice releases it once. Thread-safe.</summary>
internal sealed class HandshakeTicket
{
    private readonly HandshakeLimits? _owner;
    private readonly AddressPrefix _source;
    private int _released;

    internal HandshakeTicket(HandshakeLimits? owner, AddressPrefix source)
    {
        _owner = owner;
        _source = source;
        _released = owner is null ? 1 : 0;
    }

    /// <summary>A ticket that holds no slot (an exempt source).</summary>
    public static HandshakeTicket None { get; } = new(null, default);

    /// <summary>Releases the slot (once).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _owner!.Release(_source);
        }
    }
}
