using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using ProtoGen;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using NB = NBitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Benchmark 2 of the throughput issue: two peers over loopback TCP, handshaken once. Block transfer: the client sends
/// the 30 block messages of the <c>blocks</c> stream, the server counts them as they are decoded (MB/s over the frame
/// bytes); ping: one round trip (each sample is kept, and the median and 99th percentile over every sample are printed
/// at cleanup). ProtoGen pair: <see cref="Peer.QueueMessage"/> and <see cref="Peer.PingAsync"/>, buffers of
/// <see cref="BufferKiB"/>, over the v1 or the BIP324 v2 transport (<see cref="Transport"/>). The raw copy limit is in
/// <see cref="SocketReadBenchmarks"/>, SHA-256d below. NBitcoin pair: <see cref="NBitcoinPeerPair"/> moving the same 30
/// blocks (NBitcoin's own <c>Block</c> objects, serialized by NBitcoin) and pinging; the ping floor is
/// <see cref="RawEchoPair"/>. The rows that depend on neither the transport nor the buffer size (SHA-256d, the NBitcoin
/// pair, the raw echo) run once, with <c>Transport=v1</c> and the default buffer size;
/// the other cases take their ratios from them (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[Config(typeof(OnceForBothTransports))]
public class PeerPairBenchmarks
{
    private const int PingsPerInvoke = 100;

    /// <summary>Checked transfers each setup runs before BenchmarkDotNet's own warm-up (as <see cref="InvStreamBenchmarks"/>).</summary>
    private const int SetupTransfers = 8;

    private readonly List<double> _pingMicroseconds = [];
    private IMessage[] _blocks = [];
    private IMessage[] _encodedBlocks = [];
    private NB.Block[] _nbBlocks = [];
    private NBitcoinPeerPair? _nbPair;
    private RawEchoPair? _echo;
    private byte[] _bytes = [];
    private ProtoGenPeerPair? _pair;

    /// <summary>Always the block stream (so the throughput columns apply).</summary>
    [Params("blocks")]
    public string Stream { get; set; } = "blocks";

    /// <summary>Both ProtoGen peers' receive and send buffer size in KiB.</summary>
    [Params(16, 32, 64, 128, 256)]
    public int BufferKiB { get; set; } = 64;

    /// <summary>The ProtoGen pair's transport: <c>v1</c> (both ends <see cref="V2TransportMode.Off"/>) or <c>v2</c> (both <see cref="V2TransportMode.Required"/>).</summary>
    [Params("v1", "v2")]
    public string Transport { get; set; } = "v1";

    /// <summary>Loads the stream (for the SHA-256d limit).</summary>
    [GlobalSetup]
    public void SetupLimit() => _bytes = StreamCorpus.Bytes(Stream);

    /// <summary>Connects and handshakes the ProtoGen pair and checks the transport, that a transfer delivers every block and that a ping returns.</summary>
    [GlobalSetup(Targets = [nameof(BlockTransfer), nameof(EncodedBlockTransfer), nameof(Ping)])]
    public void Setup()
    {
        _blocks = StreamCorpus.Messages(Stream);

        // The same 30 messages as a node serves them from its encoded-block cache: one EncodedMessage per distinct block.
        var wrapped = new Dictionary<IMessage, EncodedMessage>(ReferenceEqualityComparer.Instance);
        _encodedBlocks = [.. _blocks.Select(block => (IMessage)(wrapped.TryGetValue(block, out var known) ? known : wrapped[block] = new EncodedMessage(block)))];
        _pair = new ProtoGenPeerPair(Transport, count => new BitcoinListeners<Peer> { OnBlock = (_, _) => count() }, BufferKiB * 1024);

        // Checked transfers that also warm up: in a fresh process the JIT's tier-up takes 10-20 transfers of the 45 MB
        // (docs/benchmarks.md, "JIT warm-up"), and a Dry job's iteration is one transfer.
        for (int i = 0; i < SetupTransfers; i++)
        {
            Check.Equal(_blocks.Length, BlockTransfer(), "the server decoded every block");
            Check.Equal(_blocks.Length, EncodedBlockTransfer(), "the server decoded every block served encoded");
        }

        Check.True(Ping() > TimeSpan.Zero, "a ping came back");
        _pingMicroseconds.Clear();
    }

    /// <summary>Disconnects the ProtoGen pair and prints the ping percentiles.</summary>
    [GlobalCleanup(Targets = [nameof(BlockTransfer), nameof(EncodedBlockTransfer), nameof(Ping)])]
    public void Cleanup()
    {
        PrintPings("ProtoGen " + Transport);
        _pair?.Dispose();
    }

    /// <summary>30 blocks (about 45 MB) from one peer to the other, decoded and delivered to the listener.</summary>
    [Benchmark(Description = "ProtoGen peers: block transfer")]
    [BenchmarkCategory("Blocks")]
    public int BlockTransfer() => Transfer(_blocks);

    /// <summary>
    /// The same transfer with the blocks queued as <see cref="EncodedMessage"/>s, as a node's encoded-block cache serves
    /// them: the sender encodes and checksums each distinct block once (in the setup's check) and afterwards only copies,
    /// so the receiver, which still verifies every checksum, is what is measured.
    /// </summary>
    [Benchmark(Description = "ProtoGen peers: block transfer, served encoded")]
    [BenchmarkCategory("Blocks")]
    public int EncodedBlockTransfer() => Transfer(_encodedBlocks);

