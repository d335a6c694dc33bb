using System;
using System.Buffers;
using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// The BIP324 transport of one connection: the handshake (<see cref="V2Handshake"/>), then every message as one
/// encrypted packet whose contents are its message type (a short id or the 12-byte command) and its payload. As a
/// responder it first looks at the remote's opening bytes: a v1 <c>version</c> header with our magic is served by the
/// v1 framing from then on (unless v2 is required), anything else runs the v2 responder.
/// </summary>
/// <remarks>
/// The read loop drives the handshake and the decoder; the write loop the handshake's output and the encoder. Until
/// the handshake is complete both go through one lock, because deriving the keys (on the read side) seals our version
/// packet with the encoder that the write side uses next. After that the two directions share nothing.
/// </remarks>
internal sealed class V2MessageTransport : IMessageTransport, IDisposable
{
    private readonly object _gate = new();
    private readonly BitcoinNetwork _network;
    private readonly bool _acceptV1;
    private readonly V2Handshake _handshake;
    private V1MessageTransport? _v1;
    private byte[]? _sessionId;
    private volatile bool _complete;
    private volatile bool _ready;
    private bool _handshakeSent;
    private byte[]? _firstReceived;
    private int _keyBytesSent;
    private bool _remoteKeyStarted;
    private long _handshakeBytesOut;
    private bool _disposed;

    private V2MessageTransport(BitcoinNetwork network, V2Handshake handshake, bool acceptV1)
    {
        _network = network;
        _handshake = handshake;
        _acceptV1 = acceptV1;
    }

    /// <summary>The transport of a connection we opened (our key and garbage are due at once).</summary>
    /// <param name="network">Our network (its magic salts the keys).</param>
    public static V2MessageTransport CreateInitiator(BitcoinNetwork network) =>
        new(network, V2Handshake.CreateInitiator(network.Magic), acceptV1: false);

    /// <summary>The transport of a connection we accepted.</summary>
    /// <param name="network">Our network.</param>
    /// <param name="acceptV1">Whether a v1 peer is served (false when v2 is required).</param>
    public static V2MessageTransport CreateResponder(BitcoinNetwork network, bool acceptV1) =>
        new(network, V2Handshake.CreateResponder(network.Magic), acceptV1);

    /// <summary>A transport over a given handshake (tests: fixed keys and garbage).</summary>
    /// <param name="network">Our network.</param>
    /// <param name="handshake">The handshake; owned from now on.</param>
    /// <param name="acceptV1">Whether a v1 peer is served.</param>
    internal static V2MessageTransport Create(BitcoinNetwork network, V2Handshake handshake, bool acceptV1) => new(network, handshake, acceptV1);

    /// <inheritdoc/>
    public string Name => _v1 is null ? "v2" : "v1";

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> SessionId => _sessionId;

    /// <inheritdoc/>
    public bool IsReady => _ready;

    /// <summary>Whether we opened the connection.</summary>
    public bool IsInitiator => _handshake.IsInitiator;

    /// <summary>Whether the remote turned out to speak v1 (a responder served it as v1).</summary>
    public bool IsV1 => _v1 is not null;

    /// <summary>
    /// Whether the keys are derived but the remote's garbage terminator never came: what a v2 peer of another network
    /// looks like (its keys are salted with another magic, so its terminator differs from the one we expect).
    /// </summary>
    public bool IsAwaitingGarbageTerminator
    {
        get
        {
            lock (_gate)
            {
                return !_disposed && _handshake.State == V2HandshakeState.AwaitingGarbageTerminator;
            }
        }
    }

    /// <summary>Whether the remote (we dialled it) answered our key with a v1 message header of our network.</summary>
    public bool RemoteSpokeV1 { get; private set; }

    /// <summary>Whether the v2 handshake finished (the remote's version packet verified).</summary>
    public bool IsHandshakeComplete => _complete;

    /// <summary>
    /// Bitcoin Core's rule for retrying a connection with v1: we opened it, nothing at all has been received (we are
    /// still waiting for the remote's key) and we have sent at least a v1 header's worth of bytes, so that a v1-only
    /// remote has had the chance to read our key as a bad header and close. Also true when the remote answered (or
    /// spoke first, as bcoin does) with a v1 <c>version</c> header of our network instead of a key.
    /// </summary>
    /// <param name="bytesReceived">Bytes the connection has received.</param>
    /// <param name="bytesSent">Bytes the connection has counted as sent.</param>
    public bool ShouldReconnectV1(long bytesReceived, long bytesSent)
    {
        lock (_gate)
        {
            // The connection counts bytes once their flush returns, which can be after the remote has read them and
            // closed: the bytes this transport handed to the output count as sent too (Core counts what send() took).
            return _handshake.IsInitiator
                && (RemoteSpokeV1
                    || (_handshake.State == V2HandshakeState.AwaitingKey
                        && bytesReceived == 0
                        && Math.Max(bytesSent, _handshakeBytesOut) >= FrameHeader.Size));
        }
    }

