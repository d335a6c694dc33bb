using System.Buffers;
using System.IO.Pipelines;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>
/// A scripted remote over an in-memory <see cref="Pipe"/> pair: the peer under test is attached with
/// <see cref="Peers.Peer.Create"/>; the remote writes raw frames into the peer's input and reads the peer's output
/// frame by frame. Options for the peer's output pipe (e.g. a tiny pause threshold) make its writes back up while the
/// remote does not read.
/// </summary>
internal sealed class PipeRemote : IAsyncDisposable
{
    private readonly Pipe _toPeer;
    private readonly Pipe _fromPeer;
    private readonly uint _magic;
    private readonly TimeProvider _time;
    private long _bytesRead;

    public PipeRemote(PeerConfig config, PeerDirection direction = PeerDirection.Inbound, PipeOptions? peerOutput = null, bool start = true)
    {
        _toPeer = new Pipe();
        _fromPeer = new Pipe(peerOutput ?? PipeOptions.Default);
        _magic = config.Network.Magic;
        _time = config.TimeProvider;
        Peer = Peers.Peer.Create(config, direction, new Duplex(_toPeer.Reader, _fromPeer.Writer));
        if (start)
        {
            Peer.Start();
        }
    }

    public Peers.Peer Peer { get; }

    /// <summary>Every byte read from the peer so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>A version message like Bitcoin Core's, stamped with the configuration's clock.</summary>
    public VersionMessage Version(int protocolVersion = 70016, ServiceFlags services = ServiceFlags.Network | ServiceFlags.Witness, bool relay = true, int height = 0, long? timestamp = null) => new()
    {
        Version = protocolVersion,
        Services = services,
        Timestamp = timestamp ?? _time.GetUtcNow().ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = 0x5eed_0000_0000_0001,
        UserAgent = "/PipeRemote:1.0/",
        StartHeight = height,
        Relay = relay,
    };

    public Task SendAsync(IMessage message, WireContext context = default) => SendRawAsync(Frame.ToArray(_magic, message, context));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _toPeer.Writer.WriteAsync(bytes).AsTask().WaitAsync(PeerPair.Timeout);
    }

    /// <summary>Reads the next whole frame the peer wrote (fails on timeout, on a malformed frame, or at the end of the stream).</summary>
    public async Task<WireFrame> ReceiveFrameAsync()
    {
        using var cts = new CancellationTokenSource(PeerPair.Timeout);
        var reader = _fromPeer.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var rest = buffer;
            var status = Frame.TryRead(ref rest, _magic, out var header, out var payload);
            if (status != FrameStatus.Incomplete)
            {
                var frame = new WireFrame(header, payload.ToArray(), buffer.Slice(0, FrameHeader.Size + header.PayloadLength).ToArray());
                reader.AdvanceTo(rest.Start);
                Interlocked.Add(ref _bytesRead, frame.Bytes.Length);
                Assert.Equal(FrameStatus.Ok, status);
                return frame;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw new EndOfStreamException("the peer completed its output");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Waits, consuming nothing, until at least <paramref name="bytes"/> unread bytes sit in the peer's output. With a
    /// pause threshold below that, the peer's writer is then blocked in its flush: it takes nothing more from its queue
    /// until the remote reads.
    /// </summary>
    public async Task WaitForUnreadAsync(int bytes)
    {
        using var cts = new CancellationTokenSource(PeerPair.Timeout);
        var reader = _fromPeer.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            if (result.Buffer.Length >= bytes)
            {
                reader.AdvanceTo(result.Buffer.Start);
                return;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads frames until one satisfies <paramref name="match"/>; returns it and the frames before it.</summary>
    public async Task<(WireFrame Frame, List<WireFrame> Before)> ReceiveUntilAsync(Func<WireFrame, bool> match)
    {
        var before = new List<WireFrame>();
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (match(frame))
            {
                return (frame, before);
            }

            before.Add(frame);
        }
    }

    public Task<(WireFrame Frame, List<WireFrame> Before)> ReceiveUntilAsync(string command) => ReceiveUntilAsync(f => f.Command == command);

    /// <summary>
    /// A barrier in the peer's send order: queues a pong with <paramref name="nonce"/> on the peer and reads until it.
    /// Returns every frame the peer had queued before (the peer's own pings excluded when <paramref name="skipPings"/>).
    /// </summary>
    public async Task<List<WireFrame>> SentinelAsync(ulong nonce = 0x5e47_1e10, bool skipPings = true)
    {
        Assert.True(Peer.QueueMessage(new PongMessage { Nonce = nonce }), "sentinel not queued");
        var (_, before) = await ReceiveUntilAsync(f => f.Command == "pong" && f.Decode<PongMessage>().Nonce == nonce);
        return skipPings ? before.Where(f => f.Command != "ping").ToList() : before;
    }

    /// <summary>Plays the remote side of the handshake: version, (features), reads up to the peer's verack, verack.</summary>
    public async Task<List<WireFrame>> HandshakeAsync(VersionMessage? version = null, bool wtxidRelay = false, bool sendAddrV2 = false)
    {
        await SendAsync(version ?? Version());
        if (wtxidRelay)
        {
            await SendAsync(new WtxidRelayMessage());
        }

        if (sendAddrV2)
        {
            await SendAsync(new SendAddrV2Message());
        }

        var (verack, before) = await ReceiveUntilAsync("verack");
        await SendAsync(new VerAckMessage());
        await Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        before.Add(verack);
        return before;
    }

    /// <summary>Stops reading the peer's output for good and signals the end of the remote's input.</summary>
    public async Task CloseAsync()
    {
        await _toPeer.Writer.CompleteAsync();
        await _fromPeer.Reader.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Peer.Disconnect();
        await Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        await _toPeer.Writer.CompleteAsync();
        await _fromPeer.Reader.CompleteAsync();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
