using System.Buffers;
using System.Runtime.InteropServices;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

public class WireSerializerTests
{
    private static TestRecord Sample(int seed)
    {
        var random = new Random(seed);
        var hash = new byte[32];
        random.NextBytes(hash);
        var blob = new byte[random.Next(0, 300)];
        random.NextBytes(blob);
        var numbers = new uint[random.Next(0, 11)];
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = (uint)random.Next();
        }

        return new TestRecord
        {
            Byte = (byte)random.Next(256),
            Flag = random.Next(2) == 1,
            Short = (short)random.Next(short.MinValue, short.MaxValue),
            Port = (ushort)random.Next(ushort.MaxValue + 1),
            Int = random.Next(int.MinValue, int.MaxValue),
            Long = random.NextInt64(long.MinValue, long.MaxValue),
            ULong = (ulong)random.NextInt64() * 3,
            Size = (ulong)random.NextInt64() >> random.Next(0, 63),
            Hash = new Hash256(hash),
            Text = new string('x', random.Next(0, 30)) + "é",
            Fixed = new byte[] { 1, 2, 3, (byte)seed },
            Bytes = blob,
            Numbers = numbers,
        };
    }

    [Fact]
    public void KnownEncodingOfATestMessage()
    {
        var message = new TestMessage { A = 0x01020304, B = WireBytes.FromHex("AABB") };
        var bytes = WireSerializer.Encode(message);
        Assert.Equal(Hex("04030201 02 AABB"), bytes);
        Assert.Equal(bytes.Length, WireSerializer.GetEncodedSize(message));
        Assert.Equal(message, WireSerializer.Decode<TestMessage>(bytes.AsSpan()));
        Assert.Equal("testmsg", TestMessage.CommandName);

        // Four bytes of A and the one-byte length prefix of an empty B.
        Assert.Equal(5, TestMessage.MinEncodedSize);
        Assert.Equal(5, WireSerializer.Encode(new TestMessage()).Length);
    }

    [Fact]
    public void RecordsRoundTripThroughEveryEncoder()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var value = Sample(seed);
            var bytes = WireSerializer.Encode(value);
            Assert.Equal(WireSerializer.GetEncodedSize(value), bytes.Length);

            var output = new ArrayBufferWriter<byte>();
            Assert.Equal(bytes.Length, WireSerializer.Encode(value, output));
            Assert.Equal(bytes, output.WrittenSpan.ToArray());

            var stingy = new StingyBufferWriter(seed);
            WireSerializer.Encode(value, stingy);
            Assert.Equal(bytes, stingy.WrittenBytes);

            Assert.Equal(value, WireSerializer.Decode<TestRecord>(bytes.AsSpan()));
            Assert.Equal(value, WireSerializer.Decode<TestRecord>(bytes.AsMemory()));
        }
    }

    [Fact]
    public void NestedMessagesRoundTrip()
    {
        var message = new TestNestedMessage { Single = Sample(1), Many = [Sample(2), Sample(3), Sample(4)] };
        var bytes = WireSerializer.Encode(message);
        Assert.Equal(message, WireSerializer.Decode<TestNestedMessage>(bytes.AsSpan()));
    }

    [Fact]
    public void DecodeFromMemorySlicesAndFromSpanCopies()
    {
        var value = Sample(9) with { Bytes = new byte[] { 1, 2, 3, 4, 5 } };
        var bytes = WireSerializer.Encode(value);

        var sliced = WireSerializer.Decode<TestRecord>(bytes.AsMemory());
        Assert.True(MemoryMarshal.TryGetArray(sliced.Bytes.Memory, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.True(MemoryMarshal.TryGetArray(sliced.Fixed.Memory, out segment));
        Assert.Same(bytes, segment.Array);

        var copied = WireSerializer.Decode<TestRecord>(bytes.AsSpan());
        Assert.True(MemoryMarshal.TryGetArray(copied.Bytes.Memory, out segment));
        Assert.NotSame(bytes, segment.Array);
        Assert.Equal(sliced, copied);
    }

    [Fact]
    public void DecodeFromAByteArrayTakesTheMemoryPathAndSlicesTheArray()
    {
        var value = Sample(10) with { Bytes = new byte[] { 1, 2, 3, 4, 5 } };
        byte[] bytes = WireSerializer.Encode(value);

        // The plain call a user writes: no AsMemory(), no AsSpan().
        var decoded = WireSerializer.Decode<TestRecord>(bytes);

        Assert.Equal(value, decoded);
        Assert.True(MemoryMarshal.TryGetArray(decoded.Bytes.Memory, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.True(MemoryMarshal.TryGetArray(decoded.Fixed.Memory, out segment));
        Assert.Same(bytes, segment.Array);
    }

    [Fact]
    public void DecodeFromAByteArrayRejectsNullAndTrailingBytes()
    {
        Assert.Throws<ArgumentNullException>(() => WireSerializer.Decode<TestMessage>((byte[])null!));
        var bytes = WireSerializer.Encode(new TestMessage { A = 1 });
        byte[] withTrailingByte = [.. bytes, 0];
        Assert.Equal(ProtocolError.InvalidValue, Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestMessage>(withTrailingByte)).Error);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        var bytes = WireSerializer.Encode(new TestMessage { A = 1 });
        var error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestMessage>([.. bytes, 0]));
        Assert.Equal(ProtocolError.InvalidValue, error.Error);
        error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestMessage>(new ReadOnlyMemory<byte>([.. bytes, 0])));
        Assert.Equal(ProtocolError.InvalidValue, error.Error);
    }

    [Fact]
    public void TruncationAtEveryOffsetIsTruncated()
    {
        var message = new TestNestedMessage { Single = Sample(5), Many = [Sample(6), Sample(7)] };
        var bytes = WireSerializer.Encode(message);
        for (int length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            var error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestNestedMessage>(prefix.AsSpan()));
            Assert.Equal(ProtocolError.Truncated, error.Error);
        }
    }

    [Fact]
    public void RandomInputOnlyEverRaisesProtocolException()
    {
        var random = new Random(1234);
        var template = WireSerializer.Encode(new TestNestedMessage { Single = Sample(8), Many = [Sample(10)] });
        int decoded = 0;
        for (int i = 0; i < 3000; i++)
        {
            // Mutate a valid encoding a little, or make up bytes from scratch.
            byte[] input;
            if (i % 3 == 0)
            {
                input = new byte[random.Next(0, 400)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])template.Clone();
                int flips = random.Next(1, 4);
                for (int k = 0; k < flips; k++)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                input = input.AsSpan(0, random.Next(input.Length - 10, input.Length + 1)).ToArray();
            }

            try
            {
                var value = WireSerializer.Decode<TestNestedMessage>(input.AsMemory());
                // Bytes may change only where invalid UTF-8 became '?'; the value itself is stable.
                Assert.Equal(value, WireSerializer.Decode<TestNestedMessage>(WireSerializer.Encode(value).AsSpan()));
                decoded++;
            }
            catch (ProtocolException ex)
            {
                Assert.NotEqual(ProtocolError.None, ex.Error);
            }
        }

        Assert.True(decoded > 0);
    }

    [Fact]
    public void DecodeEnforcesTheDeclaredLimits()
    {
        var value = Sample(3) with { Numbers = [1, 2, 3] };
        var bytes = WireSerializer.Encode(value);

        // The element count is the last field's prefix: raise it past [MaxCount(10)].
        int countOffset = bytes.Length - 1 - (3 * 4);
        Assert.Equal(3, bytes[countOffset]);
        bytes[countOffset] = 11;
        var error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestRecord>(bytes.AsSpan()));
        Assert.Equal(ProtocolError.CountTooLarge, error.Error);
        Assert.Contains("Numbers", error.Message, StringComparison.Ordinal);

        var message = WireSerializer.Encode(new TestMessage { A = 1, B = new byte[100] });
        message[4] = 101;
        error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestMessage>(message.AsSpan()));
        Assert.Equal(ProtocolError.LengthTooLarge, error.Error);
    }

    [Fact]
    public void EncodeEnforcesTheDeclaredLimits()
    {
        var tooMany = Sample(1) with { Numbers = new uint[11] };
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => WireSerializer.Encode(tooMany)).Error);

        var wrongFixed = Sample(1) with { Fixed = new byte[3] };
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => WireSerializer.Encode(wrongFixed)).Error);

        var longText = Sample(1) with { Text = new string('é', 33) }; // 66 bytes over [MaxLength(64)]
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => WireSerializer.Encode(longText, new ArrayBufferWriter<byte>())).Error);

        var longBytes = new TestMessage { B = new byte[101] };
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => WireSerializer.Encode(longBytes)).Error);
    }

    [Fact]
    public void SizeFunctionsThatDisagreeWithTheEncoderAreCaught()
    {
        Assert.Throws<InvalidOperationException>(() => WireSerializer.Encode(new OverMeasured()));
        Assert.Throws<InvalidOperationException>(() => WireSerializer.Encode(new UnderMeasured()));
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<InvalidOperationException>(() => WireSerializer.Encode(new OverMeasured(), output));
        Assert.Throws<InvalidOperationException>(() => WireSerializer.Encode(new UnderMeasured(), output));
    }

    [Fact]
    public void EncodeExactlyFillsTheMeasuredSpanAndRefusesAnyOther()
    {
        IMessage message = new TestMessage { A = 7, B = new byte[] { 1, 2, 3 } };
        int size = message.GetEncodedSize(default);
        var exact = new byte[size];
        WireSerializer.EncodeExactly(message, exact, default);
        Assert.Equal(WireSerializer.Encode(new TestMessage { A = 7, B = new byte[] { 1, 2, 3 } }), exact);

        var tooShort = Assert.Throws<InvalidOperationException>(() => WireSerializer.EncodeExactly(message, new byte[size - 1], default));
        Assert.Equal($"{message.Command}: encoded more than the {size - 1} bytes measured", tooShort.Message);
        var tooLong = Assert.Throws<InvalidOperationException>(() => WireSerializer.EncodeExactly(message, new byte[size + 1], default));
        Assert.Equal($"{message.Command}: encoded {size} bytes but measured {size + 1}", tooLong.Message);
    }

    [Fact]
    public void DispatchDecodesKnownCommandsAndPassesOnUnknownOnes()
    {
        var received = new List<object>();
        var listener = new TestListeners<string>
        {
            OnTest = (peer, message) => received.Add((peer, message)),
            OnUnknown = (peer, frame) => received.Add((peer, frame.Command.ToString(), frame.Payload.ToArray())),
        };

        var message = new TestMessage { A = 3, B = WireBytes.FromHex("01") };
        var payload = WireSerializer.Encode(message);
        var reader = new WireReader(payload);
        Assert.True(TestMessages.Dispatch("peer1", TestMessage.Command, ref reader, listener));
        Assert.True(reader.End);

        reader = new WireReader(Hex("0102"));
        Assert.False(TestMessages.Dispatch("peer2", MessageCommand.Parse("other"), ref reader, listener));

        Assert.Equal(2, received.Count);
        Assert.Equal(("peer1", message), received[0]);
        var unknown = ((string, string, byte[]))received[1];
        Assert.Equal("peer2", unknown.Item1);
        Assert.Equal("other", unknown.Item2);
        Assert.Equal(Hex("0102"), unknown.Item3);

        Assert.Same(TestMessage.Descriptor, TestMessages.FindMessage(MessageCommand.Parse("testmsg")));
        Assert.Null(TestMessages.FindMessage(MessageCommand.Parse("testms")));
    }

    /// <summary>Claims one byte more than it writes.</summary>
    private sealed record OverMeasured : IWireSerializable<OverMeasured>
    {
        public static int MinEncodedSize => 1;

        public static OverMeasured Read(ref WireReader reader)
        {
            reader.ReadByte();
            return new OverMeasured();
        }

        public static void Write(ref WireWriter writer, OverMeasured value) => writer.WriteByte(1);

        public static int GetEncodedSize(OverMeasured value, WireContext context) => 2;
    }

    /// <summary>Claims one byte fewer than it writes.</summary>
    private sealed record UnderMeasured : IWireSerializable<UnderMeasured>
    {
        public static int MinEncodedSize => 1;

        public static UnderMeasured Read(ref WireReader reader)
        {
            reader.ReadUInt16();
            return new UnderMeasured();
        }

        public static void Write(ref WireWriter writer, UnderMeasured value) => writer.WriteUInt16(1);

        public static int GetEncodedSize(UnderMeasured value, WireContext context) => 1;
    }
}
