using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;

namespace ProtoGen.Peers.Tests.Infrastructure;

/// <summary>
/// A scripted remote for peer tests: a raw loopback TCP connection to (or from) a <see cref="Peers.Peer"/> that
/// writes arbitrary frames (including malformed ones) and reads back whatever the peer sends.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly uint _magic;
    private byte[] _buffer = new byte[64 * 1024];
    private int _buffered;

    private RawPeer(Socket socket, uint magic)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _magic = magic;
    }

    /// <summary>The peer under test.</summary>
    public Peers.Peer Peer { get; private set; } = null!;

    /// <summary>
    /// Creates the peer under test with <paramref name="config"/> in <paramref name="direction"/> and connects a
    /// raw remote to it over loopback. The peer is started.
    /// </summary>
    public static async Task<RawPeer> ConnectAsync(PeerConfig config, PeerDirection direction)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dialer = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await dialer.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(PeerPair.Timeout);
        var accepted = await accept.WaitAsync(PeerPair.Timeout);
        Socket peerSide;
        Socket rawSide;
        if (direction == PeerDirection.Outbound)
        {
            // The peer under test dialled: it owns the dialling socket.
            peerSide = dialer;
            rawSide = accepted;
        }
        else
        {
            peerSide = accepted;
            rawSide = dialer;
        }

        var raw = new RawPeer(rawSide, config.Network.Magic);
        var stream = new NetworkStream(peerSide, ownsSocket: true);
        raw.Peer = direction == PeerDirection.Outbound
            ? Peers.Peer.Outbound(config, stream, peerSide.RemoteEndPoint)
            : Peers.Peer.Inbound(config, stream, peerSide.RemoteEndPoint);
        raw.Peer.Start();
        return raw;
    }

    /// <summary>A version message like Bitcoin Core's, with overridable fields.</summary>
    public static VersionMessage Version(int protocolVersion = 70016, ServiceFlags services = ServiceFlags.Network | ServiceFlags.Witness, ulong nonce = 0x1234_5678_9abc_def0, bool relay = true, int height = 0) => new()
    {
        Version = protocolVersion,
        Services = services,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = nonce,
        UserAgent = "/RawPeer:1.0/",
        StartHeight = height,
        Relay = relay,
    };

    /// <summary>Sends a message framed with the network magic.</summary>
    public Task SendAsync(IMessage message, WireContext context = default) => SendRawAsync(Frame.ToArray(_magic, message, context));

    /// <summary>Sends raw bytes (a hand-made or corrupted frame).</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(PeerPair.Timeout);
        await _stream.FlushAsync();
    }

    /// <summary>Reads the next frame the peer sent; throws on timeout or when the connection closes.</summary>
    public async Task<(MessageCommand Command, byte[] Payload)> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? PeerPair.Timeout);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _buffered);
            var status = Frame.TryRead(ref sequence, _magic, out var header, out var payload);
            if (status != FrameStatus.Incomplete)
            {
                var bytes = payload.ToArray();
                int consumed = _buffered - (int)sequence.Length;
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _buffered - consumed);
                _buffered -= consumed;
                Assert.Equal(FrameStatus.Ok, status);
                return (header.Command, bytes);
            }

            if (_buffered == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int read = await _stream.ReadAsync(_buffer.AsMemory(_buffered), cts.Token);
            if (read == 0)
            {
                throw new EndOfStreamException("the peer closed the connection");
            }

            _buffered += read;
        }
    }

    /// <summary>Reads frames until one with <paramref name="command"/> arrives; returns it and the commands skipped.</summary>
    public async Task<(byte[] Payload, List<string> Skipped)> ReceiveUntilAsync(string command, TimeSpan? timeout = null)
    {
        var skipped = new List<string>();
        while (true)
        {
            var (cmd, payload) = await ReceiveFrameAsync(timeout);
            if (cmd.ToString() == command)
            {
                return (payload, skipped);
            }

            skipped.Add(cmd.ToString());
        }
    }

    /// <summary>Decodes a payload received from the peer.</summary>
    public static T Decode<T>(byte[] payload)
        where T : IWireSerializable<T> => WireSerializer.Decode<T>(payload.AsMemory());

    /// <summary>Plays the remote side of a handshake: sends version, reads until the peer's verack, sends verack.</summary>
    public async Task<List<string>> HandshakeAsync(VersionMessage? version = null)
    {
        await SendAsync(version ?? Version());
        var (_, skipped) = await ReceiveUntilAsync("verack");
        await SendAsync(new VerAckMessage());
        await Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        skipped.Add("verack");
        return skipped;
    }

    /// <summary>Closes the sending side of the connection (the peer under test reads the end of the stream).</summary>
    public void CloseSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Whether the connection has been closed by the peer (reads until end of stream or timeout).</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var scratch = new byte[4096];
            while (await _stream.ReadAsync(scratch, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Peer.Disconnect();
        await Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
