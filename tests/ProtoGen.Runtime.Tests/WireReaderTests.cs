using System.Text;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

public class WireReaderTests
{
    // One of every primitive, with distinct byte patterns so that byte order mistakes show.
    internal static readonly byte[] Primitives = Hex(
        "81" +                       // byte 0x81
        "FE" +                       // sbyte -2
        "02" +                       // bool: any non-zero byte is true
        "3412" +                     // ushort 0x1234 little-endian
        "FEFF" +                     // short -2
        "208D" +                     // big-endian ushort 0x208D (8333)
        "78563412" +                 // uint 0x12345678
        "FFFFFFFF" +                 // int -1
        "0807060504030201" +         // ulong 0x0102030405060708
        "0100000000000080" +         // long long.MinValue + 1
        "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F" + // Hash256
        "FD0001" +                   // CompactSize 0x100
        "03616263");                 // var string "abc"

    internal static void ReadAllPrimitives(ref WireReader reader)
    {
        Assert.Equal(0x81, reader.ReadByte());
        Assert.Equal(-2, reader.ReadSByte());
        Assert.True(reader.ReadBool());
        Assert.Equal(0x1234, reader.ReadUInt16());
        Assert.Equal(-2, reader.ReadInt16());
        Assert.Equal(8333, reader.ReadUInt16BigEndian());
        Assert.Equal(0x12345678u, reader.ReadUInt32());
        Assert.Equal(-1, reader.ReadInt32());
        Assert.Equal(0x0102030405060708UL, reader.ReadUInt64());
        Assert.Equal(long.MinValue + 1, reader.ReadInt64());
        var hash = reader.ReadHash256();
        var expected = new byte[32];
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = (byte)i;
        }

