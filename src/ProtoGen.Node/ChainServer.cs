using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// Serves a <see cref="ChainStore"/> to peers, as a full node does: answers getheaders (up to 2,000 headers), getblocks
/// (up to 500 block inventories, with Bitcoin Core's continuation inv), getdata (blocks in the form requested,
/// transactions from a small pool, notfound for the rest), and announces new blocks (headers to peers that sent
/// sendheaders, inv otherwise) and pooled transactions.
/// </summary>
public sealed class ChainServer : IBitcoinListener<Peer>
{
    private readonly ConcurrentDictionary<long, Peer> _peers = new();
    private readonly ConcurrentDictionary<long, Hash256> _continuation = new();
    private readonly ConcurrentDictionary<Hash256, Transaction> _transactions = new();
    private readonly ConcurrentDictionary<long, GetDataRequests> _getData = new();
    private readonly EncodedBlockCache _encodedBlocks = new();
    private readonly GetDataRequests.PendingTotal _pendingGetData = new();

    /// <summary>Creates a server for <paramref name="store"/>; blocks added to the store later are announced to connected peers.</summary>
    /// <param name="store">The chain.</param>
    public ChainServer(ChainStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        store.HeaderAdded += Announce;
    }

    /// <summary>The blocks served most recently, encoded once for every peer (for tests).</summary>
    internal EncodedBlockCache EncodedBlocks => _encodedBlocks;

    /// <summary>The chain served.</summary>
    public ChainStore Store { get; }

    /// <summary>Peers that completed the handshake and are still connected.</summary>
    public IReadOnlyCollection<Peer> Peers
    {
        get
        {
            Prune();
            return new List<Peer>(_peers.Values);
        }
    }

    /// <summary>Adds a transaction to the pool, serves it on request (by txid or wtxid), and announces it to connected peers.</summary>
    /// <param name="transaction">The transaction.</param>
    public void AddTransaction(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var txid = transaction.GetTxId();
        var wtxid = transaction.GetWitnessTxId();
        _transactions[txid] = transaction;
        _transactions[wtxid] = transaction;
        foreach (var peer in Peers)
        {
            peer.QueueInventory(peer.Features.WtxidRelay ? new InventoryVector(InventoryType.Wtx, wtxid) : new InventoryVector(InventoryType.Tx, txid));
        }
    }

