using System;
using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// The BIP324 handshake of one connection as an I/O-free state machine, for either role. The caller moves bytes:
/// it writes <see cref="PendingSend"/> to the remote (and reports it with <see cref="MarkSent"/>), and gives every
/// received byte to <see cref="Receive(ReadOnlySpan{byte})"/>, which consumes what the handshake needs and leaves the
/// rest (application packets after the version packet, or a v1 header) to the caller.
/// </summary>
/// <remarks>
/// <para>Sent: our 64-byte key and 0-4095 bytes of random garbage (an initiator at once; a responder once a received
/// byte rules out v1), then, as soon as the remote's key is in, our garbage terminator and our version packet (empty
/// contents, our garbage as associated data). <see cref="Encoder"/> is usable from then on; its packets must follow
/// <see cref="PendingSend"/> on the wire.</para>
/// <para>Received: the remote's key, its garbage up to the first terminator (at most 4095 bytes before it, else
/// <see cref="ProtocolError.MissingGarbageTerminator"/>), decoys (at most <see cref="V2Protocol.MaxDecoysBeforeVersion"/>),
/// then its version packet, whose contents are ignored. Buffered here: the key (64 bytes) and the garbage (4111 bytes
/// at most); a packet stays with the caller until all its bytes are there, and its length is checked first.</para>
/// <para>Owns the ciphers: dispose it when the connection ends. Not thread-safe.</para>
/// <para>Over 400 lines on purpose: the state machine's states share the buffers they hand to each other (key, garbage,
/// send buffer) and release them at fixed points; split by state, those hand-offs would cross type boundaries. The
/// primitives it drives (key exchange, packets, garbage search, v1 detection) are already types of their own.</para>
/// </remarks>
internal sealed class V2Handshake : IDisposable
{
    private const int MaxGarbageScan = V2Protocol.MaxGarbageLength + V2Protocol.GarbageTerminatorSize;

    private readonly uint _magic;
    private V2KeyPair? _key;
    private byte[]? _send;
    private byte[]? _theirKey;
    private byte[]? _ourGarbage;
    private int _sendStart;
    private int _sendEnd;
    private int _theirKeyLength;
    private byte[]? _garbage;
    private int _garbageLength;
    private byte[]? _receiveTerminator;
    private byte[]? _sessionId;
    private V2PacketEncoder? _encoder;
    private V2PacketDecoder? _decoder;
    private int _decoys;

    private V2Handshake(bool initiator, uint magic, V2KeyPair key, ReadOnlySpan<byte> garbage)
    {
        if (garbage.Length > V2Protocol.MaxGarbageLength)
        {
            throw new ArgumentOutOfRangeException(nameof(garbage), garbage.Length, "BIP324 garbage is at most 4095 bytes");
        }

        IsInitiator = initiator;
        _magic = magic;
        _key = key;
        _ourGarbage = garbage.ToArray();
        State = initiator ? V2HandshakeState.AwaitingKey : V2HandshakeState.MaybeV1;
        if (initiator)
        {
            QueueKeyAndGarbage();
        }
    }

    /// <summary>Whether we opened the connection.</summary>
    public bool IsInitiator { get; }

    /// <summary>Where the handshake is.</summary>
    public V2HandshakeState State { get; private set; }

    /// <summary>Whether the remote's version packet has been verified.</summary>
    public bool IsComplete => State == V2HandshakeState.Complete;

    /// <summary>Whether the keys are derived, so that <see cref="Encoder"/> may seal packets.</summary>
    public bool CanSend => _encoder is not null;

    /// <summary>Bytes to write to the remote now (then call <see cref="MarkSent"/>).</summary>
    public ReadOnlyMemory<byte> PendingSend => _send is null ? default : _send.AsMemory(_sendStart, _sendEnd - _sendStart);

