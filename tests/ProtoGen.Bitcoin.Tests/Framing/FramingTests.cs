using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ProtoGen.Bitcoin.Framing;

using static ProtoGen.Bitcoin.Tests.Framing.FramingTestSupport;

namespace ProtoGen.Bitcoin.Tests.Framing;

public class FrameHeaderTests
{
    private const uint Mainnet = 0xD9B4BEF9; // wire bytes f9 be b4 d9
    private const uint Testnet = 0x0709110B;

    [Fact]
    public void RoundTripsThroughItsTwentyFourBytes()
    {
        var header = new FrameHeader(Mainnet, MessageCommand.Parse("inv"), 37, 0xDEADBEEF);
        var bytes = new byte[FrameHeader.Size];
        header.WriteTo(bytes);
        Assert.Equal(Hex("F9BEB4D9 696E7600000000000000000025000000 EFBEADDE"), bytes);
        Assert.Equal(header, FrameHeader.Parse(bytes, Mainnet));
    }

    [Fact]
    public void RejectsTheWrongMagic()
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(Testnet, MessageCommand.Parse("ping"), 8, 0).WriteTo(bytes);
        var error = Assert.Throws<ProtocolException>(() => FrameHeader.Parse(bytes, Mainnet));
        Assert.Equal(ProtocolError.BadMagic, error.Error);
    }

    [Fact]
    public void RejectsLengthsOverTheLimit()
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(Mainnet, MessageCommand.Parse("block"), ProtocolLimits.MaxMessagePayload, 0).WriteTo(bytes);
        Assert.Equal(ProtocolLimits.MaxMessagePayload, FrameHeader.Parse(bytes, Mainnet).PayloadLength);

        foreach (uint length in new uint[] { ProtocolLimits.MaxMessagePayload + 1, int.MaxValue, 0x80000000, uint.MaxValue })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), length);
            var error = Assert.Throws<ProtocolException>(() => FrameHeader.Parse(bytes, Mainnet));
            Assert.Equal(ProtocolError.PayloadTooLarge, error.Error);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 101);
        Assert.Equal(101, FrameHeader.Parse(bytes, Mainnet, maxPayloadLength: 101).PayloadLength);
        Assert.Equal(ProtocolError.PayloadTooLarge, Assert.Throws<ProtocolException>(() => FrameHeader.Parse(bytes, Mainnet, maxPayloadLength: 100)).Error);
    }

    [Fact]
    public void ShortInputIsTruncated()
    {
        var error = Assert.Throws<ProtocolException>(() => FrameHeader.Parse(new byte[23], Mainnet));
        Assert.Equal(ProtocolError.Truncated, error.Error);
    }

    [Fact]
    public void ParseDoesNotValidateTheCommand()
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(Mainnet, MessageCommand.FromBytes(Hex("01020304050607080910111213")), 0, 0).WriteTo(bytes);
        var header = FrameHeader.Parse(bytes, Mainnet);
        Assert.False(header.Command.IsValid);
    }
}

public class FrameTests
{
    private const uint Mainnet = 0xD9B4BEF9;

    private static byte[] TestFrame(uint a = 7, string payloadHex = "AABBCC") =>
        Frame.ToArray(Mainnet, new TestMessage { A = a, B = WireBytes.FromHex(payloadHex) });

    [Fact]
    public void VerackFrameMatchesTheKnownBytes()
    {
        var frame = Frame.ToArray(Mainnet, new RawMessage("verack", []));
        Assert.Equal(Hex("F9BEB4D9 76657261636B000000000000 00000000 5DF6E0E2"), frame);
    }

