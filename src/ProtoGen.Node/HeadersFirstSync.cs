using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Telemetry;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>Progress of a sync, reported as headers and blocks arrive.</summary>
/// <param name="Phase">"headers" or "blocks".</param>
/// <param name="Height">The height reached in this phase.</param>
/// <param name="Target">The height this phase aims for (the remote's start height for headers, our header height for blocks).</param>
/// <param name="Bytes">Payload bytes of blocks received so far.</param>
public readonly record struct SyncProgress(string Phase, int Height, int Target, long Bytes);

/// <summary>What a sync did.</summary>
/// <param name="HeadersReceived">Headers accepted.</param>
/// <param name="BlocksReceived">Blocks accepted.</param>
/// <param name="BlockBytes">Encoded bytes of the blocks accepted.</param>
/// <param name="Tip">The tip hash after the sync.</param>
/// <param name="Height">The tip height after the sync.</param>
public sealed record SyncResult(int HeadersReceived, int BlocksReceived, long BlockBytes, Hash256 Tip, int Height);

/// <summary>Why a sync failed.</summary>
public enum SyncFailure
{
    /// <summary>The remote's chain did not check out (link, proof of work, merkle root, witness commitment).</summary>
    InvalidChain,

    /// <summary>The remote does not have a block it announced (it sent notfound).</summary>
    NotFound,

    /// <summary>The remote did not answer in time.</summary>
    Timeout,

    /// <summary>The remote disconnected.</summary>
    Disconnected,
}

/// <summary>A sync that found the remote's chain invalid or unresponsive.</summary>
public sealed class SyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SyncException()
    {
    }

    /// <summary>Creates the exception for an invalid chain.</summary>
    /// <param name="message">What went wrong.</param>
    public SyncException(string message)
        : this(SyncFailure.InvalidChain, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why the sync failed.</param>
    /// <param name="message">What went wrong.</param>
    public SyncException(SyncFailure failure, string message)
        : base(message) => Failure = failure;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the sync failed.</summary>
    public SyncFailure Failure { get; }
}

/// <summary>
/// Headers-first chain sync with one peer, as Bitcoin Core does it: getheaders with our locator until a short headers
/// message says we caught up, or the pong to a ping sent right after the getheaders arrives first (a remote such as bcoin
/// that sends nothing rather than an empty headers message); every header must link to the previous one and meet its
/// proof-of-work target. Then
/// getdata for the blocks in windows of 16 (Core's <c>MAX_BLOCKS_IN_TRANSIT_PER_PEER</c>), each checked against its
/// header (hash, parent link) and its merkle root and witness commitment. Use it as (part of) the peer's listener.
/// </summary>
public sealed class HeadersFirstSync : IBitcoinListener<Peer>
{
    /// <summary>Blocks requested at once (Bitcoin Core <c>MAX_BLOCKS_IN_TRANSIT_PER_PEER</c>).</summary>
    public const int BlocksInFlight = 16;

    private readonly Channel<IMessage> _responses = Channel.CreateUnbounded<IMessage>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Creates a sync into <paramref name="store"/>.</summary>
    /// <param name="store">The chain to extend.</param>
    public HeadersFirstSync(ChainStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
    }

    /// <summary>The chain being extended.</summary>
    public ChainStore Store { get; }

    /// <summary>How long to wait for each response (default 60 s).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public void OnHeaders(Peer peer, HeadersMessage message) => _responses.Writer.TryWrite(message);

    /// <inheritdoc/>
    public void OnBlock(Peer peer, Block message) => _responses.Writer.TryWrite(message);

    /// <inheritdoc/>
    public void OnNotFound(Peer peer, NotFoundMessage message) => _responses.Writer.TryWrite(message);

    /// <inheritdoc/>
    public void OnPong(Peer peer, PongMessage message) => _responses.Writer.TryWrite(message);

