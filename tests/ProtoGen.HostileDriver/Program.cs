using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.HostileDriver;

/// <summary>
/// Measures <c>protogen listen</c> against hostile peers, for docs/reliability.md. Each command starts the node as a
/// child process on 127.0.0.1 (regtest, any free port), measures, stops it with SIGTERM and prints its counters line:
/// <list type="bullet">
/// <item><c>connections N</c>: N simultaneous raw connections, each sending a version message; how many the node keeps and its RSS growth;</item>
/// <item><c>blocks N SIZE</c>: one peer sends N unsolicited blocks of SIZE bytes whose parents are unknown;</item>
/// <item><c>headers N COUNT</c>: one peer sends N headers messages of COUNT headers that do not connect;</item>
/// <item><c>burst N</c>: N simultaneous connects; how many complete at once, after a SYN retransmission (the listen queue overflowed), or not at all;</item>
/// <item><c>partial N [DECLARED SENT]</c>: N connections each declaring a block of DECLARED bytes (3,999,000), sending SENT (3,900,000) and holding on for 45 s; the node's peak RSS and whether a fresh peer is served meanwhile;</item>
/// <item><c>slowread N [PER_GETDATA]</c>: N connections sending getdata (genesis PER_GETDATA times, 1,000) and a ping every 100 ms for 45 s, never reading;</item>
/// <item><c>soak SECONDS N [--max-rss MIB]</c>: the soak of scripts/soak.sh (<see cref="Soak"/>); exit status 1 when it fails.</item>
/// </list>
/// Usage: <c>dotnet run --project tests/ProtoGen.HostileDriver -c Release -- PROTOGEN_DLL COMMAND ARGS [-- LISTEN OPTIONS]</c>.
/// </summary>
internal static partial class Program
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<int> Main(string[] args)
    {
        int split = Array.IndexOf(args, "--");
        var listenOptions = split < 0 ? [] : args[(split + 1)..];
        var own = (split < 0 ? args : args[..split]).ToList();
        int? descriptors = null;
        if (own.IndexOf("--ulimit") is int at and >= 0)
        {
            descriptors = Int(own[at + 1]);
            own.RemoveRange(at, 2);
        }

        double? pace = null;
        if (own.IndexOf("--pace") is int paceAt and >= 0)
        {
            pace = double.Parse(own[paceAt + 1], CultureInfo.InvariantCulture);
            own.RemoveRange(paceAt, 2);
        }

        long? maxRss = null;
        if (own.IndexOf("--max-rss") is int rssAt and >= 0)
        {
            maxRss = Int(own[rssAt + 1]) * 1024L * 1024;
            own.RemoveRange(rssAt, 2);
        }

        if (own.Count < 2)
        {
            Console.Error.WriteLine("usage: PROTOGEN_DLL connections N [--pace PER_SECOND] | blocks N SIZE | headers N COUNT | burst N | partial N [DECLARED SENT] | slowread N [PER_GETDATA] | soak SECONDS CONNECTIONS [--max-rss MIB] [--ulimit DESCRIPTORS] [-- LISTEN OPTIONS]");
            return 2;
        }

        using var node = await ListenNode.StartAsync(own[0], listenOptions, descriptors);
        Console.WriteLine($"node pid {node.Pid} port {node.Port}, RSS {Mib(node.Rss())} MiB at start (descriptor limit {(descriptors?.ToString(CultureInfo.InvariantCulture) ?? "inherited")}; options: {string.Join(' ', listenOptions)})");
        switch (own[1])
        {
            case "connections":
                await ConnectionsAsync(node, Int(own[2]), pace);
                break;
            case "blocks":
                await FloodAsync(node, Int(own[2]), i => RegtestChain.Block(RegtestChain.UnknownHash(i), 1_700_000_000, Int(own[3]), tag: i));
                break;
            case "headers":
                var headers = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(RegtestChain.UnknownHash(-1), Int(own[3]))) };
                await FloodAsync(node, Int(own[2]), _ => headers);
                break;
            case "burst":
                await BurstAsync(node, Int(own[2]));
                break;
            case "partial":
                await PartialAsync(node, Int(own[2]), own.Count > 3 ? Int(own[3]) : RawPeer.DeclaredPartialSize, own.Count > 4 ? Int(own[4]) : RawPeer.SentPartialSize);
                break;
            case "slowread":
                await SlowReadersAsync(node, Int(own[2]), own.Count > 3 ? Int(own[3]) : 1000);
                break;
            case "soak":
                // Prints its own report, the node's counters included; its exit status says whether it passed.
                return await Soak.RunAsync(node, TimeSpan.FromSeconds(Int(own[2])), Int(own[3]), maxRss, string.Join(' ', listenOptions));
            default:
                Console.Error.WriteLine("unknown command " + own[1]);
                return 2;
        }

        Console.WriteLine(await node.StopAsync());
        return 0;
    }

    /// <summary>
    /// N connections, each sending a version (the node's handshake starts), all at once or <paramref name="pace"/> per
    /// second; what is kept, what it costs.
    /// </summary>
    private static async Task ConnectionsAsync(ListenNode node, int count, double? pace)
    {
        long before = node.Rss();
        var version = RawPeer.VersionFrame;
        var started = Stopwatch.StartNew();
        var sockets = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            if (pace is { } perSecond)
            {
                await Task.Delay(TimeSpan.FromSeconds(i / perSecond));
            }

            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, node.Port);
                await socket.SendAsync(version);
            }
            catch (SocketException)
            {
                // Counted below as not open.
            }

            return socket;
        }));
        await Task.Delay(Settle);
        int open = 0;
        foreach (var socket in sockets)
        {
            open += IsOpen(socket) ? 1 : 0;
        }

        long after = node.Rss();
        Console.WriteLine(node.HasExited
            ? $"connections {count}: the node died (exit {node.ExitCode}): {node.LastError}"
            : $"connections {count}{(pace is null ? " at once" : $" at {pace}/s")}: {open} still open {started.Elapsed.TotalSeconds:0} s after the first; RSS {Mib(before)} -> {Mib(after)} MiB (+{Mib(after - before)} MiB)");
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }

    /// <summary>One handshaked peer sends <paramref name="count"/> messages; how many went out before the node hung up.</summary>
    private static async Task FloodAsync(ListenNode node, int count, Func<int, IMessage> message)
    {
        long before = node.Rss();
        var config = new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache(), UserAgentName = "HostileDriver" };
        var peer = await Peer.ConnectAsync(config, "127.0.0.1", node.Port);
        await peer.WaitForHandshakeAsync();
        var watch = Stopwatch.StartNew();
        int sent = 0;
        try
        {
            for (int i = 0; i < count; i++)
            {
                await peer.SendAsync(message(i));
                sent++;
            }

            // All written: is the node still there?
            await peer.PingAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is PeerDisconnectedException or TimeoutException or InvalidOperationException)
        {
            // Hung up on.
        }

        await Task.Delay(Settle);
        long after = node.Rss();
        Console.WriteLine($"{message(0).Command} x {count}: {sent} written in {watch.Elapsed.TotalSeconds:0.0} s; peer {(peer.IsConnected ? "still connected" : "disconnected: " + peer.DisconnectReason)}; RSS {Mib(before)} -> {Mib(after)} MiB (+{Mib(after - before)} MiB)");
        peer.Disconnect();
        await peer.WaitForDisconnectAsync();
    }

    /// <summary>N simultaneous connects: completed at once, only after a SYN retransmission (about 1 s: the queue was full), or not at all.</summary>
    private static async Task BurstAsync(ListenNode node, int count)
    {
        var retransmitted = TimeSpan.FromMilliseconds(900);
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var watch = Stopwatch.StartNew();
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, node.Port).WaitAsync(TimeSpan.FromSeconds(10));
                return watch.Elapsed < retransmitted ? 0 : 1;
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                return 2;
            }
        }));
        Console.WriteLine($"burst {count}: {results.Count(r => r == 0)} connected at once, {results.Count(r => r == 1)} only after a SYN retransmission (listen queue full), {results.Count(r => r == 2)} failed");
    }

    /// <summary>Whether the node still holds the connection: what it sent is read away, then a readable socket with nothing in it was closed.</summary>
    private static bool IsOpen(Socket socket)
    {
        try
        {
            if (!socket.Connected)
            {
                return false;
            }

            var buffer = new byte[64 * 1024];
            while (socket.Available > 0)
            {
                if (socket.Receive(buffer) == 0)
                {
                    return false;
                }
            }

            return !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    internal static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
