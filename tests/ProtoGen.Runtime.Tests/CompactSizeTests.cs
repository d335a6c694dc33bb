using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

public class CompactSizeTests
{
    public static TheoryData<ulong, string> Canonical => new()
    {
        { 0, "00" },
        { 1, "01" },
        { 0xFC, "FC" },
        { 0xFD, "FDFD00" },
        { 0xFE, "FDFE00" },
        { 0xFF, "FDFF00" },
        { 0x100, "FD0001" },
        { 0xFFFF, "FDFFFF" },
        { 0x10000, "FE00000100" },
        { 0x02000000, "FE00000002" },
        { 0xFFFFFFFF, "FEFFFFFFFF" },
        { 0x100000000, "FF0000000001000000" },
        { ulong.MaxValue, "FFFFFFFFFFFFFFFFFF" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void EncodesCanonicallyAtEveryBoundary(ulong value, string hex)
    {
        var expected = Hex(hex);
        Assert.Equal(expected.Length, CompactSize.GetEncodedSize(value));

        var buffer = new byte[CompactSize.MaxEncodedLength];
        int written = CompactSize.Write(buffer, value);
        Assert.Equal(expected, buffer.AsSpan(0, written).ToArray());

        // The same bytes through the writer.
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new WireWriter(output);
        writer.WriteCompactSize(value);
        writer.Flush();
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(Canonical))]
    public void DecodesCanonicalFormsWithoutRangeCheck(ulong value, string hex)
    {
        var bytes = Hex(hex + "AB"); // a trailing byte that must not be consumed
        Assert.True(CompactSize.TryRead(bytes, out ulong decoded, out int consumed, rangeCheck: false));
        Assert.Equal(value, decoded);
        Assert.Equal(bytes.Length - 1, consumed);

        var reader = new WireReader(bytes);
        Assert.Equal(value, reader.ReadCompactSize(rangeCheck: false));
        Assert.Equal(0xAB, reader.ReadByte());
    }

    [Theory]
    [MemberData(nameof(Canonical))]
    public void RangeCheckRejectsValuesOverTheProtocolMaximum(ulong value, string hex)
    {
        var bytes = Hex(hex);
        if (value <= CompactSize.MaxSize)
        {
            Assert.True(CompactSize.TryRead(bytes, out ulong decoded, out _));
            Assert.Equal(value, decoded);
        }
        else
        {
            var error = Assert.Throws<ProtocolException>(() => CompactSize.TryRead(bytes, out _, out _));
            Assert.Equal(ProtocolError.CompactSizeTooLarge, error.Error);
            ReadFails(bytes, ProtocolError.CompactSizeTooLarge, (ref WireReader r) => r.ReadCompactSize());
        }
    }

    [Fact]
    public void MaximumAndOneMore()
    {
        Assert.Equal(0x02000000UL, CompactSize.MaxSize);
        Assert.True(CompactSize.TryRead(Hex("FE00000002"), out ulong value, out _));
        Assert.Equal(CompactSize.MaxSize, value);

        var error = Assert.Throws<ProtocolException>(() => CompactSize.TryRead(Hex("FE01000002"), out _, out _));
        Assert.Equal(ProtocolError.CompactSizeTooLarge, error.Error);
        Assert.True(CompactSize.TryRead(Hex("FE01000002"), out value, out _, rangeCheck: false));
        Assert.Equal(CompactSize.MaxSize + 1, value);
    }

    [Theory]
    [InlineData("FD0000")]
    [InlineData("FDFC00")]
    [InlineData("FE00000000")]
    [InlineData("FEFCFF0000")]
    [InlineData("FEFFFF0000")]
    [InlineData("FF0000000000000000")]
    [InlineData("FFFFFF000000000000")]
    [InlineData("FFFFFFFFFF00000000")]
    public void NonCanonicalFormsAreRejected(string hex)
    {
        var bytes = Hex(hex);
        foreach (bool rangeCheck in new[] { true, false })
        {
            var error = Assert.Throws<ProtocolException>(() => CompactSize.TryRead(bytes, out _, out _, rangeCheck));
            Assert.Equal(ProtocolError.NonCanonicalCompactSize, error.Error);
        }

        ReadFails(bytes, ProtocolError.NonCanonicalCompactSize, (ref WireReader r) => r.ReadCompactSize(rangeCheck: false));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FD")]
    [InlineData("FD00")]
    [InlineData("FE")]
    [InlineData("FE000001")]
    [InlineData("FF")]
    [InlineData("FF00000000010000")]
    public void TryReadReturnsFalseOnShortInput(string hex)
    {
        var bytes = Hex(hex);
        Assert.False(CompactSize.TryRead(bytes, out ulong value, out int consumed));
        Assert.Equal(0UL, value);
        Assert.Equal(0, consumed);
        ReadFails(bytes, ProtocolError.Truncated, (ref WireReader r) => r.ReadCompactSize());
    }

    [Fact]
    public void RandomValuesRoundTrip()
    {
        var random = new Random(42);
        var buffer = new byte[CompactSize.MaxEncodedLength];
        for (int i = 0; i < 5000; i++)
        {
            // Spread the values over every encoded size.
            int bits = random.Next(0, 65);
            ulong value = bits == 0 ? 0 : (ulong)random.NextInt64() >> (64 - bits) | (1UL << (bits - 1));
            int written = CompactSize.Write(buffer, value);
            Assert.Equal(CompactSize.GetEncodedSize(value), written);
            Assert.True(CompactSize.TryRead(buffer.AsSpan(0, written), out ulong decoded, out int consumed, rangeCheck: false));
            Assert.Equal(value, decoded);
            Assert.Equal(written, consumed);
        }
    }
}
