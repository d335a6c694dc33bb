using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Cli.Logging;
using ProtoGen.Cli.Networking;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Commands;

/// <summary>
/// <c>protogen</c> with no arguments (or <c>protogen demo</c>): an in-process node on 127.0.0.1 serves the shipped
/// mainnet blocks 1-255; a second, outbound peer connects to it over loopback TCP, completes the handshake, syncs
/// headers-first (getheaders, headers, then getdata and block in windows of 16) checking every header and block,
/// pings, disconnects, and a summary shows what went over the wire each way.
/// </summary>
internal sealed class DemoCommand : Command
{
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromSeconds(15);

    /// <inheritdoc/>
    public override string Name => "demo";

    /// <inheritdoc/>
    public override string Summary => "Sync the shipped mainnet blocks 1-255 between two peers over loopback TCP (the default job)";

    /// <inheritdoc/>
    public override string Details =>
        "Starts a node on 127.0.0.1 (an ephemeral port) serving the mainnet blocks 1-255 shipped inside the\n" +
        "binary, connects a second peer to it over real loopback TCP, performs the version handshake, syncs\n" +
        "headers-first (getheaders -> headers, then getdata -> block, 16 blocks at a time), checks every\n" +
        "header (link to its parent, proof of work) and block (hash, parent, merkle root, witness commitment),\n" +
        "pings, and prints a summary: blocks and bytes synced, time, MB/s, messages per command each way,\n" +
        "the ping round trip and the tip hash. Needs nothing else running; takes well under a second.\n" +
        "Progress is a bar on a terminal and a line per quarter otherwise.";

    /// <summary>For tests: the node's listener built over the served chain (default: a <see cref="ChainServer"/>).</summary>
    internal Func<ChainStore, IBitcoinListener<Peer>>? NodeListener { get; init; }

