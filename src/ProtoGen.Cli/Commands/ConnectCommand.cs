using System;
using System.Collections.Generic;
using System.Diagnostics;
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
/// <c>protogen connect HOST:PORT</c>: connects to a node, shows what its version handshake said and a ping, optionally
/// syncs and verifies up to N headers from it, then disconnects.
/// </summary>
internal sealed class ConnectCommand : Command
{
    private const int MaxHeaders = 100_000_000;

    private static readonly OptionSpec[] s_options =
    [
        NetworkOption.Spec("the network: " + NetworkOption.Names + " (default mainnet)"),
        OptionSpec.Value("headers", "N", "also sync and verify up to N headers from the node (headers-first, no blocks)"),
        OptionSpec.Value("timeout", "S", "seconds allowed for the connection, the handshake, a ping and each sync response (default 30)", 't'),
        V2Option.Spec("the encrypted transport (BIP324): prefer (default: try v2, fall back to v1 as Bitcoin Core does), off, require"),
    ];

    /// <inheritdoc/>
    public override string Name => "connect";

    /// <inheritdoc/>
    public override string Summary => "Connect to a node and show its version, services, features and ping; optionally sync headers";

    /// <inheritdoc/>
    public override string ArgumentSyntax => "HOST[:PORT]";

    /// <inheritdoc/>
    public override int MaxPositionals => 1;

    /// <inheritdoc/>
    public override string Details =>
        "HOST is a name or an address ([v6]:PORT for IPv6); PORT defaults to the network's (8333 on mainnet).\n" +
        "Performs the version handshake and prints the remote's protocol version, user agent, services and\n" +
        "start height, the negotiated features, the transport (v1, or v2 with its session id, which both ends\n" +
        "can compare out of band) and a ping round trip. With --headers N it then syncs up to N\n" +
        "headers (getheaders -> headers, 2,000 at a time), checking that each links to its parent and meets\n" +
        "its proof-of-work target, and prints the tip reached. Then it disconnects.\n" +
        "Unreachable host, refused connection, handshake or sync timeout: exit 5. Invalid headers: exit 7.";

    /// <inheritdoc/>
    public override IReadOnlyList<OptionSpec> Options => s_options;

    /// <inheritdoc/>
    public override int Execute(ParsedArguments arguments, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(context);
        var network = NetworkOption.Parse(Name, arguments.Value("network"), BitcoinNetwork.Mainnet);
        string text = arguments.Positional(0) ?? throw CliException.Usage("connect: missing HOST:PORT");
        var target = HostPort.Parse(Name, text, network.DefaultPort);
        int? headers = arguments.Value("headers") is { } count ? OptionValues.ParseInt(Name, "headers", count, 1, MaxHeaders) : null;
        var timeout = arguments.Value("timeout") is { } seconds ? OptionValues.ParseSeconds(Name, "timeout", seconds, 3600) : TimeSpan.FromSeconds(30);
        var v2 = V2Option.Parse(Name, arguments.Value("v2"));

        using var stop = StopSignal.Watch(context);
        using var logs = new CliLoggerProvider(context.Error, arguments.LogLevel);
        try
        {
            return RunAsync(context, logs, arguments.LogLevel, network, target, headers, timeout, v2, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException e) when (stop.IsStopRequested)
        {
            throw new CliException(ExitCodes.Interrupted, $"connect: interrupted ({stop.Reason})", e);
        }
    }

    private async Task<int> RunAsync(CommandContext context, CliLoggerProvider logs, LogLevel level, BitcoinNetwork network, HostPort target, int? headers, TimeSpan timeout, V2TransportMode v2, CancellationToken stop)
    {
        var output = context.Out;
        var store = new ChainStore(network);
        var sync = new HeadersFirstSync(store) { ResponseTimeout = timeout };
        var config = new PeerConfig
        {
            UserAgentName = "protogen",
            UserAgentVersion = CliVersion.Version,
            Network = network,
            Listener = sync,
            HandshakeTimeout = timeout,
            RelayTransactions = false,
            V2Transport = v2,
            Logger = logs.CreateLogger("peer"),

            // Version nonces of this command only: another command run in the same process (the tests run listen and
            // connect side by side) must not look like a connection to ourselves.
            NonceCache = new NonceCache(),
        };

        var connecting = Stopwatch.StartNew();
        var peer = await PeerSession.ConnectAsync(Name, config, target, timeout, stop).ConfigureAwait(false);
        try
        {
            var handshakeTime = connecting.Elapsed;
            var ping = await PeerSession.PingAsync(Name, peer, timeout, stop).ConfigureAwait(false);
            var remote = peer.RemoteVersion!;
            string resolved = PeerFormat.Address(peer.RemoteEndPoint);
            string address = resolved == target.ToString() ? string.Empty : resolved + ", ";
            output.WriteLine(PeerFormat.Invariant($"connected    {target} ({address}{network.Name}), handshake in {PeerFormat.Duration(handshakeTime)}"));
            output.WriteLine(PeerFormat.Invariant($"version      {remote.Version} (negotiated {peer.ProtocolVersion})"));
            output.WriteLine($"user agent   {PeerFormat.Quote(remote.UserAgent)}");
            output.WriteLine($"services     {PeerFormat.Services(remote.Services)}");
            output.WriteLine(PeerFormat.Invariant($"start height {remote.StartHeight ?? 0}"));
            output.WriteLine($"features     {PeerFormat.Features(peer.Features)}");
            if (peer.RemoteFeatures.Count > 0)
            {
                output.WriteLine($"bip434       {string.Join(", ", peer.RemoteFeatures)}");
            }
            string fellBack = peer.TransportName == "v1" && config.V1OnlyAddresses.Count > 0 ? " (the node closed on our v2 key: reconnected with v1)" : string.Empty;
            output.WriteLine($"transport    {V2Option.Describe(peer)}{fellBack}");
            output.WriteLine($"ping         {(ping is { } rtt ? PeerFormat.Duration(rtt) + " round trip" : peer.ProtocolVersion <= 60000 ? "not supported (protocol 60000 or lower)" : "no pong within the timeout")}");
            output.Flush();

            if (headers is { } max)
            {
                var progress = new SyncProgressView(output, context.IsInteractive && level > LogLevel.Debug, headersCap: store.Height + max, labelWidth: 13);
                var syncing = Stopwatch.StartNew();
                var result = await PeerSession.SyncAsync(Name, sync, peer, max, downloadBlocks: false, progress, stop).ConfigureAwait(false);
                progress.Complete();
                string more = result.HeadersReceived < max ? " (all the node had)" : string.Empty;
                output.WriteLine(PeerFormat.Invariant($"headers      {PeerFormat.Count(result.HeadersReceived)} verified{more} in {PeerFormat.Duration(syncing.Elapsed)}: each links to its parent and meets its proof-of-work target"));
                output.WriteLine(PeerFormat.Invariant($"tip          {result.Tip} (height {result.Height})"));
            }

            await PeerSession.StopAsync(peer).ConfigureAwait(false);
            var stats = peer.GetStats();
            output.WriteLine(PeerFormat.Invariant($"disconnected sent {PeerFormat.Count(stats.MessagesSent)} messages ({PeerFormat.Count(stats.BytesSent)} bytes), received {PeerFormat.Count(stats.MessagesReceived)} messages ({PeerFormat.Count(stats.BytesReceived)} bytes)"));
            output.Flush();
            return ExitCodes.Success;
        }
        finally
        {
            await PeerSession.StopAsync(peer).ConfigureAwait(false);
        }
    }
}
