using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Cli.Logging;
using ProtoGen.Cli.Networking;
using ProtoGen.Node;
using ProtoGen.Node.Admission;
using ProtoGen.Node.Metrics;
using ProtoGen.Node.Policy;
using ProtoGen.Node.Telemetry;
using ProtoGen.Peers;
using ProtoGen.Peers.Metrics;

namespace ProtoGen.Cli.Commands;

/// <summary>
/// <c>protogen listen</c>: a long-running node that accepts inbound peers, answers the handshake and pings, serves
/// getheaders, getblocks and getdata from the chain it holds, logs a line per peer connect and disconnect, and stops
/// cleanly on SIGINT (Ctrl-C) or SIGTERM.
/// </summary>
internal sealed class ListenCommand : Command
{
    private static readonly OptionSpec[] s_options =
    [
        NetworkOption.Spec("the network: " + NetworkOption.Names + " (default mainnet)"),
        OptionSpec.Value("bind", "ADDRESS", "the local address to listen on (default 127.0.0.1)", 'b'),
        OptionSpec.Value("port", "N", "the port (default: the network's, 8333 on mainnet; 0: any free port)", 'p'),
        OptionSpec.Value("blocks", "FILE", "serve the blocks of this blk file, which must chain from the network's genesis"),
        OptionSpec.Value("max-inbound", "N", "keep at most N inbound peers, evicting or refusing beyond (default 189, as Bitcoin Core)"),
        OptionSpec.Value("backlog", "N", "the listen backlog: connections queued before they are accepted (default 4096)"),
        OptionSpec.Value("handshake-rate", "N", "take at most N handshakes per second overall, in bursts of 2N (default 20, burst 40, as btcd)"),
        OptionSpec.Value("max-receive-budget", "MIB", "MiB of incomplete messages all peers together may hold before the greediest are paused (default 32)"),
        OptionSpec.Value("max-send-budget", "MIB", "MiB queued for sending to all peers together before the greediest are paused (default 64)"),
        OptionSpec.Flag("limit-loopback", "apply the per-source handshake limits to loopback peers too (for tests and soak runs)"),
        V2Option.Spec("the encrypted transport (BIP324): prefer (default: serve v2 and v1, whichever a peer opens with), off, require"),
        OptionSpec.Value("metrics-port", "N", "serve the peer and node metrics in the Prometheus text format on http://127.0.0.1:N/metrics (0: any free port)"),
    ];

    /// <inheritdoc/>
    public override string Name => "listen";

    /// <inheritdoc/>
    public override string Summary => "Run a node that accepts peers and serves its chain until Ctrl-C or SIGTERM";

    /// <inheritdoc/>
    public override string Details =>
        "Accepts inbound peers, answers the version handshake and pings, and serves getheaders, getblocks\n" +
        "and getdata from the chain it holds: the mainnet blocks 1-255 shipped inside the binary on mainnet,\n" +
        "genesis alone on the other networks, or the blocks of --blocks FILE (a blk file in Bitcoin Core's\n" +
        "blk*.dat format, in chain order, checked to chain from the network's genesis). Prints its listening\n" +
        "address, then one line per peer connect (after the handshake: user agent, version, services, height)\n" +
        "and disconnect (messages and bytes each way, ping, reason). SIGINT (Ctrl-C) or SIGTERM disconnects\n" +
        "every peer and exits 0; a second signal ends the process at once.\n" +
        "Hostile peers: at most --max-inbound peers (a newcomer evicts one as Bitcoin Core chooses, or is\n" +
        "refused), 8 incomplete handshakes and 2 handshakes/s per /24 or /64 source (loopback exempt unless\n" +
        "--limit-loopback), 20 handshakes/s overall; invalid proof of work, blocks and headers that do not\n" +
        "connect are disconnected (and discouraged, except local peers); addresses are rate-limited into a\n" +
        "small address book that answers an inbound peer's first getaddr. Refusals, evictions and accept\n" +
        "errors are logged at --log-level warning and info; the counters are printed when it stops.\n" +
        "Peers are served BIP324's encrypted transport (v2) or v1, whichever they open with, and NODE_P2P_V2\n" +
        "is advertised; --v2 off serves v1 only, --v2 require refuses v1 peers. The connect line names the\n" +
        "transport and a v2 session id.\n" +
        "--metrics-port N serves the peer metrics (docs/observability.md) for Prometheus on\n" +
        "http://127.0.0.1:N/metrics.";

