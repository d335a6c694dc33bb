using System;
using System.Collections.Generic;
using System.Net;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Protocol;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    // Created with the first request of their kind: most peers never get one.
    private RequestDeduplicator? _getBlocks;
    private RequestDeduplicator? _getHeaders;

    /// <summary>
    /// Sends addresses: at most 1,000 (a uniformly random subset when given more), as addrv2 when the remote asked
    /// for it (BIP155), otherwise as addr with only the IPv4 and IPv6 entries.
    /// </summary>
    /// <param name="addresses">The addresses.</param>
    /// <returns>The addresses actually queued (empty when the send queue refused the message).</returns>
    public IReadOnlyList<NetworkAddressV2> PushAddr(IReadOnlyList<NetworkAddressV2> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var chosen = new NetworkAddressV2[addresses.Count];
        for (int i = 0; i < chosen.Length; i++)
        {
            chosen[i] = addresses[i];
        }

        if (chosen.Length > ProtocolLimits.MaxAddresses)
        {
            // A partial Fisher-Yates shuffle: the first 1,000 slots end up a uniform random subset.
            for (int i = 0; i < ProtocolLimits.MaxAddresses; i++)
            {
                int j = Random.Shared.Next(i, chosen.Length);
                (chosen[i], chosen[j]) = (chosen[j], chosen[i]);
            }

            Array.Resize(ref chosen, ProtocolLimits.MaxAddresses);
        }

        if (chosen.Length == 0)
        {
            return chosen;
        }

        if (Features.AddrV2)
        {
            return QueueMessage(new AddrV2Message { Addresses = new WireArray<NetworkAddressV2>(chosen) }) ? chosen : [];
        }

        var legacy = new List<TimestampedNetworkAddress>(chosen.Length);
        var sent = new List<NetworkAddressV2>(chosen.Length);
        foreach (var entry in chosen)
        {
            if (entry.Address.ToIPAddress() is { } ip)
            {
                legacy.Add(new TimestampedNetworkAddress { Timestamp = entry.Timestamp, Address = NetworkAddress.FromEndPoint(new IPEndPoint(ip, entry.Port), entry.Services) });
                sent.Add(entry);
            }
        }

        if (legacy.Count == 0 || !QueueMessage(new AddrMessage { Addresses = new WireArray<TimestampedNetworkAddress>(legacy.ToArray()) }))
        {
            return [];
        }

        return sent;
    }

    /// <summary>
    /// Sends getblocks for <paramref name="locator"/> and <paramref name="stopHash"/>, unless the previous getblocks
    /// had the same first locator hash and stop hash (a request identical to the one just made is skipped, as btcd does).
    /// </summary>
    /// <param name="locator">The block locator, newest first (at most 101 hashes).</param>
    /// <param name="stopHash">Where to stop, or zero.</param>
    /// <returns>Whether a message was queued.</returns>
    public bool PushGetBlocks(IReadOnlyList<Hash256> locator, Hash256 stopHash)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var begin = locator.Count > 0 ? locator[0] : Hash256.Zero;
        var getBlocks = Deduplicator(ref _getBlocks);
        if (!getBlocks.TryBegin(begin, stopHash, out var previous))
        {
            return false;
        }

        if (QueueMessage(new GetBlocksMessage { Version = (uint)_config.ProtocolVersion, Locator = ToArray(locator), HashStop = stopHash }))
        {
            return true;
        }

        // Not queued (queue full or disconnected): the last request sent is still the previous one, so that a retry goes out.
        getBlocks.Undo(begin, stopHash, previous);
        return false;
    }

    /// <summary>
    /// Sends getheaders for <paramref name="locator"/> and <paramref name="stopHash"/>, unless the previous getheaders
    /// had the same first locator hash and stop hash.
    /// </summary>
    /// <param name="locator">The block locator, newest first (at most 101 hashes).</param>
    /// <param name="stopHash">Where to stop, or zero.</param>
    /// <returns>Whether a message was queued.</returns>
    public bool PushGetHeaders(IReadOnlyList<Hash256> locator, Hash256 stopHash)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var begin = locator.Count > 0 ? locator[0] : Hash256.Zero;
        var getHeaders = Deduplicator(ref _getHeaders);
        if (!getHeaders.TryBegin(begin, stopHash, out var previous))
        {
            return false;
        }

        if (QueueMessage(new GetHeadersMessage { Version = (uint)_config.ProtocolVersion, Locator = ToArray(locator), HashStop = stopHash }))
        {
            return true;
        }

        // Not queued (queue full or disconnected): the last request sent is still the previous one, so that a retry goes out.
        getHeaders.Undo(begin, stopHash, previous);
        return false;
    }

    /// <summary>
    /// Sends a reject message (BIP61). Skipped when the negotiated version predates reject (70002); the hash is
    /// sent only for rejected blocks and transactions.
    /// </summary>
    /// <param name="command">The rejected message's command.</param>
    /// <param name="code">The reason code.</param>
    /// <param name="reason">The reason text (at most 111 bytes).</param>
    /// <param name="hash">The rejected block's or transaction's hash.</param>
    /// <param name="waitUntilWritten">Whether the returned task waits until the message is written.</param>
    public Task PushReject(string command, RejectCode code, string reason, Hash256? hash = null, bool waitUntilWritten = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(reason);
        if (ProtocolVersion < ProtocolVersions.Bip61)
        {
            return Task.CompletedTask;
        }

        bool withHash = command is Block.CommandName or Transaction.CommandName;
        var reject = new RejectMessage { RejectedCommand = command, Code = code, Reason = reason, Hash = withHash ? hash ?? Hash256.Zero : null };
        if (!waitUntilWritten)
        {
            QueueMessage(reject);
            return Task.CompletedTask;
        }

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        QueueMessage(reject, sent);
        return sent.Task;
    }

    /// <summary>Sends a block in the form the remote asked for: with witness data for MSG_WITNESS_BLOCK, without for MSG_BLOCK.</summary>
    /// <param name="block">The block.</param>
    /// <param name="requestedAs">The inventory type of the getdata entry being answered.</param>
    /// <param name="sent">Completed when written; may be null.</param>
    public bool PushBlock(Block block, InventoryType requestedAs, TaskCompletionSource? sent = null) =>
        QueueMessage(block, sent, requestedAs == InventoryType.WitnessBlock ? WireFlags.None : WireFlags.NoWitness);

    /// <summary>Sends a transaction in the form the remote asked for: with witness data for MSG_WITNESS_TX and MSG_WTX, without for MSG_TX.</summary>
    /// <param name="transaction">The transaction.</param>
    /// <param name="requestedAs">The inventory type of the getdata entry being answered.</param>
    /// <param name="sent">Completed when written; may be null.</param>
    public bool PushTransaction(Transaction transaction, InventoryType requestedAs, TaskCompletionSource? sent = null) =>
        QueueMessage(transaction, sent, requestedAs is InventoryType.WitnessTx or InventoryType.Wtx ? WireFlags.None : WireFlags.NoWitness);

    /// <summary>The deduplicator in <paramref name="field"/>, created by the first caller (any thread).</summary>
    private static RequestDeduplicator Deduplicator(ref RequestDeduplicator? field) =>
        System.Threading.Volatile.Read(ref field)
        ?? System.Threading.Interlocked.CompareExchange(ref field, new RequestDeduplicator(), null)
        ?? field;

    private static WireArray<Hash256> ToArray(IReadOnlyList<Hash256> hashes)
    {
        var array = new Hash256[hashes.Count];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = hashes[i];
        }

        return new WireArray<Hash256>(array);
    }
}
