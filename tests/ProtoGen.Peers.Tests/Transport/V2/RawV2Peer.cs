using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// A scripted BIP324 remote for peer tests: a raw loopback TCP connection to (or from) a started <see cref="Peers.Peer"/>
/// that plays its side of the v2 handshake step by step from the primitives (key, chosen garbage, terminator, decoys,
/// version packet), so a test can stop, stall or misbehave at any step; then seals messages, decoys or hand-corrupted
/// packets with its encoder and opens the peer's packets with its decoder.
/// </summary>
internal sealed class RawV2Peer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly uint _magic;
    private readonly V2KeyPair _key = V2KeyPair.Generate();
    private byte[] _buffer = new byte[64 * 1024];
    private int _buffered;
    private V2SessionKeys? _keys;
    private V2PacketEncoder? _encoder;
    private V2PacketDecoder? _decoder;

    private RawV2Peer(Socket socket, uint magic, bool initiator)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _magic = magic;
        IsInitiator = initiator;
    }

    /// <summary>The peer under test.</summary>
    public Peers.Peer Peer { get; private set; } = null!;

    /// <summary>Whether this remote opened the connection (the peer under test is then inbound).</summary>
    public bool IsInitiator { get; }

    /// <summary>The session id, once the keys are derived.</summary>
    public byte[] SessionId => _keys?.SessionId ?? throw new InvalidOperationException("no keys yet");

    /// <summary>Our packet encoder (once the keys are derived).</summary>
    public V2PacketEncoder Encoder => _encoder ?? throw new InvalidOperationException("no keys yet");

    /// <summary>
    /// Creates the peer under test in <paramref name="direction"/> and connects this remote to it over loopback; the
    /// peer is started. An outbound peer is told its remote has NODE_P2P_V2, so it opens with its v2 key.
    /// </summary>
    public static async Task<RawV2Peer> ConnectAsync(PeerConfig config, PeerDirection direction = PeerDirection.Inbound)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dialer = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await dialer.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(PeerPair.Timeout);
        var accepted = await accept.WaitAsync(PeerPair.Timeout);
        accepted.NoDelay = true;
        bool peerDialled = direction == PeerDirection.Outbound;
        var peerSide = peerDialled ? dialer : accepted;
        var raw = new RawV2Peer(peerDialled ? accepted : dialer, config.Network.Magic, initiator: !peerDialled);
        var stream = new NetworkStream(peerSide, ownsSocket: true);
        raw.Peer = peerDialled
            ? Peers.Peer.Outbound(config, stream, peerSide.RemoteEndPoint, remoteServices: ServiceFlags.Network | ServiceFlags.P2PV2)
            : Peers.Peer.Inbound(config, stream, peerSide.RemoteEndPoint);
        raw.Peer.Start();
        return raw;
    }

    /// <summary>Garbage of <paramref name="length"/> pseudo-random bytes (a fixed seed per test).</summary>
    public static byte[] Garbage(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// The whole v2 handshake for our role: our key and <paramref name="garbage"/>, the peer's key, our terminator,
    /// <paramref name="decoysBeforeVersion"/> decoys and our version packet, then the peer's garbage, terminator and
    /// version packet.
    /// </summary>
    public async Task HandshakeAsync(byte[]? garbage = null, int decoysBeforeVersion = 0)
    {
        garbage ??= Garbage(100);
        if (IsInitiator)
        {
            await SendKeyAsync(garbage);
            await ReceiveKeyAsync();
        }
        else
        {
            await ReceiveKeyAsync();
            await SendKeyAsync(garbage);
        }

        await SendTerminatorAndVersionAsync(garbage, decoysBeforeVersion);
        await ReceiveVersionPacketAsync();
    }

    /// <summary>Sends our 64-byte key followed by <paramref name="garbage"/> (which need not be valid: any length).</summary>
    public Task SendKeyAsync(byte[] garbage) => SendRawAsync([.. _key.Encoding, .. garbage]);

    /// <summary>Reads the peer's 64-byte key and derives the session keys.</summary>
    public async Task ReceiveKeyAsync()
    {
        await FillAsync(V2Protocol.EllSwiftKeySize);
        var theirs = _buffer.AsSpan(0, V2Protocol.EllSwiftKeySize).ToArray();
        Consume(theirs.Length);
        var secret = new byte[V2Protocol.SecretSize];
        V2KeyExchange.ComputeSharedSecret(_key, theirs, IsInitiator, secret);
        _keys = V2KeyExchange.DeriveKeys(secret, _magic, IsInitiator);
        _encoder = _keys.CreateEncoder();
        _decoder = _keys.CreateDecoder();
    }

    /// <summary>Sends our garbage terminator, then <paramref name="decoys"/> decoys and the version packet (the first packet authenticates <paramref name="garbage"/>).</summary>
    public Task SendTerminatorAndVersionAsync(byte[] garbage, int decoys = 0)
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(_keys!.SendGarbageTerminator);
        for (int i = 0; i <= decoys; i++)
        {
            bool decoy = i < decoys;
            int size = V2Packet.SizeOf(0);
            var packet = output.GetSpan(size).Slice(0, size);
            Encoder.Seal(packet, i == 0 ? garbage : default, decoy);
            output.Advance(size);
        }

        return SendRawAsync(output.WrittenSpan.ToArray());
    }

    /// <summary>Reads the peer's garbage up to its terminator, then packets until its version packet.</summary>
    public async Task ReceiveVersionPacketAsync()
    {
        int found;
        while ((found = _buffer.AsSpan(0, _buffered).IndexOf(_keys!.ReceiveGarbageTerminator)) < 0)
        {
            Assert.True(_buffered < V2Protocol.MaxGarbageLength + V2Protocol.GarbageTerminatorSize, "the peer sent more than 4095 bytes of garbage");
            await FillAsync(_buffered + 1);
        }

        _decoder!.SetAssociatedData(_buffer.AsSpan(0, found).ToArray());
        Consume(found + V2Protocol.GarbageTerminatorSize);
        while (true)
        {
            var (status, _) = await ReadPacketAsync();
            if (status == V2ReadStatus.Packet)
            {
                return;
            }
        }
    }

    /// <summary>Plays the remote side of the version handshake over v2: version, the peer's verack, verack.</summary>
    public async Task BitcoinHandshakeAsync(VersionMessage? version = null, IEnumerable<IMessage>? beforeVerack = null, WireContext context = default)
    {
        await SendAsync(version ?? RawPeer.Version(services: ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.P2PV2));
        foreach (var message in beforeVerack ?? [])
        {
            await SendAsync(message, context);
        }

        await ReceiveUntilAsync("verack");
        await SendAsync(new VerAckMessage());
        await Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
    }

    /// <summary>Seals a message as one packet (not sent).</summary>
    public byte[] Seal(IMessage message, WireContext context = default)
    {
        var output = new ArrayBufferWriter<byte>();
        Encoder.WriteMessage(output, message, context);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Seals a decoy packet with <paramref name="contentsLength"/> bytes of contents (not sent).</summary>
    public byte[] SealDecoy(int contentsLength)
    {
        var output = new ArrayBufferWriter<byte>();
        Encoder.WriteDecoy(output, contentsLength);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Sends a message as one v2 packet.</summary>
    public Task SendAsync(IMessage message, WireContext context = default) => SendRawAsync(Seal(message, context));

    /// <summary>Sends raw bytes.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(PeerPair.Timeout);
        await _stream.FlushAsync();
    }

    /// <summary>Reads the peer's next message packet (decoys skipped); throws on timeout, close or a bad packet.</summary>
    public async Task<(string Command, byte[] Payload)> ReceiveMessageAsync()
    {
        while (true)
        {
            var (status, contents) = await ReadPacketAsync();
            if (status == V2ReadStatus.Decoy)
            {
                continue;
            }

            Assert.True(V2MessageType.TryRead(contents, out var command, out int typeSize), "the peer sent a packet that names no message");
            return (command.ToString(), contents.AsSpan(typeSize).ToArray());
        }
    }

    /// <summary>Reads messages until one with <paramref name="command"/>; returns it and the commands before it.</summary>
    public async Task<(byte[] Payload, List<string> Skipped)> ReceiveUntilAsync(string command)
    {
        var skipped = new List<string>();
        while (true)
        {
            var (received, payload) = await ReceiveMessageAsync();
            if (received == command)
            {
                return (payload, skipped);
            }

            skipped.Add(received);
        }
    }

    /// <summary>The v1 payload encoding of <paramref name="message"/> (what a v2 packet carries after its message type).</summary>
    public static byte[] Payload(IMessage message, WireContext context = default) =>
        Frame.ToArray(0, message, context).AsSpan(FrameHeader.Size).ToArray();

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
        _encoder?.Dispose();
        _decoder?.Dispose();
        _keys?.Dispose();
        _key.Dispose();
    }

    /// <summary>Reads one packet (a decoy or not) with the decoder; the contents are copied out.</summary>
    private async Task<(V2ReadStatus Status, byte[] Contents)> ReadPacketAsync()
    {
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _buffered);
            var status = _decoder!.TryRead(ref sequence, out var contents);
            int consumed = _buffered - (int)sequence.Length;
            var copy = contents.ToArray();
            Consume(consumed);
            if (status != V2ReadStatus.Incomplete)
            {
                return (status, copy);
            }

            // BytesNeeded counts from the front of what is left: 3 for a length, else the rest of the packet.
            await FillAsync(_decoder.BytesNeeded);
        }
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(_buffer, count, _buffer, 0, _buffered - count);
        _buffered -= count;
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered.</summary>
    private async Task FillAsync(int count)
    {
        using var cts = new CancellationTokenSource(PeerPair.Timeout);
        while (_buffered < count)
        {
            if (_buffer.Length < count)
            {
                Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
            }

            int read = await _stream.ReadAsync(_buffer.AsMemory(_buffered), cts.Token);
            if (read == 0)
            {
                throw new EndOfStreamException("the peer closed the connection");
            }

            _buffered += read;
        }
    }
}
