using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// Encrypts our direction's packets (the length cipher and the packet AEAD of one direction). The cheapest path
/// writes the contents straight into the output at <see cref="V2Packet.ContentsOffset"/> and seals them in place: the
/// message is encoded once and encrypted where it lies, with no copy.
/// </summary>
/// <remarks>Not thread-safe: one writer owns it. Packets must reach the wire in the order they were sealed.</remarks>
internal sealed class V2PacketEncoder : IDisposable
{
    private readonly FSChaCha20 _lengthCipher;
    private readonly FSChaCha20Poly1305 _packetCipher;

    /// <summary>Creates the encoder.</summary>
    /// <param name="lengthKey">The 32-byte key of our length cipher.</param>
    /// <param name="packetKey">The 32-byte key of our packet AEAD.</param>
    public V2PacketEncoder(ReadOnlySpan<byte> lengthKey, ReadOnlySpan<byte> packetKey)
    {
        _lengthCipher = new FSChaCha20(lengthKey);
        _packetCipher = new FSChaCha20Poly1305(packetKey);
    }

    /// <summary>Packets sealed so far.</summary>
    public long PacketCount { get; private set; }

    /// <summary>
    /// Seals a packet in place: <paramref name="packet"/> is exactly the packet (<see cref="V2Packet.SizeOf"/> of its
    /// contents) with the contents already at <see cref="V2Packet.ContentsOffset"/>; the length, header and tag are
    /// written around them and the header and contents encrypted where they are.
    /// </summary>
    /// <param name="packet">The whole packet.</param>
    /// <param name="decoy">Whether to set the ignore bit (the receiver verifies and drops the packet).</param>
    public void Seal(Span<byte> packet, bool decoy = false) => Seal(packet, default, decoy);

    /// <summary>Seals a packet in place with associated data (the garbage, for the first packet after it).</summary>
    /// <param name="packet">The whole packet, contents in place.</param>
    /// <param name="aad">The associated data.</param>
    /// <param name="decoy">Whether to set the ignore bit.</param>
    public void Seal(Span<byte> packet, ReadOnlySpan<byte> aad, bool decoy)
    {
        int contentsLength = packet.Length - V2Packet.Expansion;
        if (contentsLength < 0 || contentsLength > V2Packet.MaxEncodableContentsLength)
        {
            throw new ArgumentOutOfRangeException(nameof(packet), packet.Length, "a packet is 20 bytes plus 0 to 2^24-1 bytes of contents");
        }

        Span<byte> length = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)contentsLength);
        _lengthCipher.Crypt(length.Slice(0, V2Packet.LengthSize), packet);

        packet[V2Packet.LengthSize] = decoy ? V2Packet.IgnoreBit : (byte)0;
        var plaintext = packet.Slice(V2Packet.LengthSize, V2Packet.HeaderSize + contentsLength);
        _packetCipher.Encrypt(plaintext, aad, plaintext, packet.Slice(packet.Length - V2Packet.TagSize));
        PacketCount++;
    }

    /// <summary>Encrypts <paramref name="contents"/> as one packet into <paramref name="destination"/>.</summary>
    /// <param name="contents">The contents.</param>
    /// <param name="destination">At least <see cref="V2Packet.SizeOf"/> bytes.</param>
    /// <param name="decoy">Whether to set the ignore bit.</param>
    /// <returns>The packet's size.</returns>
    public int Encrypt(ReadOnlySpan<byte> contents, Span<byte> destination, bool decoy = false) => Encrypt(contents, default, destination, decoy);

    /// <summary>Encrypts <paramref name="contents"/> as one packet with associated data.</summary>
    /// <param name="contents">The contents.</param>
    /// <param name="aad">The associated data.</param>
    /// <param name="destination">At least <see cref="V2Packet.SizeOf"/> bytes.</param>
    /// <param name="decoy">Whether to set the ignore bit.</param>
    /// <returns>The packet's size.</returns>
    public int Encrypt(ReadOnlySpan<byte> contents, ReadOnlySpan<byte> aad, Span<byte> destination, bool decoy)
    {
        int size = V2Packet.SizeOf(contents.Length);
        var packet = destination.Slice(0, size);
        contents.CopyTo(packet.Slice(V2Packet.ContentsOffset));
        Seal(packet, aad, decoy);
        return size;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> as one packet onto <paramref name="output"/>: its message type (short id or
    /// long form), then the payload encoded once straight into the output, sealed in place.
    /// </summary>
    /// <param name="output">The destination.</param>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    /// <returns>The packet's size.</returns>
    /// <exception cref="ProtocolException">The message is larger than a peer accepts (<see cref="ProtocolError.EncodeLimitExceeded"/>).</exception>
    public int WriteMessage(IBufferWriter<byte> output, IMessage message, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        int payloadLength = message.GetEncodedSize(context);
        var packet = Reserve(output, message.Command, payloadLength, out int payloadOffset);
        WireSerializer.EncodeExactly(message, packet.Slice(payloadOffset, payloadLength), context);

        Seal(packet);
        output.Advance(packet.Length);
        return packet.Length;
    }

    /// <summary>Encodes an already encoded payload as one packet onto <paramref name="output"/>.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="command">The message's command.</param>
    /// <param name="payload">The payload.</param>
    /// <returns>The packet's size.</returns>
    /// <exception cref="ProtocolException">The message is larger than a peer accepts.</exception>
    public int WriteMessage(IBufferWriter<byte> output, MessageCommand command, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        var packet = Reserve(output, command, payload.Length, out int payloadOffset);
        payload.CopyTo(packet.Slice(payloadOffset));
        Seal(packet);
        output.Advance(packet.Length);
        return packet.Length;
    }

    /// <summary>Writes a decoy packet (zero contents; the receiver verifies and drops it) onto <paramref name="output"/>.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="contentsLength">Its contents length (it shapes traffic; the contents are never seen).</param>
    /// <returns>The packet's size.</returns>
    public int WriteDecoy(IBufferWriter<byte> output, int contentsLength)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(contentsLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(contentsLength, V2Packet.MaxContentsLength);
        int size = V2Packet.SizeOf(contentsLength);
        var packet = output.GetSpan(size).Slice(0, size);
        packet.Slice(V2Packet.ContentsOffset, contentsLength).Clear();
        Seal(packet, decoy: true);
        output.Advance(size);
        return size;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lengthCipher.Dispose();
        _packetCipher.Dispose();
    }

    private static Span<byte> Reserve(IBufferWriter<byte> output, MessageCommand command, int payloadLength, out int payloadOffset)
    {
        int typeSize = V2MessageType.SizeOf(command);
        if (payloadLength < 0 || payloadLength > V2Packet.MaxContentsLength - typeSize)
        {
            throw new ProtocolException(ProtocolError.EncodeLimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{command}: a payload of {payloadLength} bytes exceeds the v2 contents limit {V2Packet.MaxContentsLength}"));
        }

        int size = V2Packet.SizeOf(typeSize + payloadLength);
        var packet = output.GetSpan(size).Slice(0, size);
        V2MessageType.Write(command, packet.Slice(V2Packet.ContentsOffset));
        payloadOffset = V2Packet.ContentsOffset + typeSize;
        return packet;
    }
}
