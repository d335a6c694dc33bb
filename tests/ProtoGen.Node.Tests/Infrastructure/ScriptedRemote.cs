using System.IO.Pipelines;
using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Infrastructure;

/// <summary>One frame the peer under test wrote: its command and payload.</summary>
internal sealed record WireFrame(string Command, byte[] Payload)
{
    public T Decode<T>()
        where T : IWireSerializable<T> => WireSerializer.Decode<T>(Payload.AsMemory());
}

/// <summary>
/// A scripted remote over in-memory pipes: the peer under test (inbound by default, at a remote address the test
/// chooses) runs the node listeners; the remote writes whole frames into it and reads its frames one by one.
/// </summary>
internal sealed class ScriptedRemote : IAsyncDisposable
{
    /// <summary>A routable address that is not local: misbehaviour from it is discouraged.</summary>
    public static readonly IPEndPoint PublicAddress = new(IPAddress.Parse("8.8.4.4"), 8333);

    /// <summary>The loopback address: misbehaviour from it disconnects but never discourages.</summary>
    public static readonly IPEndPoint LocalAddress = new(IPAddress.Loopback, 50_000);

    private readonly Pipe _toPeer = new();
    private readonly Pipe _fromPeer = new();
    private readonly uint _magic;
    private long _nextNonce = 0x5e47_1e10;

    public ScriptedRemote(PeerConfig config, EndPoint? remote = null, PeerDirection direction = PeerDirection.Inbound)
    {
        _magic = config.Network.Magic;
        Peer = Peer.Create(config, direction, new Duplex(_toPeer.Reader, _fromPeer.Writer), remote ?? PublicAddress);
        Peer.Start();
    }

    public Peer Peer { get; }

    /// <summary>Plays the remote side of the handshake and waits until the peer under test has completed it.</summary>
    public async Task HandshakeAsync(bool sendAddrV2 = false)
    {
        if (Peer.Direction == PeerDirection.Outbound)
        {
            await ReceiveAsync("version");
        }

        await SendAsync(new VersionMessage
        {
            Version = 70016,
            Services = ServiceFlags.Network | ServiceFlags.Witness,
            Timestamp = Peer.Config.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            ReceiverAddress = NetworkAddress.Unspecified,
            SenderAddress = NetworkAddress.Unspecified,
            Nonce = 0x5eed_0000_0000_0002,
            UserAgent = "/ScriptedRemote:1.0/",
            StartHeight = 0,
            Relay = true,
        });
        if (sendAddrV2)
        {
            await SendAsync(new SendAddrV2Message());
        }

        await ReceiveAsync("verack");
        await SendAsync(new VerAckMessage());
        await Peer.WaitForHandshakeAsync().WaitAsync(NodeTestConfig.Timeout);
    }

    public async Task SendAsync(IMessage message) =>
        await _toPeer.Writer.WriteAsync(Frame.ToArray(_magic, message)).AsTask().WaitAsync(NodeTestConfig.Timeout);

    /// <summary>Reads frames until one with <paramref name="command"/>; returns it.</summary>
    public async Task<WireFrame> ReceiveAsync(string command)
    {
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (frame.Command == command)
            {
                return frame;
            }
        }
    }

    /// <summary>
    /// A barrier: the remote pings and reads up to the pong (the peer has then processed everything sent before,
    /// listeners included), then the peer queues a pong of its own and the remote reads up to it (everything the
    /// peer queued before has then been written). Returns the frames read on the way, the peer's own pings left out.
    /// </summary>
    public async Task<List<WireFrame>> SyncAsync()
    {
        ulong nonce = (ulong)Interlocked.Increment(ref _nextNonce);
        await SendAsync(new PingMessage { Nonce = nonce });
        var frames = new List<WireFrame>();
        await ReadUntilPongAsync(nonce, frames);
        Assert.True(Peer.QueueMessage(new PongMessage { Nonce = ~nonce }), "sentinel not queued");
        await ReadUntilPongAsync(~nonce, frames);
        return frames;
    }

    /// <summary>Reads the next whole frame the peer wrote.</summary>
    public async Task<WireFrame> ReceiveFrameAsync()
    {
        using var cts = new CancellationTokenSource(NodeTestConfig.Timeout);
        var reader = _fromPeer.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var rest = buffer;
            var status = Frame.TryRead(ref rest, _magic, out var header, out var payload);
            if (status != FrameStatus.Incomplete)
            {
                var frame = new WireFrame(header.Command.ToString(), System.Buffers.BuffersExtensions.ToArray(payload));
                reader.AdvanceTo(rest.Start);
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

    /// <summary>Waits until the peer under test has stopped; returns why.</summary>
    public async Task<DisconnectReason> DisconnectedAsync()
    {
        await Peer.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
        return Peer.DisconnectReason!;
    }

    public async ValueTask DisposeAsync()
    {
        Peer.Disconnect();
        await Peer.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
        await _toPeer.Writer.CompleteAsync();
        await _fromPeer.Reader.CompleteAsync();
    }

    private async Task ReadUntilPongAsync(ulong nonce, List<WireFrame> frames)
    {
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (frame.Command == "pong" && frame.Decode<PongMessage>().Nonce == nonce)
            {
                return;
            }

            if (frame.Command != "ping")
            {
                frames.Add(frame);
            }
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
