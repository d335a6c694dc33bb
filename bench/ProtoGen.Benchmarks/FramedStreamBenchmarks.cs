using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ProtoGen;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Framing;
using NB = NBitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Benchmark 1 of the throughput issue, from memory: a framed stream (<see cref="StreamCorpus"/>) read with checksum
/// verification, decoded and dispatched to a listener (ProtoGen <see cref="MessageReader.DispatchAllAsync"/>; NBitcoin
/// <c>Message.ReadNext</c>, which does not verify the checksum, and a switch on the payload type), and written (ProtoGen
/// <see cref="MessageWriter"/>; NBitcoin <c>Message.ReadWrite</c>), against SHA-256d over the same bytes in one call.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class FramedStreamBenchmarks
{
    private readonly StreamListener _listener = new();
    private IMessage[] _messages = [];
    private NB.Protocol.Message[] _nbMessages = [];
    private byte[] _bytes = [];
    private MemoryStream _output = new();

    /// <summary>The stream (see <see cref="StreamCorpus"/>).</summary>
    [ParamsSource(nameof(Streams))]
    public string Stream { get; set; } = "blocks";

    /// <summary>The streams.</summary>
    public static IEnumerable<string> Streams => StreamCorpus.Names;

    /// <summary>Builds the stream and checks both libraries read the same messages and write the same bytes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _messages = StreamCorpus.Messages(Stream);
        _bytes = StreamCorpus.Bytes(Stream);
        _output = new MemoryStream(_bytes.Length);
        Check.Equal(_messages.Length, ProtoGenRead(), "ProtoGen read every message");
        Check.Equal(_messages.Length, _listener.Messages, "ProtoGen dispatched every message to its listener method");
        Check.Equal(_messages.Length, NBitcoinRead(), "NBitcoin read every message");
        _nbMessages = ReadAllWithNBitcoin(_bytes);
        ProtoGenWrite();
        Check.Bytes(_bytes, _output.ToArray(), "ProtoGen MessageWriter");
        NBitcoinWrite();
        Check.Bytes(_bytes, _output.ToArray(), "NBitcoin Message.ReadWrite");
    }

    /// <summary>NBitcoin: <c>Message.ReadNext</c> over a MemoryStream until its end (no checksum check), then a switch on the payload.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin Message.ReadNext")]
    [BenchmarkCategory("Read")]
    public int NBitcoinRead()
    {
        var stream = new MemoryStream(_bytes, writable: false);
        int count = 0;
        long checksum = 0;
        while (stream.Position < stream.Length)
        {
            var message = NB.Protocol.Message.ReadNext(stream, NB.Network.Main, 70016, CancellationToken.None);
            checksum += NBitcoinDispatch(message.Payload);
            count++;
        }

        return count + (int)(checksum & 0);
    }

    /// <summary>ProtoGen: <see cref="MessageReader.DispatchAllAsync"/> over a MemoryStream: frames, checksums, decodes, dispatches.</summary>
    [Benchmark(Description = "ProtoGen MessageReader.DispatchAllAsync")]
    [BenchmarkCategory("Read")]
    public int ProtoGenRead()
    {
        _listener.Reset();
        var reader = new MessageReader(new MemoryStream(_bytes, writable: false), BitcoinNetwork.Mainnet);
        long delivered = reader.DispatchAllAsync<object?>(null, _listener).GetAwaiter().GetResult();
        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (int)delivered;
    }

    /// <summary>The limit: one SHA-256d call over the whole stream (a correct reader hashes every payload byte once).</summary>
    [Benchmark(Description = "limit: SHA-256d over the same bytes")]
    [BenchmarkCategory("Read")]
    public Hash256 Sha256dLimitRead() => DoubleSha256.Hash(_bytes);

    /// <summary>NBitcoin: every message through <c>Message.ReadWrite</c> into a MemoryStream.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin Message.ReadWrite")]
    [BenchmarkCategory("Write")]
    public long NBitcoinWrite()
    {
        _output.SetLength(0);
        var stream = new NB.BitcoinStream(_output, serializing: true);
        foreach (var message in _nbMessages)
        {
            message.ReadWrite(stream);
        }

        return _output.Length;
    }

    /// <summary>
    /// ProtoGen: every message through <see cref="MessageWriter.Write(IMessage)"/> into a MemoryStream, flushed whenever
    /// a send buffer's worth is buffered, as a peer's writer does (unflushed, the whole stream would pile up in pooled
    /// segments and the benchmark would measure their allocation).
    /// </summary>
    [Benchmark(Description = "ProtoGen MessageWriter.Write")]
    [BenchmarkCategory("Write")]
    public long ProtoGenWrite()
    {
        _output.SetLength(0);
        var writer = new MessageWriter(_output, BitcoinNetwork.Mainnet, new MessageStreamOptions { LeaveOpen = true });
        int buffered = 0;
        foreach (var message in _messages)
        {
            buffered += writer.Write(message);
            if (buffered >= PeerDefaults.SendBufferSize)
            {
                writer.FlushAsync().AsTask().GetAwaiter().GetResult();
                buffered = 0;
            }
        }

        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return _output.Length;
    }

    /// <summary>The limit for writing: SHA-256d over the same bytes (a writer hashes every payload byte once).</summary>
    [Benchmark(Description = "limit: SHA-256d over the same bytes")]
    [BenchmarkCategory("Write")]
    public Hash256 Sha256dLimitWrite() => DoubleSha256.Hash(_bytes);

    internal static NB.Protocol.Message[] ReadAllWithNBitcoin(byte[] bytes)
    {
        var stream = new MemoryStream(bytes, writable: false);
        var messages = new List<NB.Protocol.Message>();
        while (stream.Position < stream.Length)
        {
            messages.Add(NB.Protocol.Message.ReadNext(stream, NB.Network.Main, 70016, CancellationToken.None));
        }

        return [.. messages];
    }

    /// <summary>NBitcoin's equivalent of dispatch to a listener: a type switch on the decoded payload.</summary>
    internal static long NBitcoinDispatch(NB.Protocol.Payload payload) => payload switch
    {
        NB.Protocol.BlockPayload block => block.Object.Transactions.Count,
        NB.Protocol.InvPayload inv => inv.Inventory.Count,
        NB.Protocol.PingPayload ping => (long)ping.Nonce,
        NB.Protocol.TxPayload tx => tx.Object.Inputs.Count,
        _ => throw new InvalidOperationException("unexpected " + payload.Command),
    };
}

