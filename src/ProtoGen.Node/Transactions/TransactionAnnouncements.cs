using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Metrics;
using ProtoGen.Peers;

namespace ProtoGen.Node.Transactions;

/// <summary>
/// Bounds what the node keeps of transaction announcements (inv of tx and wtx), as Bitcoin Core's transaction download
/// manager does: at most <see cref="MaxPeerTxAnnouncements"/> tracked per peer and at most
/// <see cref="TransactionAnnouncementOptions.MaxTracked"/> over all peers; beyond either, announcements are dropped and
/// counted. With <see cref="TransactionAnnouncementOptions.RequestTransactions"/> it also fetches them: at most
/// <see cref="MaxPeerTxRequestInFlight"/> requested from a peer at once, a request given up after
/// <see cref="GetDataTxInterval"/>, and every transaction received handed to <see cref="TransactionReceived"/>. A peer
/// that announces transactions although our version asked for none is disconnected (Core: "inv sent in violation of
/// protocol"). Thread-safe.
/// </summary>
public sealed class TransactionAnnouncements : IBitcoinListener<Peer>
{
    /// <summary>Announcements tracked per peer (Bitcoin Core <c>MAX_PEER_TX_ANNOUNCEMENTS</c>).</summary>
    public const int MaxPeerTxAnnouncements = 5_000;

    /// <summary>Transactions requested from one peer at once (Bitcoin Core <c>MAX_PEER_TX_REQUEST_IN_FLIGHT</c>).</summary>
    public const int MaxPeerTxRequestInFlight = 100;

    /// <summary>How long a request may go unanswered before it is given up (Bitcoin Core <c>GETDATA_TX_INTERVAL</c>).</summary>
    public static readonly TimeSpan GetDataTxInterval = TimeSpan.FromSeconds(60);

    /// <summary>Peer states allowed beyond twice the last count before gone peers are pruned.</summary>
    private const int PruneSlack = 64;

