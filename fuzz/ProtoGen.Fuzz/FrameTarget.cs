using System.Buffers;
using System.Buffers.Binary;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Fuzz;

/// <summary>
/// The v1 frame reader as the connection drives it: <see cref="V1MessageTransport.TryRead"/> (which checks the magic,
/// then calls <see cref="Frame.TryRead"/>) over bytes arriving in segments, each whole message's payload decoded from
/// the (possibly multi-segment) sequence. The first input byte is a control byte: bit 0 set recomputes the checksum of
/// every whole frame before reading (so that mutated payloads still reach the decoders); bits 1-3 pick the largest
/// segment (1, 2, 7, 24, 25, 100, 4096 bytes or unbounded) and all bits seed the segment sizes. The rest is the stream
/// a mainnet peer sends.
/// </summary>
/// <remarks>
/// Property: the stream is read twice, as one segment and in segments arriving one at a time, and both readings give
/// the same messages (command, status, payload, wire bytes, decoded value or error code) and end the same way
/// (waiting for more bytes with the same bytes left, or the same <see cref="ProtocolException"/> code). A read that
/// returns false consumes nothing, unless the transport holds what it took (a large payload filled as it arrives). Each message's wire bytes are the stream's next bytes; its status is
/// <see cref="TransportMessageStatus.Ok"/> exactly when its command is valid and its checksum matches; a decoded
/// payload re-encodes as <see cref="MessageTarget"/> requires, and a canonical message that fills its payload
/// re-frames to the same wire bytes. A stream left waiting holds less than a whole frame; a rejected stream has a
/// wrong magic or an oversized length where it stopped. Every read and decode allocates within
/// <see cref="Property.AllocationBound"/> of the bytes it was given.
/// </remarks>
public static class FrameTarget
{
    /// <summary>The network whose magic the stream must carry.</summary>
    public static BitcoinNetwork Network => BitcoinNetwork.Mainnet;

    /// <summary>Builds an input: the control byte then the frames of <paramref name="messages"/>.</summary>
    /// <param name="control">The control byte.</param>
    /// <param name="messages">The messages.</param>
    public static byte[] Input(byte control, params IMessage[] messages)
    {
        var stream = new List<byte> { control };
        foreach (var message in messages)
        {
            stream.AddRange(Frame.ToArray(Network.Magic, message));
        }

        return [.. stream];
    }

    /// <summary>Checks the property on one input.</summary>
    /// <param name="input">The input.</param>
    public static void Run(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        byte control = input.Span[0];
        var stream = input.Slice(1);
        if ((control & 1) != 0)
        {
            stream = WithChecksums(stream.Span);
        }

        var whole = Read(stream, [stream.Length], contiguous: true);
        var segmented = Read(stream, Segments.Sizes(control, stream.Length), contiguous: false);
        CheckAgainstStream(whole, stream.Span);
        Compare(whole, segmented);
    }