    /// <inheritdoc/>
    public override int Execute(ParsedArguments arguments, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(context);
        using var stop = StopSignal.Watch(context);
        using var logs = new CliLoggerProvider(context.Error, arguments.LogLevel);
        try
        {
            return RunAsync(context, logs, arguments.LogLevel, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException e) when (stop.IsStopRequested)
        {
            throw new CliException(ExitCodes.Interrupted, $"demo: interrupted ({stop.Reason})", e);
        }
    }

    private async Task<int> RunAsync(CommandContext context, CliLoggerProvider logs, LogLevel level, CancellationToken stop)
    {
        var output = context.Out;
        var total = Stopwatch.StartNew();
        var network = BitcoinNetwork.Mainnet;
        var served = ChainLoader.Shipped();
        var logger = logs.CreateLogger("peer");
        var nodeConfig = new PeerConfig
        {
            UserAgentName = "protogen",
            UserAgentVersion = CliVersion.Version,
            UserAgentComments = ["demo node"],
            Network = network,
            Listener = NodeListener?.Invoke(served) ?? new ChainServer(served),
            StartHeight = () => served.Height,
            Logger = logger,

            // Two peers of one process: each its own version nonces, or the node takes the peer's for its own
            // (a self-connection) and drops it.
            NonceCache = new NonceCache(),
        };

        output.WriteLine("protogen demo: a node serving mainnet blocks 1-255 and a peer syncing them headers-first over loopback TCP");
        await using var node = new PeerServer(nodeConfig, new IPEndPoint(IPAddress.Loopback, 0));
        Peer? nodePeer = null;
        node.PeerAccepted += peer => Interlocked.CompareExchange(ref nodePeer, peer, null);
        try
        {
            node.Start();
        }
        catch (SocketException e)
        {
            throw NetworkFailures.Listen(Name, "127.0.0.1:0", e);
        }

        var address = node.LocalEndPoint;
        output.WriteLine(PeerFormat.Invariant($"node       listening on {address} ({network.Name}, height {served.Height}, tip {served.TipHash})"));

        var store = new ChainStore(network);
        var sync = new HeadersFirstSync(store) { ResponseTimeout = s_stepTimeout };
        var peerConfig = new PeerConfig
        {
            UserAgentName = "protogen",
            UserAgentVersion = CliVersion.Version,
            UserAgentComments = ["demo peer"],
            Network = network,
            Listener = sync,
            HandshakeTimeout = s_stepTimeout,
            Logger = logger,
            NonceCache = new NonceCache(),
        };

        var connecting = Stopwatch.StartNew();
        var target = new HostPort("127.0.0.1", address.Port);
        var peer = await PeerSession.ConnectAsync(Name, peerConfig, target, s_stepTimeout, stop).ConfigureAwait(false);
        try
        {
            var handshakeTime = connecting.Elapsed;
            var remote = peer.RemoteVersion!;
            output.WriteLine($"peer       connected to {target}, handshake in {PeerFormat.Duration(handshakeTime)}");
            output.WriteLine(PeerFormat.Invariant($"remote     {PeerFormat.Quote(remote.UserAgent)}, version {remote.Version}, services {PeerFormat.Services(remote.Services)}, start height {remote.StartHeight ?? 0}"));
            output.WriteLine($"features   {PeerFormat.Features(peer.Features)}");
            output.WriteLine($"transport  {V2Option.Describe(peer)}");
            output.Flush();

            var progress = new SyncProgressView(output, context.IsInteractive && level > LogLevel.Debug);
            var syncing = Stopwatch.StartNew();
            var result = await PeerSession.SyncAsync(Name, sync, peer, maxHeaders: null, downloadBlocks: true, progress, stop).ConfigureAwait(false);
            var syncTime = syncing.Elapsed;
            progress.Complete();
            if (result.Tip != served.TipHash || result.BlocksReceived != served.Height || store.BlockHeight != served.Height)
            {
                throw new CliException(ExitCodes.InvalidChain, PeerFormat.Invariant($"demo: the sync ended at height {result.Height} ({result.BlocksReceived} blocks, tip {result.Tip}), expected height {served.Height} and tip {served.TipHash}"));
            }

            var ping = await PeerSession.PingAsync(Name, peer, s_stepTimeout, stop).ConfigureAwait(false);

            // Both ends stop before their counters are read, so every message sent has been counted on arrival too.
            await PeerSession.StopAsync(peer).ConfigureAwait(false);
            var nodeEnd = Volatile.Read(ref nodePeer);
            if (nodeEnd is not null)
            {
                await WaitStoppedAsync(nodeEnd).ConfigureAwait(false);
            }

            await node.StopAsync().ConfigureAwait(false);
            var peerStats = peer.GetStats();
            var nodeStats = nodeEnd?.GetStats() ?? new PeerStats();

            double seconds = Math.Max(syncTime.TotalSeconds, 1e-6);
            output.WriteLine(PeerFormat.Invariant(
                $"synced     {result.HeadersReceived} headers and {result.BlocksReceived} blocks, {PeerFormat.Count(result.BlockBytes)} bytes of blocks in {PeerFormat.Duration(syncTime)} ({result.BlockBytes / seconds / 1e6:0.00} MB/s; {PeerFormat.Count(peerStats.BytesReceived)} bytes received on the wire)"));
            output.WriteLine("verified   every header links to its parent and meets its proof-of-work target; every block matches its header's hash and parent, merkle root and witness commitment");
            output.WriteLine($"ping       {(ping is { } rtt ? PeerFormat.Duration(rtt) + " round trip" : "no pong")}");
            output.WriteLine("messages   per command, each way (peer: the syncing side; node: the serving side)");
            PeerFormat.WriteMessageTable(output, "peer", peerStats, "node", nodeStats);
            output.WriteLine(PeerFormat.Invariant($"tip        {result.Tip} (height {result.Height})"));
            output.WriteLine(PeerFormat.Invariant($"demo ok: {result.BlocksReceived} blocks synced and verified over loopback in {PeerFormat.Duration(total.Elapsed)}"));
            output.Flush();
            return ExitCodes.Success;
        }
        finally
        {
            await PeerSession.StopAsync(peer).ConfigureAwait(false);
        }
    }

    private static async Task WaitStoppedAsync(Peer peer)
    {
        try
        {
            await peer.WaitForDisconnectAsync().WaitAsync(PeerSession.StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Its counters are read as they are.
        }
    }
}