    [Fact]
    public void WriteAndToArrayProduceTheSameConsistentFrame()
    {
        var message = new TestMessage { A = 0x01020304, B = WireBytes.FromHex("00112233445566778899") };
        var array = Frame.ToArray(Mainnet, message);

        var output = new ArrayBufferWriter<byte>();
        int total = Frame.Write(output, Mainnet, message, default);
        Assert.Equal(array.Length, total);
        Assert.Equal(array, output.WrittenSpan.ToArray());

        var header = FrameHeader.Parse(array, Mainnet);
        int payloadLength = array.Length - FrameHeader.Size;
        Assert.Equal(payloadLength, header.PayloadLength);
        Assert.Equal(((IMessage)message).GetEncodedSize(default), payloadLength);
        Assert.Equal(TestMessage.Command, header.Command);
        var payload = array.AsSpan(FrameHeader.Size);
        Assert.Equal(DoubleSha256.Checksum(payload), header.Checksum);
        Assert.Equal(Hex("04030201 0A 00112233445566778899"), payload.ToArray());
        Assert.Equal(message, WireSerializer.Decode<TestMessage>(payload));
    }

    [Fact]
    public void WriteAppendsAfterExistingOutputAndOntoAStingyWriter()
    {
        var message = new TestMessage { A = 9, B = WireBytes.FromHex("0102") };
        var expected = Frame.ToArray(Mainnet, message);

        var output = new ArrayBufferWriter<byte>();
        output.Write(Hex("EEEE"));
        Frame.Write(output, Mainnet, message, default);
        Frame.Write(output, Mainnet, message, default);
        Assert.Equal([.. Hex("EEEE"), .. expected, .. expected], output.WrittenSpan.ToArray());

        var stingy = new StingyBufferWriter(maxExtra: 0);
        Frame.Write(stingy, Mainnet, message, default);
        Assert.Equal(expected, stingy.WrittenBytes);
    }