        Assert.Equal(expected, hash.ToArray());
        Assert.Equal(0x100UL, reader.ReadCompactSize());
        Assert.Equal("abc", reader.ReadVarString(10, "text"));
    }

    [Fact]
    public void ReadsEveryPrimitive()
    {
        var reader = new WireReader(Primitives);
        ReadAllPrimitives(ref reader);
        Assert.True(reader.End);
        Assert.Equal(Primitives.Length, reader.Position);
        Assert.Equal(0, reader.Remaining);
        reader.EnsureEnd();
    }

    [Theory]
    [InlineData(0x00, false)]
    [InlineData(0x01, true)]
    [InlineData(0x02, true)]
    [InlineData(0x80, true)]
    [InlineData(0xFF, true)]
    public void BoolIsTrueForAnyNonZeroByte(byte value, bool expected)
    {
        var reader = new WireReader(new[] { value });
        Assert.Equal(expected, reader.ReadBool());
    }

    [Fact]
    public void BigEndianAndLittleEndianShortsDiffer()
    {
        var bytes = Hex("208D208D");
        var reader = new WireReader(bytes);
        Assert.Equal(0x8D20, reader.ReadUInt16());
        Assert.Equal(0x208D, reader.ReadUInt16BigEndian());
    }

    [Fact]
    public void TruncationAtEveryOffsetIsReportedAsTruncated()
    {
        for (int length = 0; length < Primitives.Length; length++)
        {
            var prefix = Primitives.AsSpan(0, length).ToArray();
            var error = ReadFails(prefix, ReadAllPrimitives);
            Assert.Equal(ProtocolError.Truncated, error.Error);
        }
    }

    [Fact]
    public void EachPrimitiveOnEmptyInputIsTruncated()
    {
        ReadAction[] reads =
        [
            (ref WireReader r) => r.ReadByte(),
            (ref WireReader r) => r.ReadSByte(),
            (ref WireReader r) => r.ReadBool(),
            (ref WireReader r) => r.ReadUInt16(),
            (ref WireReader r) => r.ReadInt16(),
            (ref WireReader r) => r.ReadUInt16BigEndian(),
            (ref WireReader r) => r.ReadUInt32(),
            (ref WireReader r) => r.ReadInt32(),
            (ref WireReader r) => r.ReadUInt64(),
            (ref WireReader r) => r.ReadInt64(),
            (ref WireReader r) => r.ReadHash256(),
            (ref WireReader r) => r.ReadCompactSize(),
            (ref WireReader r) => r.ReadCompactSize(rangeCheck: false),
            (ref WireReader r) => r.ReadCompactSize(10, "field"),
            (ref WireReader r) => r.ReadCount(10, 1, "field"),
            (ref WireReader r) => r.ReadLength(10, "field"),
            (ref WireReader r) => r.ReadVarBytes(10, "field"),
            (ref WireReader r) => r.ReadVarString(10, "field"),
            (ref WireReader r) => r.ReadBytes(1),
            (ref WireReader r) => r.ReadSpan(1),
            (ref WireReader r) => r.ReadExactly(new byte[1]),
            (ref WireReader r) => r.Skip(1),
        ];

        foreach (var read in reads)
        {
            ReadFails([], ProtocolError.Truncated, read);
        }
    }

    [Fact]
    public void FailedReadDoesNotMovePosition()
    {
        var reader = new WireReader(Hex("010203"));
        reader.ReadByte();
        try
        {
            reader.ReadUInt32();
            Assert.Fail("expected a truncation error");
        }
        catch (ProtocolException ex)
        {
            Assert.Equal(ProtocolError.Truncated, ex.Error);
        }

        Assert.Equal(1, reader.Position);
        Assert.Equal(0x0302, reader.ReadUInt16());
    }

    [Fact]
    public void NegativeLengthsAreTruncationNotAnotherException()
    {
        ReadFails(Hex("00"), ProtocolError.Truncated, (ref WireReader r) => r.ReadBytes(-1));
        ReadFails(Hex("00"), ProtocolError.Truncated, (ref WireReader r) => r.Skip(-1));
        ReadFails(Hex("00"), ProtocolError.Truncated, (ref WireReader r) => r.ReadSpan(int.MinValue));
    }

    [Fact]
    public void ReadCountChecksTheLimit()
    {
        var reader = new WireReader(Hex("03 010203"));
        Assert.Equal(3, reader.ReadCount(3, 1, "items"));

        var error = ReadFails(Hex("04 01020304"), (ref WireReader r) => r.ReadCount(3, 1, "items"));
        Assert.Equal(ProtocolError.CountTooLarge, error.Error);
        Assert.Contains("items", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCountChecksTheBytesLeftForTheMinimumElementSize()
    {
        // Three elements of at least four bytes need twelve bytes; eleven are left.
        ReadFails(Hex("03" + new string('0', 22)), ProtocolError.Truncated, (ref WireReader r) => r.ReadCount(100, 4, "items"));

        var reader = new WireReader(Hex("03" + new string('0', 24)));
        Assert.Equal(3, reader.ReadCount(100, 4, "items"));
        Assert.Equal(12, reader.Remaining);

        // A minimum element size below one counts as one byte per element.
        ReadFails(Hex("03 0000"), ProtocolError.Truncated, (ref WireReader r) => r.ReadCount(100, 0, "items"));
    }

    [Fact]
    public void HugeCountWithFewBytesLeftFailsBeforeAllocating()
    {
        // 0x02000000 is the largest CompactSize Bitcoin Core accepts; three bytes follow it.
        var input = Hex("FE00000002 000000");
        ReadFails(input, ProtocolError.Truncated, (ref WireReader r) => r.ReadCount(int.MaxValue, 1, "items"));
        ReadFails(input, ProtocolError.Truncated, (ref WireReader r) => r.ReadCount(int.MaxValue, 32, "items"));
        ReadFails(input, ProtocolError.Truncated, (ref WireReader r) => r.ReadLength(int.MaxValue, "blob"));
        ReadFails(input, ProtocolError.CountTooLarge, (ref WireReader r) => r.ReadCount(0x01FFFFFF, 1, "items"));
        ReadFails(input, ProtocolError.LengthTooLarge, (ref WireReader r) => r.ReadLength(0x01FFFFFF, "blob"));

        // One more than the protocol maximum is rejected by the CompactSize range check whatever the field limit.
        var tooLarge = Hex("FE01000002 000000");
        ReadFails(tooLarge, ProtocolError.CompactSizeTooLarge, (ref WireReader r) => r.ReadCount(int.MaxValue, 1, "items"));
        ReadFails(tooLarge, ProtocolError.CompactSizeTooLarge, (ref WireReader r) => r.ReadLength(int.MaxValue, "blob"));

        // Through a generated decoder: a 0x02000000-element hash list would be a 1 GiB allocation.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestHugeLimits>(input));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ProtocolError.Truncated, error.Error);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes while rejecting the count");

        before = GC.GetAllocatedBytesForCurrentThread();
        error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<TestHugeLimits>(Hex("00 FE00000002 000000")));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ProtocolError.Truncated, error.Error);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes while rejecting the length");
    }

    [Fact]
    public void ReadLengthChecksLimitAndBytesLeft()
    {
        var reader = new WireReader(Hex("02 AABB"));
        Assert.Equal(2, reader.ReadLength(2, "blob"));

        var error = ReadFails(Hex("03 AABBCC"), (ref WireReader r) => r.ReadLength(2, "blob"));
        Assert.Equal(ProtocolError.LengthTooLarge, error.Error);
        Assert.Contains("blob", error.Message, StringComparison.Ordinal);

        ReadFails(Hex("03 AABB"), ProtocolError.Truncated, (ref WireReader r) => r.ReadLength(10, "blob"));
    }

    [Fact]
    public void CompactSizeWithMaximumIsRangeCheckedAgainstTheFieldNotTheProtocol()
    {
        var reader = new WireReader(Hex("FD FFFF"));
        Assert.Equal(0xFFFFUL, reader.ReadCompactSize(ushort.MaxValue, "index"));

        var error = ReadFails(Hex("FE 00000100"), (ref WireReader r) => r.ReadCompactSize(ushort.MaxValue, "index"));
        Assert.Equal(ProtocolError.ValueOutOfRange, error.Error);
        Assert.Contains("index", error.Message, StringComparison.Ordinal);

        // No protocol maximum here: values over 0x02000000 are fine when the field allows them.
        reader = new WireReader(Hex("FF 0000000001000000"));
        Assert.Equal(0x1_0000_0000UL, reader.ReadCompactSize(ulong.MaxValue, "big"));

        // Non-canonical forms are still rejected.
        ReadFails(Hex("FD FC00"), ProtocolError.NonCanonicalCompactSize, (ref WireReader r) => r.ReadCompactSize(ulong.MaxValue, "x"));
        ReadFails(Hex("FE FFFF"), ProtocolError.Truncated, (ref WireReader r) => r.ReadCompactSize(ulong.MaxValue, "x"));
    }

    [Fact]
    public void ReadCompactSizeReportsEncodingErrors()
    {
        ReadFails(Hex("FD FC00"), ProtocolError.NonCanonicalCompactSize, (ref WireReader r) => r.ReadCompactSize());
        ReadFails(Hex("FE 01000002"), ProtocolError.CompactSizeTooLarge, (ref WireReader r) => r.ReadCompactSize());
        ReadFails(Hex("FD 00"), ProtocolError.Truncated, (ref WireReader r) => r.ReadCompactSize());
        ReadFails(Hex("FF 00000000000000"), ProtocolError.Truncated, (ref WireReader r) => r.ReadCompactSize(rangeCheck: false));

        var reader = new WireReader(Hex("FE 01000002"));
        Assert.Equal(0x02000001UL, reader.ReadCompactSize(rangeCheck: false));
    }

    [Fact]
    public void VarStringHonoursItsLimitInBytes()
    {
        var utf8 = Hex("06 C3A9C3A9C3A9"); // "ééé": three characters, six bytes
        var reader = new WireReader(utf8);
        Assert.Equal("ééé", reader.ReadVarString(6, "name"));

        ReadFails(utf8, ProtocolError.LengthTooLarge, (ref WireReader r) => r.ReadVarString(5, "name"));
        ReadFails(Hex("06 C3A9"), ProtocolError.Truncated, (ref WireReader r) => r.ReadVarString(100, "name"));

        reader = new WireReader(Hex("00"));
        Assert.Same(string.Empty, reader.ReadVarString(0, "name"));
    }

    [Fact]
    public void VarStringReplacesInvalidUtf8()
    {
        var reader = new WireReader(Hex("03 61FF62"));
        Assert.Equal("a?b", reader.ReadVarString(10, "name"));
    }

    [Fact]
    public void VarStringOfInvalidUtf8EncodesAgainWithinItsLimit()
    {
        // Found by fuzzing (docs/fuzzing.md): with U+FFFD (3 bytes) for each invalid sequence, these 10 bytes (9 invalid
        // sequences) decoded to text of 27 UTF-8 bytes, which the writer refused at the same limit of 10.
        var bytes = Hex("0A FFFEC0C1F5 80BF E0A0 F0");
        var text = new WireReader(bytes).ReadVarString(10, "name");
        Assert.True(Encoding.UTF8.GetByteCount(text) <= 10);
        var output = new byte[11];
        var writer = new WireWriter(output);
        writer.WriteVarString(text, 10, "name");
        Assert.Equal(text, new WireReader(output.AsSpan(0, (int)writer.BytesWritten)).ReadVarString(10, "name"));
    }
}
