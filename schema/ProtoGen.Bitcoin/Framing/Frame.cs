using System;
using System.Buffers;
using System.Globalization;

namespace ProtoGen.Bitcoin.Framing;

/// <summary>Encodes and decodes whole v1 frames (header plus payload).</summary>
public static class Frame
{
    /// <summary>
    /// Encodes <paramref name="message"/> as one frame into <paramref name="output"/>: the payload is encoded once,
    /// straight after space for the header, its checksum computed over those bytes, and the header written in front.
    /// The header's length always equals the bytes actually written.
    /// </summary>
    /// <param name="output">The destination.</param>
    /// <param name="magic">The network magic.</param>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    /// <returns>The frame's total size in bytes.</returns>
    public static int Write(IBufferWriter<byte> output, uint magic, IMessage message, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        int payloadLength = message.GetEncodedSize(context);
        int total = FrameHeader.Size + payloadLength;
        var span = output.GetSpan(total).Slice(0, total);
        Write(span, magic, message, context, payloadLength);
        output.Advance(total);
        return total;
    }

    /// <summary>Encodes <paramref name="message"/> as one frame into a new array.</summary>
    /// <param name="magic">The network magic.</param>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    public static byte[] ToArray(uint magic, IMessage message, WireContext context = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        int payloadLength = message.GetEncodedSize(context);
        var bytes = new byte[FrameHeader.Size + payloadLength];
        Write(bytes, magic, message, context, payloadLength);
        return bytes;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="destination"/>, which must be exactly
    /// 24 + <paramref name="payloadLength"/> bytes, where <paramref name="payloadLength"/> came from
    /// <see cref="IMessage.GetEncodedSize"/> in the same context.
    /// </summary>
    /// <param name="destination">The frame's bytes.</param>
    /// <param name="magic">The network magic.</param>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    /// <param name="payloadLength">The payload length measured beforehand.</param>
    public static void Write(Span<byte> destination, uint magic, IMessage message, WireContext context, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (destination.Length != FrameHeader.Size + payloadLength)
        {
            throw new ArgumentException("the destination must be exactly one frame long", nameof(destination));
        }

        if (message is EncodedMessage encoded)
        {
            // Encoded and checksummed once for every frame that sends it in this context: copy, reuse the checksum.
            var encodedPayload = encoded.GetPayload(context).Span;
            if (encodedPayload.Length != payloadLength)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{encoded.Command}: {encodedPayload.Length} bytes encoded in this context but {payloadLength} measured"));
            }

            encodedPayload.CopyTo(destination.Slice(FrameHeader.Size));
            new FrameHeader(magic, encoded.Command, payloadLength, encoded.GetChecksum(context)).WriteTo(destination);
            return;
        }

        var payload = destination.Slice(FrameHeader.Size);
        WireSerializer.EncodeExactly(message, payload, context);

        new FrameHeader(magic, message.Command, payloadLength, DoubleSha256.Checksum(payload)).WriteTo(destination);
    }

    /// <summary>
    /// Tries to take one whole frame from the front of <paramref name="buffer"/>. Returns
    /// <see cref="FrameStatus.Incomplete"/> (consuming nothing) when more bytes are needed. A frame with a bad checksum
    /// or a malformed command is consumed and reported, so that the caller can drop it and keep the connection as
    /// Bitcoin Core does. A wrong magic or an oversized length throws <see cref="ProtocolException"/>: the stream
    /// cannot be trusted after that.
    /// </summary>
    /// <param name="buffer">Received bytes; advanced past the frame unless the result is <see cref="FrameStatus.Incomplete"/>.</param>
    /// <param name="expectedMagic">The network magic.</param>
    /// <param name="header">The frame's header.</param>
    /// <param name="payload">The frame's payload (a slice of the original <paramref name="buffer"/>).</param>
    /// <param name="maxPayloadLength">The largest payload accepted.</param>
    public static FrameStatus TryRead(ref ReadOnlySequence<byte> buffer, uint expectedMagic, out FrameHeader header, out ReadOnlySequence<byte> payload, int maxPayloadLength = ProtocolLimits.MaxMessagePayload)
    {
        payload = default;
        header = default;
        if (buffer.Length < FrameHeader.Size)
        {
            return FrameStatus.Incomplete;
        }

        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(headerBytes);
        header = FrameHeader.Parse(headerBytes, expectedMagic, maxPayloadLength);
        if (buffer.Length - FrameHeader.Size < header.PayloadLength)
        {
            return FrameStatus.Incomplete;
        }

        payload = buffer.Slice(FrameHeader.Size, header.PayloadLength);
        buffer = buffer.Slice(FrameHeader.Size + header.PayloadLength);
        if (!header.Command.IsValid)
        {
            return FrameStatus.InvalidCommand;
        }

        return Checksum(payload) == header.Checksum ? FrameStatus.Ok : FrameStatus.BadChecksum;
    }

    /// <summary>The frame checksum of a (possibly multi-segment) payload, hashed in place.</summary>
    /// <param name="payload">The payload.</param>
    public static uint Checksum(in ReadOnlySequence<byte> payload) => DoubleSha256.Checksum(payload);
}

/// <summary>The outcome of <see cref="Frame.TryRead"/>.</summary>
public enum FrameStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole, valid frame was taken.</summary>
    Ok,

    /// <summary>A whole frame was taken, but its checksum does not match its payload.</summary>
    BadChecksum,

    /// <summary>A whole frame was taken, but its command is not printable ASCII padded with NUL bytes.</summary>
    InvalidCommand,
}