    [Fact]
    public void FramingAMessageThatBreaksAFieldLimitFailsBeforeWriting()
    {
        var output = new ArrayBufferWriter<byte>();
        var tooLong = new TestMessage { B = new byte[101] };
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => Frame.ToArray(1, tooLong)).Error);
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => Frame.Write(output, 1, tooLong, default)).Error);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void WriteIntoASpanRequiresTheExactFrameLength()
    {
        var message = new TestMessage { A = 1 };
        int payloadLength = ((IMessage)message).GetEncodedSize(default);
        Assert.Throws<ArgumentException>(() => Frame.Write(new byte[FrameHeader.Size + payloadLength + 1], Mainnet, message, default, payloadLength));
        Assert.Throws<ArgumentException>(() => Frame.Write(new byte[FrameHeader.Size + payloadLength - 1], Mainnet, message, default, payloadLength));

        var exact = new byte[FrameHeader.Size + payloadLength];
        Frame.Write(exact, Mainnet, message, default, payloadLength);
        Assert.Equal(Frame.ToArray(Mainnet, message), exact);
    }

    [Fact]
    public void MessageThatMeasuresMoreThanItWritesIsNeverFramed()
    {
        var liar = new RawMessage("liar", Hex("010203"), sizeError: +1);
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<InvalidOperationException>(() => Frame.Write(output, Mainnet, liar, default));
        Assert.Equal(0, output.WrittenCount);
        Assert.Throws<InvalidOperationException>(() => Frame.ToArray(Mainnet, liar));
    }

    [Fact]
    public void MessageThatWritesMoreThanItMeasuresIsNeverFramed()
    {
        var liar = new RawMessage("liar", Hex("010203"), sizeError: -1);
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<InvalidOperationException>(() => Frame.Write(output, Mainnet, liar, default));
        Assert.Equal(0, output.WrittenCount);
        Assert.Throws<InvalidOperationException>(() => Frame.ToArray(Mainnet, liar));
    }

    [Fact]
    public void TryReadTakesOneWholeFrame()
    {
        var frame = TestFrame();
        var buffer = new ReadOnlySequence<byte>([.. frame, 0x55]);
        Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out var header, out var payload));
        Assert.Equal(TestMessage.Command, header.Command);
        Assert.Equal(frame.Length - FrameHeader.Size, header.PayloadLength);
        Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), payload.ToArray());
        Assert.Equal(1, buffer.Length);
        Assert.Equal(0x55, buffer.FirstSpan[0]);
    }

    [Fact]
    public void TryReadTakesConsecutiveFrames()
    {
        var first = TestFrame(1, "01");
        var second = TestFrame(2, "0202");
        var empty = Frame.ToArray(Mainnet, new RawMessage("verack", []));
        var buffer = new ReadOnlySequence<byte>([.. first, .. empty, .. second]);

        Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out _, out var payload));
        Assert.Equal(1u, WireSerializer.Decode<TestMessage>(payload.ToArray()).A);
        Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out var header, out payload));
        Assert.Equal("verack", header.Command.ToString());
        Assert.Equal(0, payload.Length);
        Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out _, out payload));
        Assert.Equal(2u, WireSerializer.Decode<TestMessage>(payload.ToArray()).A);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(FrameStatus.Incomplete, Frame.TryRead(ref buffer, Mainnet, out _, out _));
    }

    [Fact]
    public void IncompleteInputConsumesNothing()
    {
        var frame = TestFrame();
        for (int length = 0; length < frame.Length; length++)
        {
            var original = new ReadOnlySequence<byte>(frame, 0, length);
            var buffer = original;
            Assert.Equal(FrameStatus.Incomplete, Frame.TryRead(ref buffer, Mainnet, out _, out var payload));
            Assert.Equal(original.Length, buffer.Length);
            Assert.Equal(original.Start, buffer.Start);
            Assert.True(payload.IsEmpty);
        }
    }

    [Fact]
    public void IncompleteSegmentedInputConsumesNothing()
    {
        var frame = TestFrame();
        for (int length = 1; length < frame.Length; length++)
        {
            var original = OneBytePerSegment(frame.AsSpan(0, length).ToArray());
            var buffer = original;
            Assert.Equal(FrameStatus.Incomplete, Frame.TryRead(ref buffer, Mainnet, out _, out _));
            Assert.Equal(original.Start, buffer.Start);
            Assert.Equal(original.Length, buffer.Length);
        }
    }

    [Fact]
    public void BadMagicThrows()
    {
        var frame = TestFrame();
        var buffer = new ReadOnlySequence<byte>(frame);
        var error = Assert.Throws<ProtocolException>(() => Frame.TryRead(ref buffer, 0x0709110B, out _, out _));
        Assert.Equal(ProtocolError.BadMagic, error.Error);

        // Only the header is needed to tell.
        buffer = new ReadOnlySequence<byte>(frame, 0, FrameHeader.Size);
        error = Assert.Throws<ProtocolException>(() => Frame.TryRead(ref buffer, 0x0709110B, out _, out _));
        Assert.Equal(ProtocolError.BadMagic, error.Error);
    }

    [Fact]
    public void OversizedLengthThrowsWithoutWaitingForOrAllocatingThePayload()
    {
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Mainnet, MessageCommand.Parse("block"), 0, 0).WriteTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), ProtocolLimits.MaxMessagePayload + 1);

        // Warm up the throwing path so that one-time costs are not counted below.
        var warm = new ReadOnlySequence<byte>(header);
        Assert.Throws<ProtocolException>(() => Frame.TryRead(ref warm, Mainnet, out _, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var buffer = new ReadOnlySequence<byte>(header);
        var error = Assert.Throws<ProtocolException>(() => Frame.TryRead(ref buffer, Mainnet, out _, out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ProtocolError.PayloadTooLarge, error.Error);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes while rejecting a 4 MB payload");

        // A smaller limit from the caller applies too.
        var small = TestFrame(payloadHex: "00112233");
        buffer = new ReadOnlySequence<byte>(small);
        error = Assert.Throws<ProtocolException>(() => Frame.TryRead(ref buffer, Mainnet, out _, out _, maxPayloadLength: 8));
        Assert.Equal(ProtocolError.PayloadTooLarge, error.Error);
        buffer = new ReadOnlySequence<byte>(small);
        Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out _, out _, maxPayloadLength: 9));
    }

    [Fact]
    public void BadChecksumIsReportedAndTheFrameConsumed()
    {
        var frame = TestFrame();
        frame[20] ^= 0xFF;
        var next = TestFrame(99);
        var buffer = new ReadOnlySequence<byte>([.. frame, .. next]);
        Assert.Equal(FrameStatus.BadChecksum, Frame.TryRead(ref buffer, Mainnet, out var header, out var payload));
        Assert.Equal(TestMessage.Command, header.Command);
        Assert.Equal(frame.Length - FrameHeader.Size, payload.Length);
        Assert.Equal(next.Length, buffer.Length);

        Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out _, out payload));
        Assert.Equal(99u, WireSerializer.Decode<TestMessage>(payload.ToArray()).A);

        // A changed payload byte is caught the same way.
        frame = TestFrame();
        frame[^1] ^= 0x01;
        buffer = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameStatus.BadChecksum, Frame.TryRead(ref buffer, Mainnet, out _, out _));
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData("7665720061636B0000000000")] // "ver\0ack"
    [InlineData("000000000000000000000000")] // all NUL
    [InlineData("70696E076700000000000000")] // a control character
    public void InvalidCommandIsReportedAndTheFrameConsumed(string commandHex)
    {
        var frame = TestFrame();
        Hex(commandHex).AsSpan(0, 12).CopyTo(frame.AsSpan(4));
        var buffer = new ReadOnlySequence<byte>([.. frame, 0x42]);
        Assert.Equal(FrameStatus.InvalidCommand, Frame.TryRead(ref buffer, Mainnet, out var header, out var payload));
        Assert.False(header.Command.IsValid);
        Assert.Equal(frame.Length - FrameHeader.Size, payload.Length);
        Assert.Equal(1, buffer.Length);
    }

    [Fact]
    public void FrameSplitAcrossManySegmentsReadsTheSame()
    {
        var random = new Random(8);
        var bytes = new byte[100];
        random.NextBytes(bytes);
        var frame = Frame.ToArray(Mainnet, new TestMessage { A = 5, B = bytes });
        var trailer = TestFrame(6);
        var stream = (byte[])[.. frame, .. trailer];

        var sequences = new List<ReadOnlySequence<byte>> { OneBytePerSegment(stream) };
        for (int i = 0; i < 30; i++)
        {
            var sizes = new int[random.Next(2, 20)];
            for (int k = 0; k < sizes.Length; k++)
            {
                sizes[k] = random.Next(1, 40);
            }

            sequences.Add(Segmented(stream, sizes));
        }

        foreach (var sequence in sequences)
        {
            var buffer = sequence;
            Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out var header, out var payload));
            Assert.Equal(frame.Length - FrameHeader.Size, header.PayloadLength);
            Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), payload.ToArray());
            Assert.Equal(DoubleSha256.Checksum(payload.ToArray()), Frame.Checksum(payload));

            var reader = new WireReader(payload);
            var message = TestMessage.Read(ref reader);
            reader.EnsureEnd();
            Assert.Equal(5u, message.A);
            Assert.Equal(bytes, message.B.ToArray());

            Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref buffer, Mainnet, out _, out payload));
            Assert.Equal(6u, WireSerializer.Decode<TestMessage>(payload.ToArray()).A);
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void SegmentedBadChecksumIsStillDetected()
    {
        var frame = TestFrame();
        frame[^2] ^= 0x10;
        var buffer = OneBytePerSegment(frame);
        Assert.Equal(FrameStatus.BadChecksum, Frame.TryRead(ref buffer, Mainnet, out _, out _));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void ChecksumOfASequenceEqualsTheChecksumOfItsBytes()
    {
        Assert.Equal(0xE2E0F65Du, Frame.Checksum(ReadOnlySequence<byte>.Empty));
        var data = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog");
        uint expected = DoubleSha256.Checksum(data);
        Assert.Equal(expected, Frame.Checksum(new ReadOnlySequence<byte>(data)));
        Assert.Equal(expected, Frame.Checksum(OneBytePerSegment(data)));
        Assert.Equal(expected, Frame.Checksum(Segmented(data, 10, 0, 5)));
    }
}