    /// <summary>The stream with every whole frame's checksum recomputed.</summary>
    /// <param name="stream">The stream.</param>
    public static byte[] WithChecksums(ReadOnlySpan<byte> stream)
    {
        var bytes = stream.ToArray();
        int offset = 0;
        while (bytes.Length - offset >= FrameHeader.Size)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 16));
            if (length > (uint)(bytes.Length - offset - FrameHeader.Size))
            {
                break;
            }

            uint checksum = DoubleSha256.Checksum(bytes.AsSpan(offset + FrameHeader.Size, (int)length));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + 20), checksum);
            offset += FrameHeader.Size + (int)length;
        }

        return bytes;
    }

    private static Trace Read(ReadOnlyMemory<byte> stream, List<int> sizes, bool contiguous)
    {
        var transport = new V1MessageTransport(Network);
        var trace = new Trace();
        Segments.Deliver(stream, sizes, (ref ReadOnlySequence<byte> buffer) =>
        {
            while (true)
            {
                var (read, message, error) = TryRead(transport, ref buffer);
                if (error is not null)
                {
                    trace.Error = error;
                    return false;
                }

                if (!read)
                {
                    return true;
                }

                trace.Messages.Add(Receive(message, contiguous));
            }
        });
        return trace.End(stream.Length);
    }

    private static (bool Read, TransportMessage Message, ProtocolException? Error) TryRead(V1MessageTransport transport, ref ReadOnlySequence<byte> buffer)
    {
        long bound = Property.AllocationBound((int)Math.Min(buffer.Length, int.MaxValue));
        for (int attempt = 0; ; attempt++)
        {
            var attemptBuffer = buffer;
            bool read = false;
            TransportMessage message = default;
            ProtocolException? error = null;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read = transport.TryRead(ref attemptBuffer, out message);
            }
            catch (ProtocolException e)
            {
                error = e;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > bound)
            {
                Property.Check(attempt == 0, $"v1 TryRead over {buffer.Length} bytes allocated {allocated} bytes, over the bound {bound}");
                continue;
            }

            if (error is null)
            {
                // A large payload being filled in place takes what has arrived of it (the transport then holds it).
                Property.Check(read || attemptBuffer.Length == buffer.Length || transport.HeldBytes > 0, "v1 TryRead returned false but consumed bytes it does not hold");
                long consumed = buffer.Length - attemptBuffer.Length;
                bool filled = message.OwnedPayload.Array is not null;
                Property.Check(!read || consumed == message.WireSize || (filled && consumed <= message.WireSize), $"v1 TryRead consumed {consumed} bytes for a message of {message.WireSize}");
                buffer = attemptBuffer;
            }

            return (read, message, error);
        }
    }

    private static Received Receive(TransportMessage message, bool contiguous)
    {
        // The final status: a large payload may come up with its checksum still being hashed (ChecksumPending).
        var status = message.Verify();
        var received = new Received(message.Command, status, message.Payload.ToArray(), message.WireSize, message.WireBytes.ToArray());
        if (status != TransportMessageStatus.Ok || BitcoinMessages.FindMessage(message.Command) is null)
        {
            return received;
        }

        // Decoded before the next read, while the payload is valid: the sequence as it arrived, or one contiguous copy.
        var payload = message.Payload;
        var copy = received.Payload;
        int consumed = 0;
        received.Decoded = Property.Decode($"{message.Command} payload", copy.Length, () =>
        {
            var reader = contiguous ? new WireReader(copy.AsSpan()) : new WireReader(in payload);
            var decoded = MessageCodecs.Decode(message.Command, ref reader);
            consumed = reader.Position;
            return decoded;
        });
        received.Consumed = consumed;
        return received;
    }

    private static void CheckAgainstStream(Trace trace, ReadOnlySpan<byte> stream)
    {
        int offset = 0;
        foreach (var message in trace.Messages)
        {
            string what = $"frame at {offset} ({message.Command})";
            Property.Check(message.WireSize == FrameHeader.Size + message.Payload.Length, $"{what}: wire size {message.WireSize} for a payload of {message.Payload.Length}");
            Property.BytesEqual(stream.Slice(offset, message.WireSize), message.Wire, $"{what}: wire bytes");
            Property.BytesEqual(message.Wire.AsSpan(FrameHeader.Size), message.Payload, $"{what}: payload");
            var header = message.Wire.AsSpan(0, FrameHeader.Size);
            Property.Check(MessageCommand.FromBytes(header.Slice(4)) == message.Command, $"{what}: the command differs from the header's");
            bool checksumMatches = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(20)) == DoubleSha256.Checksum(message.Payload);
            var expected = !message.Command.IsValid ? TransportMessageStatus.InvalidCommand
                : checksumMatches ? TransportMessageStatus.Ok : TransportMessageStatus.BadChecksum;
            Property.Check(message.Status == expected, $"{what}: status {message.Status}, expected {expected}");
            if (message.Decoded is { Accepted: true, Value: { } decoded })
            {
                MessageCodecs.CheckRoundTrip(decoded, message.Payload.AsSpan(0, message.Consumed), WireContext.Default);
                if (message.Consumed == message.Payload.Length && !MessageCodecs.NonCanonical.ContainsKey(message.Command))
                {
                    Property.BytesEqual(message.Wire, Frame.ToArray(Network.Magic, decoded), $"{what}: re-framing");
                }
            }

            offset += message.WireSize;
        }

        var rest = stream.Slice(offset);
        bool badMagic = rest.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(rest) != Network.Magic;
        bool tooLarge = !badMagic && rest.Length >= FrameHeader.Size && BinaryPrimitives.ReadUInt32LittleEndian(rest.Slice(16)) > ProtocolLimits.MaxMessagePayload;
        var expectedError = badMagic ? ProtocolError.BadMagic : tooLarge ? ProtocolError.PayloadTooLarge : ProtocolError.None;
        Property.Check((trace.Error?.Error ?? ProtocolError.None) == expectedError, $"the stream ended with {trace.Error?.Error.ToString() ?? "no error"}, expected {expectedError}");
        if (expectedError == ProtocolError.None && rest.Length >= FrameHeader.Size)
        {
            Property.Check(BinaryPrimitives.ReadUInt32LittleEndian(rest.Slice(16)) > rest.Length - FrameHeader.Size, "the reader waits for more bytes although a whole frame is there");
        }
    }

    private static void Compare(Trace whole, Trace segmented)
    {
        Property.Check(whole.Messages.Count == segmented.Messages.Count, $"{whole.Messages.Count} messages read as one segment, {segmented.Messages.Count} in segments");
        for (int i = 0; i < whole.Messages.Count; i++)
        {
            var a = whole.Messages[i];
            var b = segmented.Messages[i];
            string what = $"message {i} ({a.Command}) read as one segment and in segments";
            Property.Check(a.Command == b.Command && a.Status == b.Status && a.WireSize == b.WireSize, $"{what}: command, status or size differ");
            Property.BytesEqual(a.Wire, b.Wire, what);
            Property.Check(a.Decoded.HasValue == b.Decoded.HasValue, $"{what}: decoded once only");
            if (a.Decoded is { } da && b.Decoded is { } db)
            {
                Property.SameVerdict(da, db, what);
                Property.Check(!da.Accepted || (a.Consumed == b.Consumed && da.Value!.Equals(db.Value)), $"{what}: decoded values differ");
            }
        }

        Property.Check(whole.Error?.Error == segmented.Error?.Error, $"read as one segment the stream ended with {whole.Error?.Error.ToString() ?? "no error"}, in segments with {segmented.Error?.Error.ToString() ?? "no error"}");
        Property.Check(whole.Left == segmented.Left, $"read as one segment {whole.Left} bytes were left, in segments {segmented.Left}");
    }

    private sealed class Trace
    {
        public List<Received> Messages { get; } = [];

        public ProtocolException? Error { get; set; }

        /// <summary>The stream's bytes after its last whole message.</summary>
        public long Left { get; private set; }

        public Trace End(int streamLength)
        {
            Left = streamLength - Messages.Sum(message => (long)message.WireSize);
            return this;
        }
    }

    private sealed class Received(MessageCommand command, TransportMessageStatus status, byte[] payload, int wireSize, byte[] wire)
    {
        public MessageCommand Command { get; } = command;

        public TransportMessageStatus Status { get; } = status;

        public byte[] Payload { get; } = payload;

        public int WireSize { get; } = wireSize;

        public byte[] Wire { get; } = wire;

        public Decoded<IMessage>? Decoded { get; set; }

        public int Consumed { get; set; }
    }
}
