using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Fuzz;

/// <summary>
/// The BIP324 packet reader as a v2 connection drives it once the handshake is done: <see cref="V2PacketDecoder.TryRead"/>
/// over bytes arriving in segments, with keys fixed by the harness (derived from constants), then the message type of
/// each packet's contents (<see cref="V2MessageType.TryRead"/>: a short id, or 0 and a 12-byte command) and the
/// message decoder it names. The first input byte is a control byte: bit 0 clear gives the rest to the decoder as it is
/// (the raw variant: the encrypted length, checked against the limit before anything is allocated, and the tag
/// check); bit 0 set reads the rest as plaintext packets and encrypts them with the same keys first, so that mutations
/// reach the contents: each packet is a header byte (bit 7: a decoy), a 2-byte little-endian contents length (cut to
/// the bytes left) and the contents. Bit 4 authenticates the first packet with associated data (as the garbage the
/// handshake leaves); bits 1-3 pick the segmentation (as in <see cref="FrameTarget"/>).
/// </summary>
/// <remarks>
/// Property: the stream is read twice, as one segment and in segments arriving one at a time, and both readings give
/// the same packets (decoy or not, contents, message type, decoded value or error code) and end the same way (waiting
/// with the same bytes left, or the same <see cref="ProtocolException"/> code); nothing but
/// <see cref="ProtocolException"/> escapes. A read that waits consumes nothing or only the 3 length bytes; a packet
/// consumes exactly its size. Every read allocates within <see cref="Property.AllocationBound"/> of the bytes it was
/// given (the length is read before the packet arrives and must not size a buffer). Sealed inputs: the packets read
/// are those encrypted, the stream ends with nothing left, and every contents that names a known message decodes with
/// the <see cref="MessageTarget"/> round trip; a message of the catalogue encodes back to contents the decoder reads
/// the same (short id where BIP324 gives one).
/// </remarks>
public static class V2PacketTarget
{
    /// <summary>Control bit 0: the rest is plaintext packets to encrypt first.</summary>
    public const byte Sealed = 0x01;

    /// <summary>Control bit 4: the first packet is authenticated with <see cref="Garbage"/> as associated data.</summary>
    public const byte WithGarbage = 0x10;

    /// <summary>Header bit 7 of a plaintext packet: a decoy.</summary>
    public const byte Decoy = 0x80;

    private static readonly byte[] LengthKey = SHA256.HashData(Encoding.ASCII.GetBytes("ProtoGen fuzz: v2 length key"));
    private static readonly byte[] PacketKey = SHA256.HashData(Encoding.ASCII.GetBytes("ProtoGen fuzz: v2 packet key"));

    /// <summary>The associated data of the first packet when <see cref="WithGarbage"/> is set.</summary>
    private static readonly byte[] Garbage = Encoding.ASCII.GetBytes("garbage before the first packet");

    /// <summary>Builds a sealed input: the control byte (with <see cref="Sealed"/>), then each packet's header, length and contents.</summary>
    /// <param name="control">The control byte.</param>
    /// <param name="packets">The packets: contents, and whether each is a decoy.</param>
    public static byte[] SealedInput(byte control, params (byte[] Contents, bool Decoy)[] packets)
    {
        var input = new List<byte> { (byte)(control | Sealed) };
        foreach (var (contents, decoy) in packets)
        {
            input.Add(decoy ? Decoy : (byte)0);
            input.Add((byte)contents.Length);
            input.Add((byte)(contents.Length >> 8));
            input.AddRange(contents);
        }

        return [.. input];
    }

    /// <summary>The contents of a packet carrying <paramref name="message"/>: its message type, then its payload.</summary>
    /// <param name="message">The message.</param>
    public static byte[] Contents(IMessage message)
    {
        var payload = MessageCodecs.Encode(message, WireContext.Default);
        var contents = new byte[V2MessageType.SizeOf(message.Command) + payload.Length];
        int size = V2MessageType.Write(message.Command, contents);
        payload.CopyTo(contents, size);
        return contents;
    }