    /// <inheritdoc/>
    public override IReadOnlyList<OptionSpec> Options => s_options;

    /// <inheritdoc/>
    public override int Execute(ParsedArguments arguments, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(context);
        var network = NetworkOption.Parse(Name, arguments.Value("network"), BitcoinNetwork.Mainnet);
        var bind = HostPort.ParseBindAddress(Name, arguments.Value("bind") ?? "127.0.0.1");
        int port = arguments.Value("port") is { } portText ? OptionValues.ParseInt(Name, "port", portText, 0, 65535) : network.DefaultPort;
        var store = arguments.Value("blocks") is { } path ? ChainLoader.FromFile(Name, path, network) : ChainLoader.Default(network);
        var admission = new AdmissionOptions
        {
            MaxInbound = arguments.Value("max-inbound") is { } max ? OptionValues.ParseInt(Name, "max-inbound", max, 0, 100_000) : AdmissionOptions.DefaultMaxInbound,
            ListenBacklog = arguments.Value("backlog") is { } backlog ? OptionValues.ParseInt(Name, "backlog", backlog, 1, 65_535) : AdmissionOptions.DefaultListenBacklog,
            HandshakeRate = arguments.Value("handshake-rate") is { } rate ? OptionValues.ParseInt(Name, "handshake-rate", rate, 1, 1_000_000) : AdmissionOptions.DefaultHandshakeRate,
            HandshakeBurst = arguments.Value("handshake-rate") is { } burst ? 2 * OptionValues.ParseInt(Name, "handshake-rate", burst, 1, 1_000_000) : AdmissionOptions.DefaultHandshakeBurst,
            LimitLoopback = arguments.Has("limit-loopback"),
            Discouraged = new DiscouragedAddresses(),
            Activity = new PeerActivity(),
        };
        var v2 = V2Option.Parse(Name, arguments.Value("v2"));
        var budget = arguments.Value("max-receive-budget") is null && arguments.Value("max-send-budget") is null ? PeerBudget.Shared : new PeerBudget(
            Mebibytes(arguments, "max-receive-budget", PeerDefaults.MaxPartialMessageBytes),
            Mebibytes(arguments, "max-send-budget", PeerDefaults.MaxQueuedSendBytes));
        int? metricsPort = arguments.Value("metrics-port") is { } metricsText ? OptionValues.ParseInt(Name, "metrics-port", metricsText, 0, 65535) : null;

        using var stop = StopSignal.Watch(context);
        using var logs = new CliLoggerProvider(context.Error, arguments.LogLevel);
        return RunAsync(TextWriter.Synchronized(context.Out), logs, network, new IPEndPoint(bind, port), store, admission, budget, v2, metricsPort, stop).GetAwaiter().GetResult();
    }

    private long Mebibytes(ParsedArguments arguments, string option, long defaultBytes) =>
        arguments.Value(option) is { } text ? OptionValues.ParseInt(Name, option, text, 1, 1_000_000) * 1024L * 1024 : defaultBytes;

