using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Benchmark 4 of the throughput issue: <see cref="Pairs"/> handshaken loopback peer pairs idle in this process. The
/// setup measures managed bytes (after a full collection) and RSS per peer, threads, and the process's CPU time over
/// an idle period, and prints them (<c>// IdlePeers</c> lines); the benchmark pings every client once and waits for
/// every pong (the cost of a round over all peers). Pairs default to 200 (the CI size); set
/// <c>PROTOGEN_IDLE_PAIRS</c> (and <c>PROTOGEN_IDLE_SECONDS</c>, default 2) for the large run, with the file-descriptor
/// limit raised (scripts/bench-idle-peers.sh). With <c>PROTOGEN_IDLE_AFTER_BLOCK=1</c> every client first sends its
/// server a block (413567, 1 MB: larger than a receive buffer, so its end is read straight from the socket), and the
/// idle measurement starts once every server has received it: what a peer keeps after a large message.
/// </summary>
[MemoryDiagnoser]
public class IdlePeersBenchmarks
{
    private readonly List<Peer> _clients = [];
    private readonly List<Peer> _servers = [];

    // One configuration per side, as a node shares one among its peers (with its nonce cache and v1-only addresses);
    // two, so that a server does not take its client's version nonce for a connection to itself.
    private readonly PeerConfig _clientConfig = Config();
    private readonly PeerConfig _serverConfig = Config();
    private TcpListener _tcp = null!;

    /// <summary>The number of pairs (2 peers each).</summary>
    public int Pairs { get; set; } = int.TryParse(Environment.GetEnvironmentVariable("PROTOGEN_IDLE_PAIRS"), CultureInfo.InvariantCulture, out int pairs) ? pairs : 200;

    /// <summary>Connects the pairs and measures what they hold while idle.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var before = Measure();
        _tcp = new TcpListener(IPAddress.Loopback, 0);
        _tcp.Start(1024);
        for (int i = 0; i < Pairs; i++)
        {
            var (client, server) = LoopbackSockets.Connect(_tcp);
            var outbound = Peer.Outbound(_clientConfig, new NetworkStream(client, ownsSocket: true), client.RemoteEndPoint);
            var inbound = Peer.Inbound(_serverConfig, new NetworkStream(server, ownsSocket: true), server.RemoteEndPoint);
            inbound.Start();
            outbound.Start();
            _clients.Add(outbound);
            _servers.Add(inbound);
        }

        foreach (var peer in _clients.Concat(_servers))
        {
            peer.WaitForHandshakeAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }

        bool afterBlock = Environment.GetEnvironmentVariable("PROTOGEN_IDLE_AFTER_BLOCK") == "1";
        if (afterBlock)
        {
            SendEveryServerABlock();
        }

        Thread.Sleep(500);
        var connected = Measure();
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("PROTOGEN_IDLE_SECONDS"), CultureInfo.InvariantCulture, out int s) ? s : 2;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var idle = Measure();
        int peers = 2 * Pairs;
        Check.Equal(peers, _clients.Concat(_servers).Count(p => p.IsConnected), "every peer stayed connected");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// IdlePeers pairs={Pairs} peers={peers}{(afterBlock ? " after a block each" : string.Empty)}: managed {(idle.Managed - before.Managed) / (double)peers:F0} B/peer, RSS {(idle.Rss - before.Rss) / (double)peers:F0} B/peer, threads {before.Threads} -> {connected.Threads} -> {idle.Threads}, CPU {cpu.TotalMilliseconds:F0} ms over {seconds} s idle"));
    }

    /// <summary>Disconnects every peer.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var peer in _clients.Concat(_servers))
        {
            peer.Disconnect();
        }

        foreach (var peer in _clients.Concat(_servers))
        {
            peer.WaitForDisconnectAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }

        _tcp.Stop();
    }

    /// <summary>Pings every client's remote once, all at once, and waits for every pong.</summary>
    [Benchmark(Description = "ping every idle pair once")]
    public int PingAll()
    {
        var pings = new Task<TimeSpan>[_clients.Count];
        for (int i = 0; i < pings.Length; i++)
        {
            pings[i] = _clients[i].PingAsync();
        }

        Task.WhenAll(pings).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        return pings.Length;
    }

    /// <summary>
    /// Each client sends its server block 413567, sixteen pairs at a time (unrequested blocks: more at once would
    /// exhaust the shared 32 MB budget for incomplete messages, whose holders then pause until the deadline); returns
    /// once every server has received its block.
    /// </summary>
    private void SendEveryServerABlock()
    {
        const int Wave = 16;
        var block = WireSerializer.Decode<Block>(BlockCorpus.Read(BlockCorpus.Legacy));
        int size = WireSerializer.GetEncodedSize(block);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        for (int start = 0; start < _clients.Count; start += Wave)
        {
            int end = Math.Min(start + Wave, _clients.Count);
            var received = new long[end - start];
            for (int i = start; i < end; i++)
            {
                received[i - start] = _servers[i].GetStats().BytesReceived;
                Check.True(_clients[i].PushBlock(block, InventoryType.WitnessBlock), "the block was queued");
            }

            for (int i = start; i < end; i++)
            {
                while (_servers[i].GetStats().BytesReceived - received[i - start] < size)
                {
                    if (DateTime.UtcNow >= deadline)
                    {
                        Check.True(false, $"every server received its block within two minutes (server {i}: {_servers[i].GetStats().BytesReceived - received[i - start]} of {size} bytes; {PeerBudget.Shared.GetStats()})");
                    }

                    Thread.Sleep(1);
                }
            }
        }
    }

    private static PeerConfig Config() => new()
    {
        Network = BitcoinNetwork.Mainnet,
        UserAgentName = "ProtoGenIdle",
        NonceCache = new NonceCache(),
    };

    private static (long Managed, long Rss, int Threads) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64, process.Threads.Count);
    }
}