    /// <summary>The raw input that a sealed input encrypts to (control bit 0 cleared).</summary>
    /// <param name="sealedInput">A sealed input.</param>
    public static byte[] RawInput(byte[] sealedInput)
    {
        var (stream, _) = Encrypt(sealedInput[0], sealedInput.AsMemory(1));
        return [(byte)(sealedInput[0] & ~Sealed), .. stream];
    }

    /// <summary>
    /// Seeds: every message of the catalogue in a packet of its own (short id or long form), with varied segmentation
    /// and associated data; a stream of several messages with decoys, an unknown short id, a command of no message, an
    /// empty packet and a long form cut short; 230 small packets (the ciphers rekey after 224); and the encrypted form
    /// of some of them as raw inputs, one with its last tag byte flipped.
    /// </summary>
    /// <param name="seeds">The repository's data.</param>
    public static IEnumerable<(string Name, byte[] Input)> SeedsFrom(Seeds seeds)
    {
        var messages = seeds.Messages();
        var raw = new List<(string, byte[])>();
        for (int i = 0; i < messages.Count; i++)
        {
            byte control = (byte)(((i % 8) << 1) | (i % 5 == 0 ? WithGarbage : 0));
            var input = SealedInput(control, (Contents(messages[i]), false));
            yield return ($"sealed-{messages[i].Command}", input);
            if (i % 6 == 0)
            {
                raw.Add(($"raw-{messages[i].Command}", RawInput(input)));
            }
        }

        IMessage Find(string command) => messages.First(message => message.Command.ToString() == command);
        byte[] longForm = [V2MessageType.LongFormMarker, .. Encoding.ASCII.GetBytes("hello"), 0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
        var stream = SealedInput(
            0x06,
            (Contents(Find("version")), false),
            (new byte[40], true),
            (Contents(Find("verack")), false),
            ([0xff, 1, 2, 3], false),
            (longForm, false),
            ([], false),
            ([V2MessageType.LongFormMarker, (byte)'p', (byte)'i'], false),
            (Contents(Find("ping")), false),
            ([], true));
        yield return ("sealed-stream", stream);
        raw.Add(("raw-stream", RawInput(stream)));
        yield return ("sealed-rekey", SealedInput(0x0e, [.. Enumerable.Range(0, 230).Select(i => (Contents(new PingMessage { Nonce = (ulong)i }), i % 7 == 3))]));

        foreach (var each in raw)
        {
            yield return each;
        }

        var tampered = RawInput(stream);
        tampered[^1] ^= 1;
        yield return ("raw-tampered-tag", tampered);
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
        ReadOnlyMemory<byte> stream = input.Slice(1);
        List<Plain>? plaintexts = null;
        if ((control & Sealed) != 0)
        {
            (stream, plaintexts) = Encrypt(control, stream);
        }

        var whole = Read(control, stream, [stream.Length]);
        var segmented = Read(control, stream, Segments.Sizes(control, stream.Length));
        Compare(whole, segmented);
        if (plaintexts is not null)
        {
            CheckAgainstPlaintexts(whole, plaintexts);
        }
    }

    private static (byte[] Stream, List<Plain> Packets) Encrypt(byte control, ReadOnlyMemory<byte> plaintext)
    {
        var packets = new List<Plain>();
        var span = plaintext.Span;
        for (int offset = 0; offset < span.Length;)
        {
            bool decoy = (span[offset] & Decoy) != 0;
            int length = span.Length - offset >= 3 ? BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(offset + 1)) : 0;
            offset = Math.Min(span.Length, offset + 3);
            length = Math.Min(length, span.Length - offset);
            packets.Add(new Plain(span.Slice(offset, length).ToArray(), decoy));
            offset += length;
        }

        using var encoder = new V2PacketEncoder(LengthKey, PacketKey);
        var stream = new byte[packets.Sum(packet => V2Packet.SizeOf(packet.Contents.Length))];
        int written = 0;
        for (int i = 0; i < packets.Count; i++)
        {
            var aad = i == 0 && (control & WithGarbage) != 0 ? Garbage : [];
            written += encoder.Encrypt(packets[i].Contents, aad, stream.AsSpan(written), packets[i].Decoy);
        }

        return (stream, packets);
    }