    /// <summary>
    /// The fewest received bytes that let <see cref="Receive(ReadOnlySpan{byte})"/> make progress from here (0 when
    /// complete or v1): up to 16 to rule out v1, the rest of the key, one garbage byte, a packet length (3), or the
    /// whole current packet.
    /// </summary>
    public int BytesNeeded => State switch
    {
        V2HandshakeState.MaybeV1 => V2Protocol.V1PrefixLength,
        V2HandshakeState.AwaitingKey => V2Protocol.EllSwiftKeySize - _theirKeyLength,
        V2HandshakeState.AwaitingGarbageTerminator => 1,
        V2HandshakeState.AwaitingVersion => _decoder!.BytesNeeded,
        _ => 0,
    };

    /// <summary>The session id once the handshake is complete (empty before): equal on both ends of an uninterrupted connection.</summary>
    public ReadOnlySpan<byte> SessionId => IsComplete ? _sessionId : default;

    /// <summary>
    /// Bytes held in the handshake's own buffers (what is to be sent, our garbage, the remote's key and garbage): none
    /// once the handshake is complete and everything of it is written, and none once v1 is detected.
    /// </summary>
    internal int HeldBytes => (_send?.Length ?? 0) + (_ourGarbage?.Length ?? 0) + (_theirKey?.Length ?? 0) + (_garbage?.Length ?? 0) + (_receiveTerminator?.Length ?? 0);

    /// <summary>Seals our packets; usable once <see cref="CanSend"/>.</summary>
    public V2PacketEncoder Encoder => _encoder ?? throw new InvalidOperationException("the v2 keys are not derived yet");

    /// <summary>Opens the remote's application packets; usable once <see cref="IsComplete"/>.</summary>
    public V2PacketDecoder Decoder => IsComplete ? _decoder! : throw new InvalidOperationException("the v2 handshake is not complete");

    /// <summary>Starts the handshake of a connection we opened, with a fresh key and random garbage.</summary>
    /// <param name="magic">The network magic, as the little-endian integer of its four wire bytes.</param>
    public static V2Handshake CreateInitiator(uint magic) => Create(initiator: true, magic, V2KeyPair.Generate(), RandomGarbage());

    /// <summary>Starts the handshake of a connection we accepted, with a fresh key and random garbage.</summary>
    /// <param name="magic">The network magic, as the little-endian integer of its four wire bytes.</param>
    public static V2Handshake CreateResponder(uint magic) => Create(initiator: false, magic, V2KeyPair.Generate(), RandomGarbage());