    private readonly TransactionAnnouncementOptions _options;
    private readonly ConcurrentDictionary<long, PeerState> _peers = new();
    private long _tracked;
    private long _droppedPerPeer;
    private long _droppedTotal;
    private long _requested;
    private long _received;
    private long _expired;
    private int _nextPrune = PruneSlack;

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">The options; null: track only, with the defaults.</param>
    public TransactionAnnouncements(TransactionAnnouncementOptions? options = null)
    {
        _options = options ?? new TransactionAnnouncementOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxTracked, 1);
    }

    /// <summary>Called for every transaction a peer sends (requested or not) when <see cref="TransactionAnnouncementOptions.RequestTransactions"/> is set.</summary>
    public event Action<Peer, Transaction>? TransactionReceived;

    /// <summary>A snapshot of the counters and of what is tracked now.</summary>
    public TransactionAnnouncementStats GetStats()
    {
        int inFlight = 0;
        foreach (var state in _peers.Values)
        {
            lock (state)
            {
                inFlight += state.InFlight.Count;
            }
        }

        return new TransactionAnnouncementStats
        {
            Tracked = Interlocked.Read(ref _tracked),
            InFlight = inFlight,
            DroppedPerPeer = Interlocked.Read(ref _droppedPerPeer),
            DroppedTotal = Interlocked.Read(ref _droppedTotal),
            Requested = Interlocked.Read(ref _requested),
            Received = Interlocked.Read(ref _received),
            Expired = Interlocked.Read(ref _expired),
        };
    }

    /// <summary>Announcements tracked for <paramref name="peer"/> now.</summary>
    /// <param name="peer">The peer.</param>
    public int TrackedCount(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!_peers.TryGetValue(peer.Id, out var state))
        {
            return 0;
        }

        lock (state)
        {
            return state.Known.Count;
        }
    }

    /// <summary>Transactions requested from <paramref name="peer"/> and not yet received.</summary>
    /// <param name="peer">The peer.</param>
    public int InFlightCount(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!_peers.TryGetValue(peer.Id, out var state))
        {
            return 0;
        }

        lock (state)
        {
            return state.InFlight.Count;
        }
    }

    /// <summary>Forgets <paramref name="peer"/> (call when it stops; disconnected peers are also forgotten when the total bound is reached).</summary>
    /// <param name="peer">The peer.</param>
    public void Forget(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_peers.TryRemove(peer.Id, out var state))
        {
            lock (state)
            {
                Interlocked.Add(ref _tracked, -state.Known.Count);
                state.Known.Clear();
                state.Pending.Clear();
                state.InFlight.Clear();
            }
        }
    }

    /// <inheritdoc/>
    public void OnInv(Peer peer, InvMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        PeerState? state = null;
        long dropPeer = 0, dropTotal = 0;
        List<InventoryVector>? request = null;
        foreach (var item in message.Inventory.AsSpan())
        {
            if (item.Type is not (InventoryType.Tx or InventoryType.Wtx or InventoryType.WitnessTx))
            {
                continue;
            }

            if (!peer.Config.RelayTransactions)
            {
                peer.Disconnect(DisconnectKind.ProtocolViolation, $"transaction ({item.Hash}) inv sent although our version asked for no transaction relay");
                return;
            }

            state ??= StateOf(peer);
            lock (state)
            {
                if (state.Known.Contains(item.Hash))
                {
                    continue;
                }

                if (state.Known.Count >= MaxPeerTxAnnouncements)
                {
                    dropPeer++;
                    continue;
                }

                if (Interlocked.Increment(ref _tracked) > _options.MaxTracked && !PruneDisconnected())
                {
                    Interlocked.Decrement(ref _tracked);
                    dropTotal++;
                    continue;
                }

                state.Known.Add(item.Hash);
                state.Pending.Enqueue(item);
            }
        }

        if (state is not null && _options.RequestTransactions)
        {
            request = TakeRequests(state, peer.Config.TimeProvider.GetTimestamp(), peer.Config.TimeProvider);
        }

        Interlocked.Add(ref _droppedPerPeer, dropPeer);
        Interlocked.Add(ref _droppedTotal, dropTotal);
        NodeMetrics.AnnouncementsDropped("per-peer", dropPeer);
        NodeMetrics.AnnouncementsDropped("total", dropTotal);
        if (request is { Count: > 0 })
        {
            Interlocked.Add(ref _requested, request.Count);
            peer.QueueMessage(new GetDataMessage { Inventory = new WireArray<InventoryVector>(request.ToArray()) });
        }
    }

    /// <inheritdoc/>
    public void OnTx(Peer peer, Transaction message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        if (_peers.TryGetValue(peer.Id, out var state))
        {
            var txid = message.GetTxId();
            var wtxid = message.GetWitnessTxId();
            lock (state)
            {
                Settle(state, txid);
                if (wtxid != txid)
                {
                    Settle(state, wtxid);
                }
            }
        }

        if (_options.RequestTransactions)
        {
            Interlocked.Increment(ref _received);
            TransactionReceived?.Invoke(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnNotFound(Peer peer, NotFoundMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        if (!_peers.TryGetValue(peer.Id, out var state))
        {
            return;
        }

        lock (state)
        {
            foreach (var item in message.Inventory.AsSpan())
            {
                Settle(state, item.Hash);
            }
        }
    }

    /// <summary>The peer's state, created on first use; gone peers' states are pruned as the map grows, so it stays bounded.</summary>
    private PeerState StateOf(Peer peer)
    {
        if (_peers.TryGetValue(peer.Id, out var state))
        {
            return state;
        }

        if (_peers.Count >= Volatile.Read(ref _nextPrune))
        {
            PruneDisconnected();
            Volatile.Write(ref _nextPrune, (_peers.Count * 2) + PruneSlack);
        }

        return _peers.GetOrAdd(peer.Id, static (_, p) => new PeerState(p), peer);
    }

    /// <summary>Forgets an announcement once its transaction arrived or the peer said it has none.</summary>
    private void Settle(PeerState state, Hash256 hash)
    {
        if (state.InFlight.Remove(hash) | state.Known.Remove(hash))
        {
            Interlocked.Decrement(ref _tracked);
        }
    }

    private List<InventoryVector> TakeRequests(PeerState state, long now, TimeProvider time)
    {
        var request = new List<InventoryVector>();
        lock (state)
        {
            // Requests unanswered for too long are given up (Core then asks another announcer; we drop the announcement).
            List<Hash256>? expired = null;
            foreach (var (hash, since) in state.InFlight)
            {
                if (time.GetElapsedTime(since, now) >= GetDataTxInterval)
                {
                    (expired ??= []).Add(hash);
                }
            }

            if (expired is not null)
            {
                foreach (var hash in expired)
                {
                    Settle(state, hash);
                }

                Interlocked.Add(ref _expired, expired.Count);
            }

            while (state.InFlight.Count < MaxPeerTxRequestInFlight && state.Pending.TryDequeue(out var item))
            {
                if (state.Known.Contains(item.Hash) && state.InFlight.TryAdd(item.Hash, now))
                {
                    request.Add(item);
                }
            }
        }

        return request;
    }

    /// <summary>Drops the state of peers that have gone; returns whether that made room under the total bound.</summary>
    private bool PruneDisconnected()
    {
        foreach (var (id, state) in _peers)
        {
            if (!state.Peer.IsConnected && _peers.TryRemove(id, out _))
            {
                lock (state)
                {
                    Interlocked.Add(ref _tracked, -state.Known.Count);
                    state.Known.Clear();
                    state.Pending.Clear();
                    state.InFlight.Clear();
                }
            }
        }

        return Interlocked.Read(ref _tracked) <= _options.MaxTracked;
    }

    private sealed class PeerState(Peer peer)
    {
        public Peer Peer { get; } = peer;

        public HashSet<Hash256> Known { get; } = [];

        public Queue<InventoryVector> Pending { get; } = new();

        public Dictionary<Hash256, long> InFlight { get; } = [];
    }
}

/// <summary>The options of <see cref="TransactionAnnouncements"/>.</summary>
public sealed record TransactionAnnouncementOptions
{
    /// <summary>
    /// The default bound over all peers: room for 20 peers at the per-peer bound (about 100,000 hashes, a few MiB),
    /// so a node full of announcing peers cannot hold 189 × 5,000.
    /// </summary>
    public const int DefaultMaxTracked = 100_000;

    /// <summary>Whether announced transactions are requested with getdata (false: only tracked, within the bounds).</summary>
    public bool RequestTransactions { get; init; }

    /// <summary>Announcements tracked over all peers.</summary>
    public int MaxTracked { get; init; } = DefaultMaxTracked;
}

/// <summary>A snapshot of a <see cref="TransactionAnnouncements"/>' counters and state.</summary>
public sealed record TransactionAnnouncementStats
{
    /// <summary>Announcements tracked now, over all peers.</summary>
    public long Tracked { get; init; }

    /// <summary>Transactions requested and not yet received, over all peers.</summary>
    public int InFlight { get; init; }

    /// <summary>Announcements dropped because their peer had <see cref="TransactionAnnouncements.MaxPeerTxAnnouncements"/> tracked.</summary>
    public long DroppedPerPeer { get; init; }

    /// <summary>Announcements dropped because <see cref="TransactionAnnouncementOptions.MaxTracked"/> were tracked over all peers.</summary>
    public long DroppedTotal { get; init; }

    /// <summary>Transactions requested.</summary>
    public long Requested { get; init; }

    /// <summary>Transactions received while requesting.</summary>
    public long Received { get; init; }

    /// <summary>Requests given up after <see cref="TransactionAnnouncements.GetDataTxInterval"/>.</summary>
    public long Expired { get; init; }
}