    /// <summary>
    /// For a v2 attempt of ours that never completed, what the remote's first bytes show it speaks instead (another
    /// network's v1, or not Bitcoin at all), when they show it; else null.
    /// </summary>
    public string? DescribeForeignStart()
    {
        lock (_gate)
        {
            return _firstReceived is { } first && !_complete && ForeignStart.IsRecognisable(first) && !ForeignStart.HasMagic(first, _network)
                ? ForeignStart.Describe(first, _network)
                : null;
        }
    }

    /// <inheritdoc/>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out TransportMessage message)
    {
        if (_v1 is { } v1)
        {
            return v1.TryRead(ref buffer, out message);
        }

        if (!_complete && !ReadHandshake(ref buffer))
        {
            message = default;
            return _v1 is not null && _v1.TryRead(ref buffer, out message);
        }

        var decoder = _handshake.Decoder;
        while (true)
        {
            var status = decoder.TryRead(ref buffer, out var contents);
            switch (status)
            {
                case V2ReadStatus.Incomplete:
                    message = default;
                    return false;
                case V2ReadStatus.Decoy:
                    // Verified and dropped; it costs its bytes and no memory.
                    continue;
            }

            // What logs show of it: the decrypted contents (message type and payload), not the ciphertext.
            int wireSize = V2Packet.SizeOf(contents.Length);
            var wireBytes = new ReadOnlySequence<byte>(contents);
            if (!V2MessageType.TryRead(contents.Span, out var command, out int typeSize))
            {
                // An unknown short id, or a long form that is not a command: dropped, the peer kept (Bitcoin Core).
                message = new TransportMessage(default, ReadOnlySequence<byte>.Empty, wireSize, wireBytes, TransportMessageStatus.InvalidCommand);
                return true;
            }

            message = new TransportMessage(command, new ReadOnlySequence<byte>(contents.Slice(typeSize)), wireSize, wireBytes, TransportMessageStatus.Ok);
            return true;
        }
    }

    /// <inheritdoc/>
    public int HeldBytes => _v1?.HeldBytes ?? 0;

    /// <inheritdoc/>
    public Memory<byte> DirectReadTarget => _v1 is { } v1 ? v1.DirectReadTarget : Memory<byte>.Empty;

    /// <inheritdoc/>
    public bool Filled(int count, out TransportMessage message) => _v1!.Filled(count, out message);

    /// <inheritdoc/>
    public MessageCommand? PendingCommand(in ReadOnlySequence<byte> buffer) =>

        // A v2 packet's type is encrypted with the rest of it: it is known only once the whole packet is in.
        _v1?.PendingCommand(buffer);

    /// <inheritdoc/>
    public int Measure(IMessage message, WireContext context, out int payloadLength)
    {
        if (_v1 is { } v1)
        {
            return v1.Measure(message, context, out payloadLength);
        }

        payloadLength = message.GetEncodedSize(context);
        if (payloadLength > ProtocolLimits.MaxMessagePayload)
        {
            throw new ProtocolException(ProtocolError.EncodeLimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{message.Command}: payload of {payloadLength} bytes exceeds the protocol limit {ProtocolLimits.MaxMessagePayload}"));
        }

        return V2Packet.SizeOf(V2MessageType.SizeOf(message.Command) + payloadLength);
    }

    /// <inheritdoc/>
    public void Write(Span<byte> destination, IMessage message, WireContext context, int payloadLength)
    {
        if (_v1 is { } v1)
        {
            v1.Write(destination, message, context, payloadLength);
            return;
        }

        int typeSize = V2MessageType.Write(message.Command, destination.Slice(V2Packet.ContentsOffset));
        WireSerializer.EncodeExactly(message, destination.Slice(V2Packet.ContentsOffset + typeSize, payloadLength), context);

        if (_complete)
        {
            _handshake.Encoder.Seal(destination);
            return;
        }

        lock (_gate)
        {
            _handshake.Encoder.Seal(destination);
        }
    }

    /// <summary>Writes a decoy packet (the remote verifies and drops it); only once the keys are derived.</summary>
    /// <param name="output">The connection's output.</param>
    /// <param name="contentsLength">The decoy's contents length.</param>
    /// <returns>The bytes written.</returns>
    public int WriteDecoy(IBufferWriter<byte> output, int contentsLength)
    {
        lock (_gate)
        {
            return _handshake.Encoder.WriteDecoy(output, contentsLength);
        }
    }

    /// <inheritdoc/>
    public int WritePendingOutput(IBufferWriter<byte> output)
    {
        if (_handshakeSent || _v1 is not null)
        {
            return 0;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return 0;
            }

            var pending = _handshake.PendingSend;
            if (_handshake.IsInitiator && !_handshake.CanSend)
            {
                // Our key first, our garbage only once the remote's key shows it speaks v2: a v1 node reads 64 bytes
                // as at most three bad headers instead of up to 4,159 (bcoin raises a peer's ban score for each), and
                // it has still had a v1 header's worth to close on (Bitcoin Core's condition for retrying with v1).
                int keyLeft = Math.Max(0, V2Protocol.EllSwiftKeySize - _keyBytesSent);
                pending = pending.Slice(0, Math.Min(pending.Length, keyLeft));
            }

            if (pending.IsEmpty)
            {
                // Once the keys are derived, everything of the handshake that we send is queued at once.
                _handshakeSent = _handshake.CanSend;
                return 0;
            }

            _keyBytesSent += pending.Length;

            pending.Span.CopyTo(output.GetSpan(pending.Length));
            output.Advance(pending.Length);
            _handshake.MarkSent(pending.Length);
            _handshakeBytesOut += pending.Length;
            return pending.Length;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _handshake.Dispose();
        }
    }