    private async Task<int> RunAsync(TextWriter output, CliLoggerProvider logs, BitcoinNetwork network, IPEndPoint bind, ChainStore store, AdmissionOptions admission, PeerBudget budget, V2TransportMode v2, int? metricsPort, StopSignal stop)
    {
        // The collector counts from the first peer on; the endpoint answers scrapes until the node has stopped.
        using var metrics = metricsPort is null ? null : new MetricsCollector(PeerMetrics.MeterName, NodeMetrics.MeterName);
        await using var endpoint = metricsPort is { } metricsPortValue ? new MetricsEndpoint(metrics!, new IPEndPoint(IPAddress.Loopback, metricsPortValue)) : null;
        var node = new ListenNode(store, admission);
        var config = new PeerConfig
        {
            UserAgentName = "protogen",
            UserAgentVersion = CliVersion.Version,
            Network = network,
            Listener = node.Listener,
            StartHeight = () => store.Height,
            Logger = logs.CreateLogger("peer"),
            V2Transport = v2,

            // Version nonces of this command only: another command run in the same process (the tests run listen and
            // connect side by side) must not look like a connection to ourselves.
            NonceCache = new NonceCache(),
            Budget = budget,
        };

        var connectLines = new ConcurrentDictionary<long, Task>();
        int accepted = 0;
        await using var server = new PeerServer(config, bind, admission);
        node.Attach(server);
        server.PeerAccepted += peer =>
        {
            Interlocked.Increment(ref accepted);
            connectLines[peer.Id] = LogConnectAsync(output, peer, stop.Token);
        };
        server.PeerStopped += (peer, reason) =>
        {
            if (connectLines.TryRemove(peer.Id, out var connectLine))
            {
                // The connect line (if the handshake completed) comes first.
                connectLine.Wait(PeerSession.StopTimeout);
            }

            Write(output, PeerFormat.Invariant($"disconnect peer {peer.Id} {PeerFormat.Address(peer.RemoteEndPoint)}: {PeerFormat.Traffic(peer.GetStats(), DateTimeOffset.UtcNow)}, reason {NetworkFailures.Describe(reason)}"));
        };

        try
        {
            server.Start();
        }
        catch (SocketException e)
        {
            throw NetworkFailures.Listen(Name, FormatEndPoint(bind), e);
        }

        if (endpoint is not null)
        {
            try
            {
                endpoint.Start();
            }
            catch (SocketException e)
            {
                throw NetworkFailures.Listen(Name, PeerFormat.Invariant($"127.0.0.1:{metricsPort}"), e);
            }
        }

        Write(output, PeerFormat.Invariant($"listening on {FormatEndPoint(server.LocalEndPoint)} ({network.Name}, height {store.Height}, tip {store.TipHash}); Ctrl-C or SIGTERM stops"));
        if (endpoint is not null)
        {
            Write(output, PeerFormat.Invariant($"metrics on http://{FormatEndPoint(endpoint.LocalEndPoint)}/metrics"));
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }

        int running = server.Peers.Count;
        Write(output, PeerFormat.Invariant($"stopping ({stop.Reason}): disconnecting {running} peer{(running == 1 ? string.Empty : "s")}"));
        await server.StopAsync().ConfigureAwait(false);
        Write(output, node.Summary(server, budget));
        int served = Volatile.Read(ref accepted);
        Write(output, PeerFormat.Invariant($"stopped: {served} peer{(served == 1 ? string.Empty : "s")} served"));
        return ExitCodes.Success;
    }

    private static async Task LogConnectAsync(TextWriter output, Peer peer, CancellationToken stop)
    {
        try
        {
            await peer.WaitForHandshakeAsync().ConfigureAwait(false);
        }
        catch (PeerDisconnectedException)
        {
            return; // the disconnect line says why
        }

        var remote = peer.RemoteVersion!;
        Write(output, PeerFormat.Invariant($"connect    peer {peer.Id} {PeerFormat.Address(peer.RemoteEndPoint)}: agent {PeerFormat.Quote(remote.UserAgent)}, version {remote.Version}, services {PeerFormat.Services(remote.Services)}, start height {remote.StartHeight ?? 0}, transport {V2Option.Describe(peer)}"));
        _ = PingAsync(peer, stop);
    }

    private static async Task PingAsync(Peer peer, CancellationToken stop)
    {
        // A round trip for the disconnect line, even if the peer leaves before the core's own first ping.
        try
        {
            await peer.PingAsync(stop).WaitAsync(TimeSpan.FromSeconds(30), stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or PeerDisconnectedException or OperationCanceledException or TimeoutException)
        {
            // No round trip to show.
        }
    }

    private static void Write(TextWriter output, string line)
    {
        output.WriteLine(DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " " + line);
        output.Flush();
    }

    private static string FormatEndPoint(IPEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetworkV6
        ? PeerFormat.Invariant($"[{endPoint.Address}]:{endPoint.Port}")
        : PeerFormat.Invariant($"{endPoint.Address}:{endPoint.Port}");
}