    private static Trace Read(byte control, ReadOnlyMemory<byte> stream, List<int> sizes)
    {
        using var decoder = new V2PacketDecoder(LengthKey, PacketKey);
        if ((control & WithGarbage) != 0)
        {
            decoder.SetAssociatedData(Garbage);
        }

        var trace = new Trace();
        Segments.Deliver(stream, sizes, (ref ReadOnlySequence<byte> buffer) =>
        {
            while (true)
            {
                var (status, contents, error) = TryRead(decoder, ref buffer);
                if (error is not null)
                {
                    trace.Error = error;
                    return false;
                }

                if (status == V2ReadStatus.Incomplete)
                {
                    return true;
                }

                trace.Packets.Add(Receive(status, contents));
            }
        });
        trace.Left = stream.Length - trace.Packets.Sum(packet => (long)V2Packet.SizeOf(packet.Contents.Length));
        return trace;
    }

    private static (V2ReadStatus Status, byte[] Contents, ProtocolException? Error) TryRead(V2PacketDecoder decoder, ref ReadOnlySequence<byte> buffer)
    {
        long bound = Property.AllocationBound((int)Math.Min(buffer.Length, int.MaxValue));
        bool hadLength = decoder.HasLength;
        var attempt = buffer;
        V2ReadStatus status = V2ReadStatus.Incomplete;
        ReadOnlyMemory<byte> contents = default;
        ProtocolException? error = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            status = decoder.TryRead(ref attempt, out contents);
        }
        catch (ProtocolException e)
        {
            error = e;
        }

        // Not retried like a decode: the decoder's ciphers have moved on. Its first run's type initialisation and JIT
        // work is far below the constant part of the bound.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Property.Check(allocated <= bound, $"v2 TryRead over {buffer.Length} bytes allocated {allocated} bytes, over the bound {bound}");
        if (error is not null)
        {
            return (status, [], error);
        }

        long consumed = buffer.Length - attempt.Length;
        if (status == V2ReadStatus.Incomplete)
        {
            Property.Check(consumed == 0 || (!hadLength && consumed == V2Packet.LengthSize && decoder.HasLength), $"v2 TryRead waited but consumed {consumed} bytes");
            Property.Check(contents.IsEmpty, "v2 TryRead waited but gave contents");
        }
        else
        {
            long expected = V2Packet.HeaderSize + (status == V2ReadStatus.Packet ? contents.Length : 0) + V2Packet.TagSize + (hadLength ? 0 : V2Packet.LengthSize);
            Property.Check(status == V2ReadStatus.Decoy || consumed == expected, $"v2 TryRead consumed {consumed} bytes for a packet of {contents.Length} bytes of contents");
            Property.Check(!decoder.HasLength, "v2 TryRead returned a packet but kept a length");
        }

        buffer = attempt;
        var copy = contents.ToArray();
        if (status == V2ReadStatus.Decoy)
        {
            // The decoy's contents are not given: its size is what it consumed less the packet's overhead.
            copy = new byte[consumed - V2Packet.HeaderSize - V2Packet.TagSize - (hadLength ? 0 : V2Packet.LengthSize)];
            copy.AsSpan().Fill(0xdd);
        }