    /// <summary>Syncs headers (at most <paramref name="maxHeaders"/> new ones), then, if asked, the blocks of every header.</summary>
    /// <param name="peer">A peer whose listener includes this object.</param>
    /// <param name="maxHeaders">The most headers to fetch (null: until caught up).</param>
    /// <param name="downloadBlocks">Whether to fetch the blocks too.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellationToken">Cancels the sync.</param>
    /// <exception cref="SyncException">The remote sent an invalid chain, or did not answer in time.</exception>
    public async Task<SyncResult> RunAsync(Peer peer, int? maxHeaders = null, bool downloadBlocks = true, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        using var activity = NodeTracing.Source.StartActivity(NodeTracing.SyncActivity, ActivityKind.Client);
        activity?.SetTag("protogen.peer.id", peer.Id);
        activity?.SetTag("bitcoin.network", Store.Network.Name);
        activity?.SetTag("bitcoin.chain.height", Store.Height);
        try
        {
            var result = await SyncAsync(peer, maxHeaders, downloadBlocks, progress, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("bitcoin.sync.headers_received", result.HeadersReceived);
            activity?.SetTag("bitcoin.sync.blocks_received", result.BlocksReceived);
            activity?.SetTag("bitcoin.sync.block_bytes", result.BlockBytes);
            activity?.SetTag("bitcoin.chain.tip", result.Tip.ToString());
            activity?.SetStatus(ActivityStatusCode.Ok);
            return result;
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetTag("error.type", e is SyncException sync ? sync.Failure.ToString() : e.GetType().Name);
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private async Task<SyncResult> SyncAsync(Peer peer, int? maxHeaders, bool downloadBlocks, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        await peer.WaitForHandshakeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        int headersReceived = await SyncHeadersAsync(peer, maxHeaders, progress, cancellationToken).ConfigureAwait(false);
        int blocksReceived = 0;
        long blockBytes = 0;
        if (downloadBlocks)
        {
            using var blocksActivity = NodeTracing.Source.StartActivity(NodeTracing.SyncBlocksActivity);
            (blocksReceived, blockBytes) = await DownloadBlocksAsync(peer, progress, cancellationToken).ConfigureAwait(false);
            blocksActivity?.SetTag("bitcoin.sync.blocks_received", blocksReceived);
        }

        return new SyncResult(headersReceived, blocksReceived, blockBytes, Store.TipHash, Store.Height);
    }

    private async Task<int> SyncHeadersAsync(Peer peer, int? maxHeaders, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        using var activity = NodeTracing.Source.StartActivity(NodeTracing.SyncHeadersActivity);
        int target = Math.Max(peer.RemoteVersion?.StartHeight ?? 0, Store.Height);
        int headersReceived = 0;
        while (maxHeaders is null || headersReceived < maxHeaders)
        {
            var headers = await RequestHeadersAsync(peer, cancellationToken).ConfigureAwait(false);
            if (headers is null)
            {
                break; // nothing follows our tip, and the remote said so by answering only the ping
            }

            int accepted = 0;
            foreach (var header in headers.Headers.AsSpan())
            {
                if (maxHeaders is { } max && headersReceived >= max)
                {
                    break;
                }

                int before = Store.Height;
                if (!Store.TryAddHeader(header, out string? error))
                {
                    throw new SyncException(error!);
                }

                if (Store.Height > before)
                {
                    accepted++;
                    headersReceived++;
                }
            }

            peer.UpdateLastBlockHeight(Store.Height);
            progress?.Report(new SyncProgress("headers", Store.Height, Math.Max(target, Store.Height), 0));
            if (headers.Headers.Count < ProtocolLimits.MaxHeaders || accepted == 0)
            {
                break;
            }
        }

        activity?.SetTag("bitcoin.sync.headers_received", headersReceived);
        return headersReceived;
    }

    private async Task<(int Blocks, long Bytes)> DownloadBlocksAsync(Peer peer, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        int blocks = 0;
        long bytes = 0;
        var type = (peer.RemoteServices & ServiceFlags.Witness) != 0 ? InventoryType.WitnessBlock : InventoryType.Block;
        int next = Store.BlockHeight + 1;
        int last = Store.Height;
        while (next <= last)
        {
            int count = Math.Min(BlocksInFlight, last - next + 1);
            var wanted = new Dictionary<Hash256, int>(count);
            var request = new InventoryVector[count];
            for (int i = 0; i < count; i++)
            {
                var hash = Store.GetHash(next + i);
                wanted[hash] = next + i;
                request[i] = new InventoryVector(type, hash);
            }

            peer.QueueMessage(new GetDataMessage { Inventory = new WireArray<InventoryVector>(request) });
            var received = new SortedDictionary<int, Block>();
            while (received.Count < count)
            {
                var message = await NextAsync<IMessage>(peer, "block", cancellationToken).ConfigureAwait(false);
                if (message is NotFoundMessage notFound)
                {
                    throw new SyncException(SyncFailure.NotFound, string.Create(CultureInfo.InvariantCulture, $"the peer does not have block {notFound.Inventory[0].Hash}"));
                }

                if (message is not Block block)
                {
                    continue;
                }

                var hash = block.GetHash();
                if (!wanted.TryGetValue(hash, out int height))
                {
                    continue; // an unsolicited block (an announcement): not part of this sync
                }

                if (block.Header.PreviousBlock != Store.GetHash(height - 1))
                {
                    throw new SyncException(string.Create(CultureInfo.InvariantCulture, $"block {hash} does not link to its parent"));
                }

                received[height] = block;
            }

            foreach (var (height, block) in received)
            {
                if (!Store.TryAddBlock(block, out string? error))
                {
                    throw new SyncException(error!);
                }

                blocks++;
                bytes += block.GetSize();
                progress?.Report(new SyncProgress("blocks", height, last, bytes));
            }

            next += count;
        }

        return (blocks, bytes);
    }

    /// <summary>
    /// Sends getheaders from our tip, then a ping. Peers answer messages in order, so a pong with that nonce before
    /// any headers means the remote has nothing after our locator: bcoin then sends no headers message at all (not an
    /// empty one, as Bitcoin Core does), for example at height 0 or after a batch of exactly 2,000. Returns null then.
    /// </summary>
    private async Task<HeadersMessage?> RequestHeadersAsync(Peer peer, CancellationToken cancellationToken)
    {
        // Not PushGetHeaders: it skips a request identical to the previous one, and a new sync from the same tip must ask again.
        var locator = Store.GetLocator();
        peer.QueueMessage(new GetHeadersMessage { Version = (uint)peer.Config.ProtocolVersion, Locator = new WireArray<Hash256>(locator.ToArray()), HashStop = Hash256.Zero });
        ulong barrier = 0;
        if (peer.ProtocolVersion > ProtocolVersions.Bip31)
        {
            barrier = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))) | 1;
            peer.QueueMessage(new PingMessage { Nonce = barrier });
        }

        var message = await NextAsync<IMessage>(peer, "headers", cancellationToken, m => m is HeadersMessage || (barrier != 0 && m is PongMessage pong && pong.Nonce == barrier)).ConfigureAwait(false);
        return message as HeadersMessage;
    }

    private async Task<T> NextAsync<T>(Peer peer, string what, CancellationToken cancellationToken, Func<T, bool>? match = null)
        where T : IMessage
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResponseTimeout);
        var stopped = peer.WaitForDisconnectAsync();
        try
        {
            while (true)
            {
                // Wake up as soon as the peer ends, not only when the response timeout expires.
                var read = _responses.Reader.ReadAsync(timeout.Token).AsTask();
                if (!read.IsCompleted && await Task.WhenAny(read, stopped).ConfigureAwait(false) == stopped && !read.IsCompleted)
                {
                    timeout.Cancel();
                    throw new SyncException(SyncFailure.Disconnected, $"the peer disconnected while waiting for {what}: {peer.DisconnectReason}");
                }

                var message = await read.ConfigureAwait(false);
                if (message is T wanted && (match is null || match(wanted)))
                {
                    return wanted;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw peer.IsConnected
                ? new SyncException(SyncFailure.Timeout, $"no {what} from the peer within {ResponseTimeout.TotalSeconds:0} s")
                : new SyncException(SyncFailure.Disconnected, $"the peer disconnected while waiting for {what}: {peer.DisconnectReason}");
        }
    }
}
