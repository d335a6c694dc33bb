using System.Buffers;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

public class WireWriterTests
{
    private static readonly Hash256 SampleHash = new(Hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"));

    private static void WriteAllPrimitives(ref WireWriter writer)
    {
        writer.WriteByte(0x81);
        writer.WriteSByte(-2);
        writer.WriteBool(true);
        writer.WriteBool(false);
        writer.WriteUInt16(0x1234);
        writer.WriteInt16(-2);
        writer.WriteUInt16BigEndian(8333);
        writer.WriteUInt32(0x12345678);
        writer.WriteInt32(-1);
        writer.WriteUInt64(0x0102030405060708);
        writer.WriteInt64(long.MinValue + 1);
        writer.WriteHash256(SampleHash);
        writer.WriteCompactSize(0x100);
        writer.WriteVarString("abc", 10, "text");
        writer.WriteVarBytes(Hex("DDEE"), 10, "bytes");
        writer.WriteFixedBytes(Hex("0A0B0C"), 3, "fixed");
        writer.WriteCount(2, 5, "items");
        writer.WriteBytes(Hex("F0F1"));
    }

    private static readonly byte[] PrimitivesEncoded = Hex(
        "81 FE 01 00 3412 FEFF 208D 78563412 FFFFFFFF 0807060504030201 0100000000000080" +
        "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F" +
        "FD0001 03616263 02DDEE 0A0B0C 02 F0F1");

    [Fact]
    public void WritesEveryPrimitiveOntoAnArrayBufferWriter()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new WireWriter(output);
        WriteAllPrimitives(ref writer);
        Assert.Equal(PrimitivesEncoded.Length, writer.BytesWritten);
        writer.Flush();
        Assert.Equal(PrimitivesEncoded, output.WrittenSpan.ToArray());
        Assert.Equal(PrimitivesEncoded.Length, writer.BytesWritten);
    }

    [Fact]
    public void WritesEveryPrimitiveIntoAFixedSpan()
    {
        var buffer = new byte[PrimitivesEncoded.Length];
        var writer = new WireWriter(buffer.AsSpan());
        WriteAllPrimitives(ref writer);
        Assert.Equal(buffer.Length, writer.BytesWritten);
        writer.Flush(); // a no-op over a span
        Assert.Equal(PrimitivesEncoded, buffer);
    }

