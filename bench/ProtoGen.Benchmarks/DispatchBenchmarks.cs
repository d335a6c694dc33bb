using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ProtoGen;
using ProtoGen.Bitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Dispatch of one decoded frame through the generated <c>BitcoinMessages.TryDispatch</c> (a switch on the two
/// integers of the command field, the generated decoder, the typed listener method), against decoding the same
/// payload directly with the message type's <c>Read</c>. Equal allocated bytes show that dispatch allocates nothing
/// beyond the message object itself: no boxing, no strings, no closures.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class DispatchBenchmarks
{
    private readonly CountingListener _listener = new();
    private IMessageDispatcher<object?> _dispatcher = null!;
    private byte[] _payload = [];
    private MessageCommand _command;

    /// <summary>The message dispatched: a ping, an inv of 100 entries, a headers message of 255 headers, block 413567.</summary>
    [Params("ping", "inv", "headers", "block")]
    public string Message { get; set; } = "ping";

    /// <summary>Builds the payload and checks that dispatch reaches the right listener method.</summary>
    [GlobalSetup]
    public void Setup()
    {
        IMessage message = Message switch
        {
            "ping" => new PingMessage { Nonce = 0x0123_4567_89ab_cdef },
            "inv" => new InvMessage { Inventory = new WireArray<InventoryVector>(Inventory(100)) },
            "headers" => new HeadersMessage { Headers = new WireArray<BlockHeader>(Headers()) },
            "block" => WireSerializer.Decode<Block>(BlockCorpus.Read(BlockCorpus.Legacy).AsMemory()),
            _ => throw new ArgumentException("unknown message " + Message),
        };

        _command = message.Command;
        _payload = new byte[message.GetEncodedSize(WireContext.Default)];
        var writer = new WireWriter(_payload);
        message.WriteTo(ref writer);
        _dispatcher = BitcoinMessages.CreateDispatcher<object?>(_listener);
        int before = _listener.Count;
        Check.True(Dispatch(), "dispatch knows " + Message);
        Check.Equal(before + 1, _listener.Count, "dispatch called the listener once");
        Check.Equal(_command, _listener.LastCommand, "dispatch called the listener method of " + Message);
        Check.True(Via(), "the dispatcher object knows " + Message);
    }

    /// <summary>Decodes the payload with the message type's own reader (the allocation baseline).</summary>
    [Benchmark(Baseline = true)]
    public object Decode()
    {
        var reader = new WireReader(_payload.AsMemory(), WireContext.Default, retainSlices: true);
        return Message switch
        {
            "ping" => PingMessage.Read(ref reader),
            "inv" => InvMessage.Read(ref reader),
            "headers" => HeadersMessage.Read(ref reader),
            _ => Block.Read(ref reader),
        };
    }

    /// <summary>Decodes and delivers through the generated switch to the typed listener.</summary>
    [Benchmark]
    public bool Dispatch()
    {
        var reader = new WireReader(_payload.AsMemory(), WireContext.Default, retainSlices: true);
        return BitcoinMessages.TryDispatch<object?>(null, _command, ref reader, _listener);
    }

    /// <summary>The same through the <see cref="IMessageDispatcher{TPeer}"/> object a peer composes sets with.</summary>
    [Benchmark]
    public bool Via()
    {
        var reader = new WireReader(_payload.AsMemory(), WireContext.Default, retainSlices: true);
        return _dispatcher.TryDispatch(null, _command, ref reader);
    }

    private static InventoryVector[] Inventory(int count)
    {
        var items = new InventoryVector[count];
        for (int i = 0; i < count; i++)
        {
            var hash = new byte[32];
            hash[0] = (byte)i;
            hash[31] = (byte)(i >> 8);
            items[i] = new InventoryVector(i % 2 == 0 ? InventoryType.Tx : InventoryType.Block, new Hash256(hash));
        }

        return items;
    }

    private static BlockHeader[] Headers()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk"));
        var blocks = BlockFile.Split(bytes, BitcoinNetwork.Mainnet.Magic);
        var headers = new BlockHeader[blocks.Count];
        for (int i = 0; i < headers.Length; i++)
        {
            var reader = new WireReader(blocks[i].Span);
            headers[i] = BlockHeader.Read(ref reader);
        }

        return headers;
    }

    /// <summary>Counts deliveries; keeps nothing else, so the measurement sees only dispatch's own allocations.</summary>
    private sealed class CountingListener : IBitcoinListener<object?>
    {
        public int Count { get; private set; }

        public MessageCommand LastCommand { get; private set; }

        public void OnPing(object? peer, PingMessage message) => Seen(PingMessage.Command);

        public void OnInv(object? peer, InvMessage message) => Seen(InvMessage.Command);

        public void OnHeaders(object? peer, HeadersMessage message) => Seen(HeadersMessage.Command);

        public void OnBlock(object? peer, Block message) => Seen(Block.Command);

        private void Seen(MessageCommand command)
        {
            Count++;
            LastCommand = command;
        }
    }
}