    /// <summary>Starts a handshake with a given key and garbage (test vectors, tests). Takes ownership of <paramref name="key"/>.</summary>
    /// <param name="initiator">Whether we opened the connection.</param>
    /// <param name="magic">The network magic.</param>
    /// <param name="key">Our key pair.</param>
    /// <param name="garbage">Our garbage, 0-4095 bytes.</param>
    internal static V2Handshake Create(bool initiator, uint magic, V2KeyPair key, ReadOnlySpan<byte> garbage)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new V2Handshake(initiator, magic, key, garbage);
    }

    /// <summary>Reports that the first <paramref name="count"/> bytes of <see cref="PendingSend"/> were written.</summary>
    /// <param name="count">The bytes written.</param>
    public void MarkSent(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _sendEnd - _sendStart);
        _sendStart += count;
        if (_sendStart == _sendEnd && CanSend)
        {
            // Everything the handshake sends is out (the keys are derived, so nothing more is queued): an idle
            // connection keeps no copy of our key, garbage and version packet.
            _send = null;
            (_sendStart, _sendEnd) = (0, 0);
        }
    }

    /// <summary>
    /// Takes received bytes. Returns how many were consumed: bytes after the version packet, a packet not yet
    /// complete (after its 3 length bytes), and bytes while v1 is still possible are left to the caller, who presents
    /// them again with more. May queue bytes to send (<see cref="PendingSend"/>).
    /// </summary>
    /// <param name="input">The unconsumed bytes received so far.</param>
    /// <returns>The bytes consumed from the front of <paramref name="input"/>.</returns>
    /// <exception cref="ProtocolException">The remote broke the protocol; the connection must end.</exception>
    public int Receive(ReadOnlySpan<byte> input)
    {
        int consumed = 0;
        while (true)
        {
            var rest = input.Slice(consumed);
            switch (State)
            {
                case V2HandshakeState.MaybeV1:
                    var match = V1Prefix.Check(rest, _magic);
                    if (match != V1PrefixMatch.NotV1)
                    {
                        if (match == V1PrefixMatch.V1)
                        {
                            // Served as v1 from now on: the key and the garbage we would have sent are not needed.
                            State = V2HandshakeState.V1Detected;
                            _ourGarbage = null;
                            ReleaseKey();
                        }

                        return consumed;
                    }

                    State = V2HandshakeState.AwaitingKey;
                    QueueKeyAndGarbage();
                    break;
                case V2HandshakeState.AwaitingKey:
                    if (rest.IsEmpty)
                    {
                        return consumed;
                    }

                    consumed += ReceiveKey(rest);
                    break;
                case V2HandshakeState.AwaitingGarbageTerminator:
                    if (rest.IsEmpty)
                    {
                        return consumed;
                    }

                    consumed += ScanGarbage(rest);
                    break;
                case V2HandshakeState.AwaitingVersion:
                    int step = ReceivePacket(rest);
                    if (step == 0)
                    {
                        return consumed;
                    }

                    consumed += step;
                    break;
                default:
                    return consumed;
            }
        }
    }

    /// <summary>
    /// <see cref="Receive(ReadOnlySpan{byte})"/> over a possibly multi-segment buffer, advanced past what was
    /// consumed. A packet split over segments is gathered into a pooled buffer once all its bytes are there.
    /// </summary>
    /// <param name="buffer">The unconsumed bytes received so far.</param>
    /// <exception cref="ProtocolException">The remote broke the protocol.</exception>
    public void Receive(ref ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int needed = BytesNeeded;
            if (needed == 0)
            {
                return;
            }

            var first = buffer.FirstSpan;
            int consumed;
            if (first.Length >= needed || first.Length == buffer.Length)
            {
                consumed = Receive(first);
            }
            else
            {
                int take = (int)Math.Min(needed, buffer.Length);
                if (take < needed && State == V2HandshakeState.AwaitingVersion)
                {
                    return;
                }

                var gathered = ArrayPool<byte>.Shared.Rent(take);
                try
                {
                    buffer.Slice(0, take).CopyTo(gathered);
                    consumed = Receive(gathered.AsSpan(0, take));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(gathered);
                }
            }

            if (consumed == 0)
            {
                return;
            }

            buffer = buffer.Slice(consumed);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ReleaseKey();
        _encoder?.Dispose();
        _decoder?.Dispose();
        ReleaseGarbage();
    }

    private static byte[] RandomGarbage()
    {
        var garbage = new byte[RandomNumberGenerator.GetInt32(V2Protocol.MaxGarbageLength + 1)];
        RandomNumberGenerator.Fill(garbage);
        return garbage;
    }

    private void Queue(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_send!.AsSpan(_sendEnd));
        _sendEnd += bytes.Length;
    }

    private void QueueKeyAndGarbage()
    {
        // Allocated only once v2 is certain (at once for an initiator; for a responder once a byte rules out v1).
        _send = new byte[V2Protocol.EllSwiftKeySize + _ourGarbage!.Length + V2Protocol.GarbageTerminatorSize + V2Packet.SizeOf(V2Protocol.VersionContentsLength)];
        Queue(_key!.Encoding);
        Queue(_ourGarbage);
    }

    private int ReceiveKey(ReadOnlySpan<byte> rest)
    {
        int take = Math.Min(V2Protocol.EllSwiftKeySize - _theirKeyLength, rest.Length);
        _theirKey ??= new byte[V2Protocol.EllSwiftKeySize];
        rest.Slice(0, take).CopyTo(_theirKey.AsSpan(_theirKeyLength));
        _theirKeyLength += take;
        if (!IsInitiator && V1Prefix.IsVersionOfAnotherNetwork(_theirKey.AsSpan(0, _theirKeyLength)))
        {
            throw new ProtocolException(ProtocolError.BadMagic, string.Create(CultureInfo.InvariantCulture, $"a v1 version message with the wrong network magic {Convert.ToHexStringLower(_theirKey.AsSpan(0, 4))}"));
        }

        if (_theirKeyLength == V2Protocol.EllSwiftKeySize)
        {
            DeriveKeys();
        }

        return take;
    }

    private void DeriveKeys()
    {
        Span<byte> secret = stackalloc byte[V2Protocol.SecretSize];
        try
        {
            V2KeyExchange.ComputeSharedSecret(_key!, _theirKey!, IsInitiator, secret);
            using var keys = V2KeyExchange.DeriveKeys(secret, _magic, IsInitiator);
            _encoder = keys.CreateEncoder();
            _decoder = keys.CreateDecoder();
            _sessionId = keys.SessionId;
            _receiveTerminator = keys.ReceiveGarbageTerminator.AsSpan().ToArray();
            Queue(keys.SendGarbageTerminator);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            ReleaseKey();
            _theirKey = null;
        }

        // Our version packet, authenticating the garbage we sent.
        int size = _encoder.Encrypt(ReadOnlySpan<byte>.Empty, _ourGarbage, _send!.AsSpan(_sendEnd), decoy: false);
        _sendEnd += size;
        _ourGarbage = null;
        _garbage = ArrayPool<byte>.Shared.Rent(MaxGarbageScan);
        State = V2HandshakeState.AwaitingGarbageTerminator;
    }

    private int ScanGarbage(ReadOnlySpan<byte> rest)
    {
        int before = _garbageLength;
        int take = Math.Min(MaxGarbageScan - before, rest.Length);
        rest.Slice(0, take).CopyTo(_garbage.AsSpan(before));
        _garbageLength += take;

        // Earlier bytes held no terminator, so only one that ends in the new bytes can be the first.
        int from = Math.Max(0, before - (V2Protocol.GarbageTerminatorSize - 1));
        int found = _garbage.AsSpan(from, _garbageLength - from).IndexOf(_receiveTerminator);
        if (found >= 0)
        {
            int garbageLength = from + found;
            _decoder!.SetAssociatedData(_garbage.AsMemory(0, garbageLength));
            State = V2HandshakeState.AwaitingVersion;
            return garbageLength + V2Protocol.GarbageTerminatorSize - before;
        }

        if (_garbageLength == MaxGarbageScan)
        {
            throw new ProtocolException(ProtocolError.MissingGarbageTerminator, string.Create(CultureInfo.InvariantCulture, $"no v2 garbage terminator in the {MaxGarbageScan} bytes after the key"));
        }

        return take;
    }

    private int ReceivePacket(ReadOnlySpan<byte> rest)
    {
        var decoder = _decoder!;
        if (!decoder.HasLength)
        {
            if (rest.Length < V2Packet.LengthSize)
            {
                return 0;
            }

            decoder.DecryptLength(rest);
            return V2Packet.LengthSize;
        }

        int needed = decoder.BytesNeeded;
        if (rest.Length < needed)
        {
            return 0;
        }

        // The contents are ignored (decoys, and the version packet until a future version gives it a meaning).
        var plaintext = ArrayPool<byte>.Shared.Rent(needed);
        bool decoy;
        try
        {
            decoy = decoder.Decrypt(rest.Slice(0, needed), plaintext);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }

        if (!decoy)
        {
            State = V2HandshakeState.Complete;
            ReleaseGarbage();
        }
        else if (++_decoys > V2Protocol.MaxDecoysBeforeVersion)
        {
            throw new ProtocolException(ProtocolError.TooManyDecoys, string.Create(CultureInfo.InvariantCulture, $"more than {V2Protocol.MaxDecoysBeforeVersion} v2 decoy packets before the version packet"));
        }

        return needed;
    }

    /// <summary>Wipes our private key and lets the key pair go (it is not needed once the keys are derived, or under v1).</summary>
    private void ReleaseKey()
    {
        _key?.Dispose();
        _key = null;
    }

    private void ReleaseGarbage()
    {
        if (_garbage is not null)
        {
            ArrayPool<byte>.Shared.Return(_garbage);
            _garbage = null;
        }

        if (_receiveTerminator is not null)
        {
            CryptographicOperations.ZeroMemory(_receiveTerminator);
            _receiveTerminator = null;
        }
    }
}