        return (status, copy, null);
    }

    private static Received Receive(V2ReadStatus status, byte[] contents)
    {
        var received = new Received(status == V2ReadStatus.Decoy, contents);
        if (received.IsDecoy || !V2MessageType.TryRead(contents, out var command, out int size))
        {
            return received;
        }

        Property.Check(size is V2MessageType.ShortFormSize or V2MessageType.LongFormSize && size <= contents.Length, $"the message type took {size} of {contents.Length} bytes");
        received.Command = command;
        received.TypeSize = size;
        if (BitcoinMessages.FindMessage(command) is null)
        {
            return received;
        }

        var payload = contents.AsMemory(size);
        int consumed = 0;
        received.Decoded = Property.Decode($"v2 {command} payload", payload.Length, () =>
        {
            var reader = new WireReader(payload, WireContext.Default, retainSlices: true);
            var decoded = MessageCodecs.Decode(command, ref reader);
            consumed = reader.Position;
            return decoded;
        });
        if (received.Decoded is { Accepted: true, Value: { } message })
        {
            MessageCodecs.CheckRoundTrip(message, payload.Span.Slice(0, consumed), WireContext.Default);

            // Written back as a v2 message type, the command reads the same (short id where there is one).
            Span<byte> type = stackalloc byte[V2MessageType.LongFormSize];
            int written = V2MessageType.Write(command, type);
            Property.Check(V2MessageType.TryRead(type.Slice(0, written), out var again, out int againSize) && again == command && againSize == written, $"{command}: its written message type does not read back");
        }

        return received;
    }

    private static void Compare(Trace whole, Trace segmented)
    {
        Property.Check(whole.Packets.Count == segmented.Packets.Count, $"{whole.Packets.Count} packets read as one segment, {segmented.Packets.Count} in segments");
        for (int i = 0; i < whole.Packets.Count; i++)
        {
            var a = whole.Packets[i];
            var b = segmented.Packets[i];
            string what = $"packet {i} read as one segment and in segments";
            Property.Check(a.IsDecoy == b.IsDecoy && a.Command == b.Command && a.TypeSize == b.TypeSize, $"{what}: decoy flag or message type differ");
            Property.BytesEqual(a.Contents, b.Contents, what);
            Property.Check(a.Decoded.HasValue == b.Decoded.HasValue, $"{what}: decoded once only");
            if (a.Decoded is { } da && b.Decoded is { } db)
            {
                Property.SameVerdict(da, db, what);
                Property.Check(!da.Accepted || da.Value!.Equals(db.Value), $"{what}: decoded values differ");
            }
        }

        Property.Check(whole.Error?.Error == segmented.Error?.Error, $"read as one segment the stream ended with {whole.Error?.Error.ToString() ?? "no error"}, in segments with {segmented.Error?.Error.ToString() ?? "no error"}");
        Property.Check(whole.Left == segmented.Left, $"read as one segment {whole.Left} bytes were left, in segments {segmented.Left}");
        Property.Check(whole.Error is null or { Error: ProtocolError.DecryptionFailed or ProtocolError.PayloadTooLarge }, $"the stream ended with {whole.Error?.Error}, not a failed tag or an oversized length");
    }

    private static void CheckAgainstPlaintexts(Trace trace, List<Plain> plaintexts)
    {
        Property.Check(trace.Error is null, $"a stream the harness encrypted was rejected: {trace.Error?.Error}: {trace.Error?.Message}");
        Property.Check(trace.Packets.Count == plaintexts.Count, $"{plaintexts.Count} packets encrypted, {trace.Packets.Count} read");
        Property.Check(trace.Left == 0, $"{trace.Left} bytes left after the last packet");
        for (int i = 0; i < plaintexts.Count; i++)
        {
            Property.Check(trace.Packets[i].IsDecoy == plaintexts[i].Decoy, $"packet {i}: decoy {trace.Packets[i].IsDecoy}, encrypted as {plaintexts[i].Decoy}");
            Property.Check(trace.Packets[i].Contents.Length == plaintexts[i].Contents.Length, $"packet {i}: {trace.Packets[i].Contents.Length} bytes of contents read, {plaintexts[i].Contents.Length} encrypted");
            if (!plaintexts[i].Decoy)
            {
                Property.BytesEqual(plaintexts[i].Contents, trace.Packets[i].Contents, $"packet {i}: contents");
            }
        }
    }

    private sealed record Plain(byte[] Contents, bool Decoy);

    private sealed class Trace
    {
        public List<Received> Packets { get; } = [];

        public ProtocolException? Error { get; set; }

        /// <summary>The stream's bytes after its last whole packet.</summary>
        public long Left { get; set; }
    }

    private sealed class Received(bool isDecoy, byte[] contents)
    {
        public bool IsDecoy { get; } = isDecoy;

        public byte[] Contents { get; } = contents;

        public MessageCommand Command { get; set; }

        public int TypeSize { get; set; }

        public Decoded<IMessage>? Decoded { get; set; }
    }
}