    [Fact]
    public void WritesEveryPrimitiveOntoAStingyBufferWriter()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var output = new StingyBufferWriter(seed);
            var writer = new WireWriter(output);
            WriteAllPrimitives(ref writer);
            writer.Flush();
            Assert.Equal(PrimitivesEncoded, output.WrittenBytes);
        }
    }

    [Fact]
    public void FixedSpanOverflowThrowsArgumentException()
    {
        for (int size = 0; size < PrimitivesEncoded.Length; size++)
        {
            var buffer = new byte[size];
            Assert.Throws<ArgumentException>(() =>
            {
                var writer = new WireWriter(buffer.AsSpan());
                WriteAllPrimitives(ref writer);
            });
        }

        Assert.Throws<ArgumentException>(() =>
        {
            var writer = new WireWriter(new byte[3].AsSpan());
            writer.WriteUInt32(1);
        });
        Assert.Throws<ArgumentException>(() =>
        {
            var writer = new WireWriter(new byte[3].AsSpan());
            writer.WriteBytes(new byte[4]);
        });
    }

    [Fact]
    public void BytesWrittenCountsBufferedAndCommittedBytes()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new WireWriter(output);
        Assert.Equal(0, writer.BytesWritten);
        writer.WriteUInt32(7);
        Assert.Equal(4, writer.BytesWritten);
        Assert.Equal(0, output.WrittenCount); // still buffered
        writer.Flush();
        Assert.Equal(4, output.WrittenCount);
        writer.WriteUInt64(9);
        Assert.Equal(12, writer.BytesWritten);
        writer.Flush();
        writer.Flush();
        Assert.Equal(12, output.WrittenCount);
        Assert.Equal(12, writer.BytesWritten);
    }

    [Fact]
    public void SizeHintIsPassedToTheBufferWriter()
    {
        var output = new StingyBufferWriter(maxExtra: 0);
        var writer = new WireWriter(output, sizeHint: 40);
        Assert.Equal(1, output.GetSpanCalls);
        for (int i = 0; i < 10; i++)
        {
            writer.WriteUInt32((uint)i);
        }

        writer.Flush();
        Assert.Equal(1, output.GetSpanCalls);
        Assert.Equal(40, output.WrittenBytes.Length);
    }

    [Fact]
    public void LargeByteStringsAreWrittenInChunksAcrossSpans()
    {
        var random = new Random(3);
        var big = new byte[10_000];
        random.NextBytes(big);

        var output = new StingyBufferWriter(5);
        var writer = new WireWriter(output);
        writer.WriteBytes(new byte[250]); // leaves a few bytes free in the first span
        writer.WriteBytes(big);
        writer.WriteVarBytes(big, big.Length, "big");
        writer.WriteUInt16(0xBEEF);
        writer.Flush();

        Assert.True(output.GetSpanCalls > 3, $"only {output.GetSpanCalls} spans were needed");
        Assert.Equal(250 + big.Length + 3 + big.Length + 2, writer.BytesWritten);
        var reader = new WireReader(output.WrittenBytes);
        Assert.Equal(new byte[250], reader.ReadSpan(250).ToArray());
        Assert.Equal(big, reader.ReadSpan(big.Length).ToArray());
        Assert.Equal(big, reader.ReadVarBytes(big.Length, "big").ToArray());
        Assert.Equal(0xBEEF, reader.ReadUInt16());
        reader.EnsureEnd();
    }

    [Fact]
    public void LongStringsAreWrittenAcrossSpans()
    {
        var text = new string('ß', 3000); // 6000 UTF-8 bytes
        var output = new StingyBufferWriter(9);
        var writer = new WireWriter(output);
        writer.WriteByte(1);
        writer.WriteVarString(text, 6000, "text");
        writer.Flush();
        Assert.Equal(1 + WireWriter.GetVarStringSize(text), output.WrittenBytes.Length);

        var reader = new WireReader(output.WrittenBytes);
        Assert.Equal(1, reader.ReadByte());
        Assert.Equal(text, reader.ReadVarString(6000, "text"));
    }

    [Fact]
    public void BufferWriterThatReturnsTooLittleMemoryIsDetected()
    {
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new WireWriter(new ShortChangingBufferWriter(4));
            writer.WriteUInt64(1);
        });
    }

    [Fact]
    public void NullBufferWriterIsRejected() =>
        Assert.Throws<ArgumentNullException>(() => new WireWriter((IBufferWriter<byte>)null!));

    [Fact]
    public void VarBytesLimit()
    {
        var output = new ArrayBufferWriter<byte>();
        var error = Assert.Throws<ProtocolException>(() =>
        {
            var writer = new WireWriter(output);
            writer.WriteVarBytes(new byte[11], 10, "script");
        });
        Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);
        Assert.Contains("script", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.WrittenCount);

        Assert.Equal(Hex("0A" + new string('0', 20)), Encode((ref WireWriter w) => w.WriteVarBytes(new byte[10], 10, "script")));
    }

    [Fact]
    public void VarStringLimitCountsUtf8Bytes()
    {
        // Three characters but six bytes.
        var error = Assert.Throws<ProtocolException>(() =>
        {
            var writer = new WireWriter(new ArrayBufferWriter<byte>());
            writer.WriteVarString("ééé", 5, "agent");
        });
        Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);

        Assert.Equal(Hex("06C3A9C3A9C3A9"), Encode((ref WireWriter w) => w.WriteVarString("ééé", 6, "agent")));
        Assert.Equal(Hex("00"), Encode((ref WireWriter w) => w.WriteVarString(null, 0, "agent")));
        Assert.Equal(Hex("00"), Encode((ref WireWriter w) => w.WriteVarString(string.Empty, 0, "agent")));
    }

    [Fact]
    public void CountLimit()
    {
        var error = Assert.Throws<ProtocolException>(() =>
        {
            var writer = new WireWriter(new ArrayBufferWriter<byte>());
            writer.WriteCount(50_001, 50_000, "inventory");
        });
        Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);
        Assert.Contains("inventory", error.Message, StringComparison.Ordinal);
        Assert.Equal(Hex("FD50C3"), Encode((ref WireWriter w) => w.WriteCount(50_000, 50_000, "inventory")));
    }

    [Fact]
    public void FixedBytesMustHaveTheExactLength()
    {
        foreach (int length in new[] { 0, 3, 5 })
        {
            var error = Assert.Throws<ProtocolException>(() =>
            {
                var writer = new WireWriter(new ArrayBufferWriter<byte>());
                writer.WriteFixedBytes(new byte[length], 4, "ip");
            });
            Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);
        }

        Assert.Equal(Hex("01020304"), Encode((ref WireWriter w) => w.WriteFixedBytes(Hex("01020304"), 4, "ip")));
    }

    [Fact]
    public void SizeHelpersMatchTheEncoding()
    {
        foreach (string? text in new[] { null, string.Empty, "a", new string('x', 252), new string('x', 253), "ééé", new string('é', 40_000) })
        {
            var bytes = Encode((ref WireWriter w) => w.WriteVarString(text, int.MaxValue, "t"));
            Assert.Equal(bytes.Length, WireWriter.GetVarStringSize(text));
        }

        foreach (int length in new[] { 0, 1, 252, 253, 0xFFFF, 0x10000 })
        {
            var bytes = Encode((ref WireWriter w) => w.WriteVarBytes(new byte[length], int.MaxValue, "b"));
            Assert.Equal(bytes.Length, WireWriter.GetVarBytesSize(length));
        }
    }

    [Fact]
    public void ContextIsCarried()
    {
        var context = new WireContext(70015, WireFlags.NoWitness);
        Assert.Equal(context, new WireWriter(new ArrayBufferWriter<byte>(), context).Context);
        Assert.Equal(context, new WireWriter(new byte[1].AsSpan(), context).Context);
    }

    private delegate void WriteAction(ref WireWriter writer);

    private static byte[] Encode(WriteAction action)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new WireWriter(output);
        action(ref writer);
        writer.Flush();
        Assert.Equal(output.WrittenCount, writer.BytesWritten);
        return output.WrittenSpan.ToArray();
    }
}