    /// <inheritdoc/>
    public void OnVerAck(Peer peer, VerAckMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_peers.TryAdd(peer.Id, peer))
        {
            // Forgotten when it ends. Pruning only when the peers were listed kept every peer a server that never
            // announces (protogen listen) had ever served: 349,182 peers and 5.9 GiB in the soak.
            _ = peer.WaitForDisconnectAsync().ContinueWith(
                static (_, state) =>
                {
                    var (server, id) = ((ChainServer, long))state!;
                    server.Forget(id);
                },
                (this, peer.Id),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <inheritdoc/>
    public void OnGetHeaders(Peer peer, GetHeadersMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        var headers = Store.GetHeadersAfter(message.Locator, message.HashStop);
        peer.QueueMessage(new HeadersMessage { Headers = new WireArray<BlockHeader>(headers.ToArray()) });
        if (headers.Count > 0)
        {
            peer.UpdateLastBlockHeight(Store.GetHeight(headers[^1].GetHash()));
        }
    }

    /// <inheritdoc/>
    public void OnGetBlocks(Peer peer, GetBlocksMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        var hashes = Store.GetBlockHashesAfter(message.Locator, message.HashStop);
        if (hashes.Count == 0)
        {
            return;
        }

        if (hashes.Count == ProtocolLimits.MaxBlocksPerGetBlocks)
        {
            // Bitcoin Core: when the requester asks for the last of these, announce the tip so it sends getblocks again.
            _continuation[peer.Id] = hashes[^1];
        }

        var inventory = new InventoryVector[hashes.Count];
        for (int i = 0; i < inventory.Length; i++)
        {
            inventory[i] = new InventoryVector(InventoryType.Block, hashes[i]);
        }

        peer.QueueMessage(new InvMessage { Inventory = new WireArray<InventoryVector>(inventory) });
    }

    /// <summary>
    /// Queues the requested items and serves them as the peer's send buffer drains (Bitcoin Core's
    /// <c>ProcessGetData</c> stops while the send buffer is full): a getdata for many blocks never queues them all at
    /// once. Items not found are answered with notfound. A peer with more than twice <c>MAX_INV_SZ</c> items pending is
    /// disconnected.
    /// </summary>
    /// <param name="peer">The peer.</param>
    /// <param name="message">The request.</param>
    public void OnGetData(Peer peer, GetDataMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        var requests = _getData.GetOrAdd(peer.Id, static (_, total) => new GetDataRequests(total), _pendingGetData);
        switch (requests.Add(message.Inventory.AsSpan(), MaxPendingGetData, MaxPendingGetDataTotal, GetDataFairShare))
        {
            case GetDataRequests.Outcome.Overflow:
                peer.Disconnect(DisconnectKind.ResourceLimit, $"more than {MaxPendingGetData} getdata items pending");
                break;
            case GetDataRequests.Outcome.NodeOverflow:
                peer.Disconnect(DisconnectKind.ResourceLimit, $"{requests.Count} getdata items pending while every peer's together exceed {MaxPendingGetDataTotal}");
                break;
            case GetDataRequests.Outcome.StartServing:
                _ = ServeAsync(peer, requests);
                break;
        }
    }

    /// <summary>The getdata items one peer may have waiting (twice Bitcoin Core's <c>MAX_INV_SZ</c>).</summary>
    public const int MaxPendingGetData = 2 * ProtocolLimits.MaxInventory;

    /// <summary>
    /// The getdata items all peers together may have waiting (about 9 MB): past it, a peer that asks for more while it
    /// already has <see cref="GetDataFairShare"/> or more waiting is disconnected. Slow readers (getdata sent, replies
    /// never read) each held up to 5 MB of pending items here before, +278 MiB for 50 of them (docs/reliability.md).
    /// </summary>
    public const long MaxPendingGetDataTotal = 250_000;

    /// <summary>
    /// Pending getdata items a peer may have whatever the others hold: a syncing node keeps 16 blocks in flight per
    /// peer (Bitcoin Core's <c>MAX_BLOCKS_IN_TRANSIT_PER_PEER</c>) and at most 100 transaction requests, so an honest
    /// peer stays far below it.
    /// </summary>
    public const int GetDataFairShare = 1_000;

    /// <summary>
    /// Replies to one peer's getdata that may be queued and not yet written. The send buffer bounds the bytes queued
    /// (1,000,000 by default), but the peer's send queue also holds at most <see cref="PeerConfig.SendQueueCapacity"/>
    /// messages (1,024 by default) and drops what comes beyond: a getdata for a thousand small blocks filled it by
    /// count long before the bytes filled the buffer, and every reply past the 1,024th was dropped (and logged), which
    /// the soak found. 64 keeps the queue's other users (headers, inv, notfound) room to spare; a peer configured with
    /// a smaller queue gets half its capacity.
    /// </summary>
    public const int MaxRepliesInFlight = 64;

    /// <summary>
    /// Serves a peer's pending getdata items in order, waiting for its send buffer whenever it is full and for the
    /// oldest reply to be written whenever <see cref="MaxRepliesInFlight"/> are queued.
    /// </summary>
    private async Task ServeAsync(Peer peer, GetDataRequests requests)
    {
        List<InventoryVector>? missing = null;
        var inFlight = new Queue<Task>();
        int maxInFlight = Math.Clamp(peer.Config.SendQueueCapacity / 2, 1, MaxRepliesInFlight);
        try
        {
            while (requests.TryTake(out var item))
            {
                if (!peer.IsConnected)
                {
                    return;
                }

                while (inFlight.Count >= maxInFlight || (inFlight.Count > 0 && inFlight.Peek().IsCompleted))
                {
                    // A reply that failed (the peer ended) is not ours to report: the loop stops at the next item.
                    await Task.WhenAny(inFlight.Dequeue()).ConfigureAwait(false);
                }

                if (peer.IsSendBufferFull)
                {
                    await peer.WaitForSendBufferAsync().ConfigureAwait(false);
                }

                var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (Serve(peer, item, sent))
                {
                    inFlight.Enqueue(sent.Task);
                }
                else
                {
                    (missing ??= []).Add(item);
                }

                if (missing is not null && (missing.Count >= ProtocolLimits.MaxInventory || requests.IsEmpty))
                {
                    peer.QueueMessage(new NotFoundMessage { Inventory = new WireArray<InventoryVector>(missing.ToArray()) });
                    missing = null;
                }
            }
        }
        catch (PeerDisconnectedException)
        {
            // The peer ended: nothing more is owed to it.
        }
        catch (Exception e)
        {
            // Contain a failure to this peer.
            peer.Disconnect(DisconnectKind.ListenerError, $"serving getdata failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (!peer.IsConnected)
            {
                Forget(peer.Id);
            }
        }
    }

    /// <summary>Answers one item; false when it is not served (sent back as notfound).</summary>
    private bool Serve(Peer peer, InventoryVector item, TaskCompletionSource sent)
    {
        switch (item.Type)
        {
            case InventoryType.Block or InventoryType.WitnessBlock when Store.TryGetBlock(item.Hash, out var block):
                // Encoded and checksummed once for all the peers asking for it, in the form each asked for.
                peer.QueueMessage(_encodedBlocks.Get(item.Hash, block), sent, item.Type == InventoryType.WitnessBlock ? WireFlags.None : WireFlags.NoWitness);
                if (_continuation.TryGetValue(peer.Id, out var last) && last == item.Hash)
                {
                    _continuation.TryRemove(peer.Id, out _);
                    peer.QueueMessage(new InvMessage { Inventory = new WireArray<InventoryVector>([new InventoryVector(InventoryType.Block, Store.TipHash)]) });
                }

                return true;
            case InventoryType.Tx or InventoryType.WitnessTx or InventoryType.Wtx when _transactions.TryGetValue(item.Hash, out var transaction):
                peer.PushTransaction(transaction, item.Type, sent);
                return true;
            default:
                return false;
        }
    }

    private void Announce(BlockHeader header, int height)
    {
        var hash = header.GetHash();
        foreach (var peer in Peers)
        {
            if (peer.IsKnownInventory(new InventoryVector(InventoryType.Block, hash)))
            {
                continue;
            }

            if (peer.Features.SendHeaders)
            {
                peer.QueueMessage(new HeadersMessage { Headers = new WireArray<BlockHeader>([header]) });
            }
            else
            {
                peer.QueueInventory(new InventoryVector(InventoryType.Block, hash));
            }
        }
    }

    private void Prune()
    {
        foreach (var (id, peer) in _peers)
        {
            if (!peer.IsConnected)
            {
                Forget(id);
            }
        }
    }

    /// <summary>Peers something is kept for (handshaken, or with getdata pending), for tests.</summary>
    internal int KeptPeerCount => Math.Max(_peers.Count, _getData.Count);

    /// <summary>Drops everything kept for a peer that ended.</summary>
    private void Forget(long id)
    {
        _peers.TryRemove(id, out _);
        _continuation.TryRemove(id, out _);
        if (_getData.TryRemove(id, out var requests))
        {
            requests.Clear();
        }
    }
}