    private int Transfer(IMessage[] blocks) => _pair!.Transfer(blocks, TimeSpan.FromSeconds(60));

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
            last = _pair!.Client.PingAsync().GetAwaiter().GetResult();
            _pingMicroseconds.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return last;
    }

    /// <summary>Loads NBitcoin's blocks, connects the NBitcoin pair and checks that a transfer delivers every block and a ping returns.</summary>
    [GlobalSetup(Targets = [nameof(NBitcoinBlockTransfer), nameof(NBitcoinPing)])]
    public void SetupNBitcoin()
    {
        var blocks = BlockCorpus.Names.Select(name => NB.Block.Load(BlockCorpus.Read(name), NB.Network.Main)).ToArray();
        _nbBlocks = [.. Enumerable.Range(0, StreamCorpus.Messages(Stream).Length / blocks.Length).SelectMany(_ => blocks)];
        Check.Equal(StreamCorpus.Messages(Stream).Length, _nbBlocks.Length, "the NBitcoin pair moves as many blocks as the ProtoGen pair");
        _nbPair = NBitcoinPeerPair.Connect();
        for (int i = 0; i < SetupTransfers; i++)
        {
            Check.Equal(_nbBlocks.Length, NBitcoinBlockTransfer(), "the NBitcoin server delivered every block");
        }

        NBitcoinPing();
        _pingMicroseconds.Clear();
    }

    /// <summary>Disconnects the NBitcoin pair and prints the ping percentiles.</summary>
    [GlobalCleanup(Targets = [nameof(NBitcoinBlockTransfer), nameof(NBitcoinPing)])]
    public void CleanupNBitcoin()
    {
        PrintPings("NBitcoin");
        _nbPair?.Dispose();
    }

    /// <summary>NBitcoin: the same 30 blocks from a <c>Node</c> to a <c>NodeServer</c>, delivered as <c>BlockPayload</c> messages.</summary>
    [Benchmark(Description = "NBitcoin peers: block transfer")]
    [BenchmarkCategory("Blocks")]
    public int NBitcoinBlockTransfer() => _nbPair!.Transfer(_nbBlocks, TimeSpan.FromSeconds(60));

    /// <summary>NBitcoin: ping round trips, one after another.</summary>
    [Benchmark(OperationsPerInvoke = PingsPerInvoke, Description = "NBitcoin peers: ping round trip")]
    [BenchmarkCategory("Ping")]
    public int NBitcoinPing()
    {
        for (int i = 0; i < PingsPerInvoke; i++)
        {
            long started = Stopwatch.GetTimestamp();
            _nbPair!.Ping(TimeSpan.FromSeconds(30));
            _pingMicroseconds.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return PingsPerInvoke;
    }

    /// <summary>Connects the raw echo pair and checks an echo returns the byte sent.</summary>
    [GlobalSetup(Target = nameof(RawRoundTrip))]
    public void SetupRawEcho()
    {
        _echo = RawEchoPair.Connect();
        Check.Equal((byte)7, _echo.RoundTripAsync(7).GetAwaiter().GetResult(), "the echo returns the byte sent");
        _pingMicroseconds.Clear();
    }

    /// <summary>Closes the raw echo pair and prints its round-trip percentiles.</summary>
    [GlobalCleanup(Target = nameof(RawRoundTrip))]
    public void CleanupRawEcho()
    {
        PrintPings("raw socket echo");
        _echo?.Dispose();
    }

    /// <summary>The floor: a 32-byte message and its echo over two loopback sockets, async on both ends.</summary>
    [Benchmark(OperationsPerInvoke = PingsPerInvoke, Description = "limit: raw socket round trip")]
    [BenchmarkCategory("Ping")]
    public int RawRoundTrip()
    {
        int sum = 0;
        for (int i = 0; i < PingsPerInvoke; i++)
        {
            long started = Stopwatch.GetTimestamp();
            sum += _echo!.RoundTripAsync((byte)i).GetAwaiter().GetResult();
            _pingMicroseconds.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return sum;
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

    /// <summary>Runs the rows that depend on neither the transport nor the buffers (SHA-256d, NBitcoin, the raw echo) once, with <c>Transport=v1</c> and the default buffers, and the served-encoded transfer with the default buffers only.</summary>
    private sealed class OnceForBothTransports : ManualConfig
    {
        public OnceForBothTransports() => AddFilter(new SimpleFilter(IsKept));

        private static bool IsKept(BenchmarkCase benchmarkCase) =>
            benchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(BlockTransfer) or nameof(Ping) => true,
                nameof(EncodedBlockTransfer) => IsDefaultBuffer(benchmarkCase),
                _ => (string)benchmarkCase.Parameters[nameof(Transport)] == "v1" && IsDefaultBuffer(benchmarkCase),
            };

        private static bool IsDefaultBuffer(BenchmarkCase benchmarkCase) =>
            (int)benchmarkCase.Parameters[nameof(BufferKiB)] == PeerDefaults.ReceiveBufferSize / 1024;
    }
}
