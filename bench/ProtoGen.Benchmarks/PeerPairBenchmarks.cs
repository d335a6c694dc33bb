using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using ProtoGen;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Benchmark 2 of the throughput issue: two peers over loopback TCP, handshaken once. Block transfer: the client sends
/// the 30 block messages of the <c>blocks</c> stream, the server counts them as they are decoded (MB/s over the frame
/// bytes); ping: one round trip (each sample is kept, and the median and 99th percentile over every sample are printed
/// at cleanup). ProtoGen pair: <see cref="Peer.QueueMessage"/> and <see cref="Peer.PingAsync"/>, buffers of
/// <see cref="BufferKiB"/>, over the v1 or the BIP324 v2 transport (<see cref="Transport"/>). The raw copy limit is in
/// <see cref="SocketReadBenchmarks"/>, SHA-256d below. The SHA-256d row does not depend on the transport, so it runs only
/// with <c>Transport=v1</c>; the v2 rows take their limit share from it. No NBitcoin pair yet: see docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[Config(typeof(OnceForBothTransports))]
public class PeerPairBenchmarks
{
    private const int PingsPerInvoke = 100;

    private readonly List<double> _pingMicroseconds = [];
    private IMessage[] _blocks = [];
    private byte[] _bytes = [];
    private Peer _client = null!;
    private Peer _server = null!;
    private int _received;
    private int _expected;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Always the block stream (so the throughput columns apply).</summary>
    [Params("blocks")]
    public string Stream { get; set; } = "blocks";

    /// <summary>Both ProtoGen peers' receive and send buffer size in KiB.</summary>
    [Params(16, 64, 256)]
    public int BufferKiB { get; set; } = 64;

    /// <summary>The ProtoGen pair's transport: <c>v1</c> (both ends <see cref="V2TransportMode.Off"/>) or <c>v2</c> (both <see cref="V2TransportMode.Required"/>).</summary>
    [Params("v1", "v2")]
    public string Transport { get; set; } = "v1";

    /// <summary>Loads the stream (for the SHA-256d limit).</summary>
    [GlobalSetup]
    public void SetupLimit() => _bytes = StreamCorpus.Bytes(Stream);

    /// <summary>Connects and handshakes the ProtoGen pair and checks the transport, that a transfer delivers every block and that a ping returns.</summary>
    [GlobalSetup(Targets = [nameof(BlockTransfer), nameof(Ping)])]
    public void Setup()
    {
        _blocks = StreamCorpus.Messages(Stream);
        var listener = new BitcoinListeners<Peer> { OnBlock = (_, _) => Received() };
        using var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = tcp.AcceptSocketAsync();
        client.Connect((IPEndPoint)tcp.LocalEndpoint);
        var server = accept.GetAwaiter().GetResult();
        server.NoDelay = true;
        _client = Peer.Outbound(Config(null), new NetworkStream(client, ownsSocket: true), client.RemoteEndPoint);
        _server = Peer.Inbound(Config(listener), new NetworkStream(server, ownsSocket: true), server.RemoteEndPoint);
        _server.Start();
        _client.Start();
        Task.WhenAll(_client.WaitForHandshakeAsync(), _server.WaitForHandshakeAsync()).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        Check.Equal(Transport, _client.TransportName, "the client's transport");
        Check.Equal(Transport, _server.TransportName, "the server's transport");
        Check.Equal(_blocks.Length, BlockTransfer(), "the server decoded every block");
        Check.True(Ping() > TimeSpan.Zero, "a ping came back");
        _pingMicroseconds.Clear();
    }

    /// <summary>Disconnects the ProtoGen pair and prints the ping percentiles.</summary>
    [GlobalCleanup(Targets = [nameof(BlockTransfer), nameof(Ping)])]
    public void Cleanup()
    {
        PrintPings("ProtoGen " + Transport);
        _client.Disconnect();
        _server.Disconnect();
        Task.WhenAll(_client.WaitForDisconnectAsync(), _server.WaitForDisconnectAsync()).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    /// <summary>30 blocks (about 45 MB) from one peer to the other, decoded and delivered to the listener.</summary>
    [Benchmark(Description = "ProtoGen peers: block transfer")]
    [BenchmarkCategory("Blocks")]
    public int BlockTransfer()
    {
        _received = 0;
        _expected = _blocks.Length;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var block in _blocks)
        {
            while (!_client.QueueMessage(block))
            {
                Thread.Yield();
            }
        }

        _done.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        return Volatile.Read(ref _received);
    }

    /// <summary>The hashing limit: SHA-256d over the same bytes in one call.</summary>
    [Benchmark(Description = "limit: SHA-256d over the same bytes")]
    [BenchmarkCategory("Blocks")]
    public Hash256 Sha256dLimit() => DoubleSha256.Hash(_bytes);

    /// <summary>Ping round trips, one after another (each sample kept for the percentiles).</summary>
    [Benchmark(OperationsPerInvoke = PingsPerInvoke, Description = "ProtoGen peers: ping round trip")]
    [BenchmarkCategory("Ping")]
    public TimeSpan Ping()
    {
        var last = TimeSpan.Zero;
        for (int i = 0; i < PingsPerInvoke; i++)
        {
            long started = Stopwatch.GetTimestamp();
            last = _client.PingAsync().GetAwaiter().GetResult();
            _pingMicroseconds.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return last;
    }

    private PeerConfig Config(IBitcoinListener<Peer>? listener) => new()
    {
        Network = BitcoinNetwork.Mainnet,
        Listener = listener,
        ReceiveBufferSize = BufferKiB * 1024,
        SendBufferSize = BufferKiB * 1024,
        UserAgentName = "ProtoGenBench",
        NonceCache = new NonceCache(),
        MaxSendBuffer = 8 * 1024 * 1024,
        V2Transport = Transport == "v2" ? V2TransportMode.Required : V2TransportMode.Off,
    };

    private void Received()
    {
        if (Interlocked.Increment(ref _received) == _expected)
        {
            _done.TrySetResult();
        }
    }

    private void PrintPings(string pair)
    {
        if (_pingMicroseconds.Count > 0)
        {
            _pingMicroseconds.Sort();
            Console.WriteLine($"// PeerPairBenchmarks ping {pair} BufferKiB={BufferKiB}: {_pingMicroseconds.Count} samples, median {Percentile(0.5):F1} us, p99 {Percentile(0.99):F1} us");
            _pingMicroseconds.Clear();
        }
    }

    private double Percentile(double p) => _pingMicroseconds[Math.Min(_pingMicroseconds.Count - 1, (int)(p * _pingMicroseconds.Count))];

    /// <summary>Runs the row that does not depend on the transport (SHA-256d) only with <c>Transport=v1</c>.</summary>
    private sealed class OnceForBothTransports : ManualConfig
    {
        public OnceForBothTransports() => AddFilter(new SimpleFilter(IsKept));

        private static bool IsKept(BenchmarkCase benchmarkCase) =>
            benchmarkCase.Descriptor.WorkloadMethod.Name is nameof(BlockTransfer) or nameof(Ping)
            || (string)benchmarkCase.Parameters[nameof(Transport)] == "v1";
    }
}
