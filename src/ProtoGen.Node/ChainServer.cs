using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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

    /// <summary>Creates a server for <paramref name="store"/>; blocks added to the store later are announced to connected peers.</summary>
    /// <param name="store">The chain.</param>
    public ChainServer(ChainStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        store.HeaderAdded += Announce;
    }

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
        _peers[peer.Id] = peer;
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

    /// <inheritdoc/>
    public void OnGetData(Peer peer, GetDataMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        List<InventoryVector>? missing = null;
        foreach (var item in message.Inventory.AsSpan())
        {
            switch (item.Type)
            {
                case InventoryType.Block or InventoryType.WitnessBlock when Store.TryGetBlock(item.Hash, out var block):
                    peer.PushBlock(block, item.Type);
                    if (_continuation.TryGetValue(peer.Id, out var last) && last == item.Hash)
                    {
                        _continuation.TryRemove(peer.Id, out _);
                        peer.QueueMessage(new InvMessage { Inventory = new WireArray<InventoryVector>([new InventoryVector(InventoryType.Block, Store.TipHash)]) });
                    }

                    break;
                case InventoryType.Tx or InventoryType.WitnessTx or InventoryType.Wtx when _transactions.TryGetValue(item.Hash, out var transaction):
                    peer.PushTransaction(transaction, item.Type);
                    break;
                default:
                    (missing ??= []).Add(item);
                    break;
            }
        }

        if (missing is not null)
        {
            peer.QueueMessage(new NotFoundMessage { Inventory = new WireArray<InventoryVector>(missing.ToArray()) });
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
                _peers.TryRemove(id, out _);
                _continuation.TryRemove(id, out _);
            }
        }
    }
}
