using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using NB = NBitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Small messages between two peers over loopback TCP (issue 13: "≥ 3× NBitcoin's messages per second on the inv
/// stream"): the 10,000 inv messages of 50 entries of the <c>inv</c> stream from one peer to the other, delivered to
/// the receiving peer's listener. ProtoGen pair: <see cref="Peer.QueueMessage"/> on the client (yielding while the
/// send queue is full), counted in the server's <c>OnInv</c>, over the v1 or the BIP324 v2 transport
/// (<see cref="Transport"/>), default buffers. NBitcoin pair: <see cref="NBitcoinPeerPair"/> sending NBitcoin's own
/// <c>InvPayload</c>s of the same entries (read from the same bytes), counted from the server node's
/// <c>MessageReceived</c>; it runs once, with <c>Transport=v1</c> (NBitcoin has no v2). Messages per second are
/// 10,000 ÷ the mean; the allocation column, less 10,000 decoded messages, is what the pair allocates besides them.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(NBitcoinOnce))]
public class InvStreamBenchmarks
{
    /// <summary>
    /// Transfers each setup runs (each checked) before anything is measured: a transfer is one iteration of a
    /// <c>--job Dry</c> run, and the first four to six run slower (2-3x) while the code tiers up, in or out of process.
    /// </summary>
    private const int SetupTransfers = 8;

    private IMessage[] _messages = [];
    private NB.Protocol.Payload[] _nbPayloads = [];
    private NBitcoinPeerPair? _nbPair;
    private ProtoGenPeerPair? _pair;

    /// <summary>The ProtoGen pair's transport: <c>v1</c> (both ends <see cref="V2TransportMode.Off"/>) or <c>v2</c> (both <see cref="V2TransportMode.Required"/>).</summary>
    [Params("v1", "v2")]
    public string Transport { get; set; } = "v1";

    /// <summary>Connects and handshakes the ProtoGen pair, checks its transport and that a transfer delivers every message.</summary>
    [GlobalSetup(Target = nameof(InvStream))]
    public void Setup()
    {
        _messages = StreamCorpus.Messages("inv");
        _pair = new ProtoGenPeerPair(Transport, count => new BitcoinListeners<Peer> { OnInv = (_, _) => count() });
        for (int i = 0; i < SetupTransfers; i++)
        {
            Check.Equal(_messages.Length, InvStream(), "the server delivered every inv");
        }
    }

    /// <summary>Disconnects the ProtoGen pair.</summary>
    [GlobalCleanup(Target = nameof(InvStream))]
    public void Cleanup() => _pair?.Dispose();

    /// <summary>10,000 inv of 50 entries from one ProtoGen peer to the other, decoded and delivered to the listener.</summary>
    [Benchmark(Description = "ProtoGen peers: 10,000 inv")]
    public int InvStream() => _pair!.Transfer(_messages, TimeSpan.FromSeconds(60));

    /// <summary>Reads NBitcoin's payloads from the same bytes, connects the NBitcoin pair and checks a transfer delivers every inv.</summary>
    [GlobalSetup(Target = nameof(NBitcoinInvStream))]
    public void SetupNBitcoin()
    {
        _nbPayloads = [.. FramedStreamBenchmarks.ReadAllWithNBitcoin(StreamCorpus.Bytes("inv")).Select(message => message.Payload)];
        Check.Equal(StreamCorpus.Messages("inv").Length, _nbPayloads.Length, "the NBitcoin pair moves as many inv as the ProtoGen pair");
        Check.True(_nbPayloads[0] is NB.Protocol.InvPayload { Inventory.Count: 50 }, "NBitcoin read inv of 50 entries");
        _nbPair = NBitcoinPeerPair.Connect();
        for (int i = 0; i < SetupTransfers; i++)
        {
            Check.Equal(_nbPayloads.Length, NBitcoinInvStream(), "the NBitcoin server delivered every inv");
        }
    }

    /// <summary>Disconnects the NBitcoin pair.</summary>
    [GlobalCleanup(Target = nameof(NBitcoinInvStream))]
    public void CleanupNBitcoin() => _nbPair?.Dispose();

    /// <summary>NBitcoin: the same 10,000 inv from a <c>Node</c> to a <c>NodeServer</c>, delivered as <c>InvPayload</c> messages.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin peers: 10,000 inv")]
    public int NBitcoinInvStream() => _nbPair!.Transfer(_nbPayloads, TimeSpan.FromSeconds(60));

    /// <summary>Runs the NBitcoin pair once, with <c>Transport=v1</c> (the parameter is ProtoGen's).</summary>
    private sealed class NBitcoinOnce : ManualConfig
    {
        public NBitcoinOnce() => AddFilter(new SimpleFilter(IsKept));

        private static bool IsKept(BenchmarkCase benchmarkCase) =>
            benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(NBitcoinInvStream) ||
            (string)benchmarkCase.Parameters[nameof(Transport)] == "v1";
    }
}