/// <summary>
/// Benchmark 1 of the throughput issue, from a loopback TCP socket: another thread sends the framed stream; the
/// measured thread reads it with checksum verification, decode and dispatch (ProtoGen <see cref="MessageReader"/> with
/// receive buffers of <see cref="BufferKiB"/>; NBitcoin <c>Message.ReadNext</c> over a NetworkStream), against a raw socket copy
/// (receive into one 256 KiB buffer, nothing else) and SHA-256d over the same bytes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class SocketReadBenchmarks
{
    /// <summary>Checked reads of each kind the setup runs before BenchmarkDotNet's own warm-up.</summary>
    private const int SetupReads = 8;

    private readonly StreamListener _listener = new();
    private byte[] _bytes = [];
    private int _count;
    private Socket _sender = null!;
    private Socket _receiver = null!;
    private NetworkStream _receiverStream = null!;
    private MessageReader _reader = null!;
    private MessageReader _reusingReader = null!;
    private readonly byte[] _copyBuffer = new byte[256 * 1024];

    /// <summary>The stream (blocks, inv, mixed).</summary>
    [ParamsSource(nameof(Streams))]
    public string Stream { get; set; } = "blocks";

    /// <summary>The ProtoGen reader's receive buffer size in KiB (the sweep that chose <c>PeerDefaults.ReceiveBufferSize</c>).</summary>
    [Params(16, 64, 256)]
    public int BufferKiB { get; set; } = 64;

    /// <summary>The streams.</summary>
    public static IEnumerable<string> Streams => StreamCorpus.Names;

    /// <summary>Connects the loopback pair and checks every reader gets every message.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _bytes = StreamCorpus.Bytes(Stream);
        _count = StreamCorpus.Messages(Stream).Length;
        (_sender, _receiver) = LoopbackSockets.Connect();
        _receiverStream = new NetworkStream(_receiver, ownsSocket: false);
        var options = new MessageStreamOptions { ReceiveBufferSize = BufferKiB * 1024, LeaveOpen = true };
        _reader = new MessageReader(_receiverStream, BitcoinNetwork.Mainnet, options);
        _reusingReader = new MessageReader(_receiverStream, BitcoinNetwork.Mainnet, options with { ReusePayloadArrays = true });

        // Checked reads that also warm up: the first case in a process would otherwise measure the JIT's tier-up
        // (docs/benchmarks.md, "JIT warm-up"); a Dry job's iteration is one read.
        for (int i = 0; i < SetupReads; i++)
        {
            Check.Equal(_count, ProtoGenSocket().GetAwaiter().GetResult(), "ProtoGen read every message from the socket");
            Check.Equal(_count, _listener.Messages, "ProtoGen dispatched every message");
            Check.Equal(_count, ProtoGenSocketReusingArrays().GetAwaiter().GetResult(), "ProtoGen read every message from the socket, reusing arrays");
            Check.Equal(_count, _listener.Messages, "ProtoGen dispatched every message, reusing arrays");
            Check.Equal(_count, NBitcoinSocket(), "NBitcoin read every message from the socket");
        }

        Check.Equal((long)_bytes.Length, RawSocketCopy(), "the raw copy received every byte");
    }

    /// <summary>Closes the sockets.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _reusingReader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _receiverStream.Dispose();
        _receiver.Dispose();
        _sender.Dispose();
    }

    /// <summary>NBitcoin: <c>Message.ReadNext</c> over a NetworkStream for every message, then a switch on the payload.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin Message.ReadNext")]
    [BenchmarkCategory("Socket")]
    public int NBitcoinSocket()
    {
        var sending = Send();
        long checksum = 0;
        for (int i = 0; i < _count; i++)
        {
            // The Socket overload of ReadNext recurses into itself until the stack overflows (NBitcoin 10.0.20); the
            // Stream overload over the same socket is what NBitcoin's own Node uses.
            var message = NB.Protocol.Message.ReadNext(_receiverStream, NB.Network.Main, 70016, CancellationToken.None);
            checksum += FramedStreamBenchmarks.NBitcoinDispatch(message.Payload);
        }

        sending.GetAwaiter().GetResult();
        return _count + (int)(checksum & 0);
    }

    /// <summary>
    /// ProtoGen: <see cref="MessageReader.ReadAsync"/> awaited for every message (the API is asynchronous, as a peer
    /// uses it; blocking on each read that must wait would add two thread hops per wait), delivered to the listener by
    /// the generated dispatch.
    /// </summary>
    [Benchmark(Description = "ProtoGen MessageReader")]
    [BenchmarkCategory("Socket")]
    public Task<int> ProtoGenSocket() => ReadAll(_reader);

    /// <summary>
    /// The same with <see cref="MessageStreamOptions.ReusePayloadArrays"/>: the listener keeps nothing, so each block
    /// array is handed back at the next read and filled again, instead of a new one per block.
    /// </summary>
    [Benchmark(Description = "ProtoGen MessageReader, payload arrays reused")]
    [BenchmarkCategory("Socket")]
    public Task<int> ProtoGenSocketReusingArrays() => ReadAll(_reusingReader);

    private async Task<int> ReadAll(MessageReader reader)
    {
        _listener.Reset();
        var sending = Send();
        for (int i = 0; i < _count; i++)
        {
            var frame = await reader.ReadAsync().ConfigureAwait(false);
            BitcoinMessages.Deliver<object?>(null, frame!.Value.Message!, _listener);
        }

        await sending.ConfigureAwait(false);
        return _listener.Messages;
    }

    /// <summary>The socket limit: receive every byte into one buffer, nothing else.</summary>
    [Benchmark(Description = "limit: raw socket copy")]
    [BenchmarkCategory("Socket")]
    public long RawSocketCopy()
    {
        var sending = Send();
        long total = 0;
        while (total < _bytes.Length)
        {
            total += _receiver.Receive(_copyBuffer);
        }

        sending.GetAwaiter().GetResult();
        return total;
    }

    /// <summary>The hashing limit: SHA-256d over the same bytes in one call.</summary>
    [Benchmark(Description = "limit: SHA-256d over the same bytes")]
    [BenchmarkCategory("Socket")]
    public Hash256 Sha256dLimit() => DoubleSha256.Hash(_bytes);

    private Task Send() => Task.Factory.StartNew(static state =>
    {
        var self = (SocketReadBenchmarks)state!;
        int sent = 0;
        while (sent < self._bytes.Length)
        {
            sent += self._sender.Send(self._bytes.AsSpan(sent));
        }
    }, this, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
