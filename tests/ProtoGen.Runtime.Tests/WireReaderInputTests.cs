using System.Buffers;
using System.Runtime.InteropServices;
using static ProtoGen.Runtime.Tests.TestSupport;
using static ProtoGen.Runtime.Tests.WireReaderTests;

namespace ProtoGen.Runtime.Tests;

/// <summary>
/// What <see cref="WireReader"/> returns for each kind of input (memory that retains slices, spans, single- and
/// multi-segment sequences), and its positions: slices since a position, the end check, the span accessors, the context.
/// </summary>
public class WireReaderInputTests
{
    [Fact]
    public void MemoryReaderRetainingSlicesReturnsSlicesOfTheSameArray()
    {
        var array = Hex("EEEEEE 03 AABBCC 02 DDEE");
        var memory = new ReadOnlyMemory<byte>(array, 3, array.Length - 3);
        var reader = new WireReader(memory, retainSlices: true);
        Assert.True(reader.RetainsSlices);

        var first = reader.ReadVarBytes(10, "a");
        var second = reader.ReadVarBytes(10, "b");
        Assert.Equal(Hex("AABBCC"), first.ToArray());
        Assert.Equal(Hex("DDEE"), second.ToArray());

        Assert.True(MemoryMarshal.TryGetArray(first.Memory, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(4, segment.Offset);
        Assert.True(MemoryMarshal.TryGetArray(second.Memory, out segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(8, segment.Offset);
        Assert.True(first.IsSlice);

        // A change to the input shows through the slice: it really is the same memory.
        array[4] = 0x11;
        Assert.Equal(0x11, first.Span[0]);
    }

    [Fact]
    public void ReadersThatDoNotRetainSlicesCopy()
    {
        var array = Hex("03 AABBCC");

        var memoryReader = new WireReader(new ReadOnlyMemory<byte>(array), retainSlices: false);
        Assert.False(memoryReader.RetainsSlices);
        var fromMemory = memoryReader.ReadVarBytes(10, "a");

        var spanReader = new WireReader(array.AsSpan());
        Assert.False(spanReader.RetainsSlices);
        var fromSpan = spanReader.ReadVarBytes(10, "a");

        foreach (var bytes in new[] { fromMemory, fromSpan })
        {
            Assert.Equal(Hex("AABBCC"), bytes.ToArray());
            Assert.True(MemoryMarshal.TryGetArray(bytes.Memory, out var segment));
            Assert.NotSame(array, segment.Array);
            Assert.False(bytes.IsSlice);
        }

        array[1] = 0x00;
        Assert.Equal(0xAA, fromMemory.Span[0]);
        Assert.Equal(0xAA, fromSpan.Span[0]);
    }

    [Fact]
    public void ZeroLengthByteStringIsEmpty()
    {
        var reader = new WireReader(new ReadOnlyMemory<byte>(Hex("00 00")));
        var bytes = reader.ReadVarBytes(10, "a");
        Assert.True(bytes.IsEmpty);
        Assert.Equal(WireBytes.Empty, bytes);
        Assert.True(reader.ReadBytes(0).IsEmpty);
        Assert.Equal(1, reader.Remaining);
    }

    [Fact]
    public void SingleSegmentSequenceIsReadInPlace()
    {
        var array = Hex("FF 02 AABB");
        var sequence = new ReadOnlySequence<byte>(array, 1, 3);
        Assert.True(sequence.IsSingleSegment);

        var retaining = new WireReader(sequence, retainSlices: true);
        Assert.True(retaining.RetainsSlices);
        var bytes = retaining.ReadVarBytes(10, "a");
        Assert.True(MemoryMarshal.TryGetArray(bytes.Memory, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(2, segment.Offset);

        var copying = new WireReader(sequence);
        Assert.False(copying.RetainsSlices);
        bytes = copying.ReadVarBytes(10, "a");
        Assert.True(MemoryMarshal.TryGetArray(bytes.Memory, out segment));
        Assert.NotSame(array, segment.Array);
        Assert.Equal(Hex("AABB"), bytes.ToArray());
    }

    [Fact]
    public void MultiSegmentSequenceGivesTheSameResultsAsContiguousInput()
    {
        var contiguous = new WireReader(Primitives);
        ReadAllPrimitives(ref contiguous);

        var oneByte = new WireReader(OneBytePerSegment(Primitives));
        Assert.True(oneByte.RetainsSlices);
        ReadAllPrimitives(ref oneByte);
        Assert.True(oneByte.End);

        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            var sizes = new int[random.Next(2, 12)];
            for (int i = 0; i < sizes.Length; i++)
            {
                sizes[i] = random.Next(1, 16);
            }

            var sequence = Segmented(Primitives, sizes);
            var reader = new WireReader(sequence, retainSlices: trial % 2 == 0);
            ReadAllPrimitives(ref reader);
            reader.EnsureEnd();
        }
    }

    [Fact]
    public void MultiSegmentSequenceByteStringsDoNotReferToTheSegments()
    {
        var chunks = new List<byte[]> { Hex("04 AA"), Hex("BB"), Hex("CC DD") };
        var reader = new WireReader(ByteSequences.Chain(chunks));
        var bytes = reader.ReadVarBytes(10, "a");
        Assert.Equal(Hex("AABBCCDD"), bytes.ToArray());
        chunks[1][0] = 0x00;
        Assert.Equal(0xBB, bytes.Span[1]);
    }

    [Fact]
    public void MultiSegmentTruncationIsTruncated()
    {
        for (int length = 0; length < Primitives.Length; length++)
        {
            var prefix = Primitives.AsSpan(0, length).ToArray();
            var sequence = OneBytePerSegment(prefix);
            var error = Assert.Throws<ProtocolException>(() =>
            {
                var reader = new WireReader(sequence);
                ReadAllPrimitives(ref reader);
            });
            Assert.Equal(ProtocolError.Truncated, error.Error);
        }
    }

    [Fact]
    public void SliceFromReturnsTheBytesConsumedSinceAPosition()
    {
        var array = Hex("01 02030405 06");
        var reader = new WireReader(new ReadOnlyMemory<byte>(array));
        reader.ReadByte();
        int start = reader.Position;
        reader.ReadUInt32();
        var slice = reader.SliceFrom(start);
        Assert.Equal(Hex("02030405"), slice.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(slice.Memory, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(1, segment.Offset);
        Assert.True(reader.SliceFrom(reader.Position).IsEmpty);

        var copying = new WireReader(array.AsSpan());
        copying.ReadByte();
        copying.ReadUInt32();
        var copy = copying.SliceFrom(1);
        Assert.Equal(Hex("02030405"), copy.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(copy.Memory, out segment));
        Assert.NotSame(array, segment.Array);
    }

    [Fact]
    public void EnsureEndRejectsTrailingBytes()
    {
        var error = ReadFails(Hex("0102"), (ref WireReader r) =>
        {
            r.ReadByte();
            r.EnsureEnd();
        });
        Assert.Equal(ProtocolError.InvalidValue, error.Error);
        Assert.Contains("1 unexpected trailing", error.Message, StringComparison.Ordinal);

        var reader = new WireReader(Hex("0102"));
        reader.ReadUInt16();
        reader.EnsureEnd();

        var empty = new WireReader(ReadOnlySpan<byte>.Empty);
        Assert.True(empty.End);
        empty.EnsureEnd();
    }

    [Fact]
    public void SpanAccessorsTrackThePosition()
    {
        var input = Hex("0102030405");
        var reader = new WireReader(input);
        Assert.Equal(input, reader.Input.ToArray());
        Assert.Equal(0x01, reader.ReadByte());
        reader.Skip(1);
        Assert.Equal(Hex("030405"), reader.UnreadSpan.ToArray());
        Assert.Equal(Hex("03"), reader.ReadSpan(1).ToArray());
        var destination = new byte[2];
        reader.ReadExactly(destination);
        Assert.Equal(Hex("0405"), destination);
        Assert.True(reader.End);
        Assert.Equal(input, reader.Input.ToArray());
    }

    [Fact]
    public void ContextIsCarried()
    {
        var context = new WireContext(70016, WireFlags.NoWitness);
        Assert.Equal(context, new WireReader(ReadOnlySpan<byte>.Empty, context).Context);
        Assert.Equal(context, new WireReader(ReadOnlyMemory<byte>.Empty, context).Context);
        Assert.Equal(context, new WireReader(ReadOnlySequence<byte>.Empty, context).Context);
        Assert.Equal(int.MaxValue, new WireReader(ReadOnlySpan<byte>.Empty).Context.ProtocolVersion);
    }
}