    /// <summary>Feeds the handshake; returns true once it is complete and application packets may follow.</summary>
    private bool ReadHandshake(ref ReadOnlySequence<byte> buffer)
    {
        lock (_gate)
        {
            if (_handshake.State == V2HandshakeState.MaybeV1)
            {
                CheckForeignV1(buffer);
            }
            else if (_handshake.IsInitiator && !_remoteKeyStarted && !CheckV1Answer(buffer))
            {
                return false;
            }

            if (_firstReceived is null && _handshake.IsInitiator && buffer.Length >= sizeof(uint))
            {
                // Kept to explain a failure later: a remote that is not speaking v2 may have answered with something else.
                _firstReceived = new byte[(int)Math.Min(buffer.Length, ForeignStart.BytesToDescribe)];
                buffer.Slice(0, _firstReceived.Length).CopyTo(_firstReceived);
            }

            _handshake.Receive(ref buffer);
            switch (_handshake.State)
            {
                case V2HandshakeState.V1Detected:
                    if (!_acceptV1)
                    {
                        throw new ProtocolException(ProtocolError.TransportNotAccepted, "the remote speaks v1 and this node requires the v2 transport");
                    }

                    _v1 = new V1MessageTransport(_network);
                    _ready = true;
                    return false;
                case V2HandshakeState.Complete:
                    _sessionId = _handshake.SessionId.ToArray();
                    _complete = true;
                    _ready = true;
                    return true;
                default:
                    _ready = _handshake.CanSend;
                    return false;
            }
        }
    }

    /// <summary>
    /// For our own v2 attempt, before the remote's key is taken: a v1 message header of our network instead (a v1 node
    /// that speaks first, as bcoin does with its version, or that answers our key, as bcoin does with a reject) ends
    /// the attempt as a v1 remote: no random key starts with our magic and a well-formed command. Returns false while
    /// the first bytes could still be such a header (16 are needed to tell).
    /// </summary>
    private bool CheckV1Answer(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[V2Protocol.V1PrefixLength];
        int length = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, length).CopyTo(start);
        Span<byte> magic = stackalloc byte[sizeof(uint)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(magic, _network.Magic);
        int compared = Math.Min(length, sizeof(uint));
        if (!start.Slice(0, compared).SequenceEqual(magic.Slice(0, compared)))
        {
            _remoteKeyStarted = true;
            return true;
        }

        if (length < start.Length)
        {
            return false;
        }

        var command = MessageCommand.FromBytes(start.Slice(sizeof(uint)));
        if (!command.IsValid)
        {
            _remoteKeyStarted = true;
            return true;
        }

        RemoteSpokeV1 = true;
        throw new ProtocolException(ProtocolError.TransportNotAccepted, $"the remote sent a v1 '{command}' message instead of a v2 key: it speaks v1 only");
    }

    /// <summary>A v1 <c>version</c> header with another network's magic: say which network, as the v1 framing does.</summary>
    private void CheckForeignV1(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < V2Protocol.V1PrefixLength)
        {
            return;
        }

        Span<byte> start = stackalloc byte[V2Protocol.V1PrefixLength];
        buffer.Slice(0, start.Length).CopyTo(start);
        if (!ForeignStart.HasMagic(start, _network) && V1Prefix.IsVersionOfAnotherNetwork(start))
        {
            throw new ProtocolException(ProtocolError.BadMagic, ForeignStart.Describe(start, _network));
        }
    }
}
