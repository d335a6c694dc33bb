using System.Runtime.InteropServices;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// <c>WireSerializer.Decode&lt;Block&gt;(byte[])</c>, the call a user writes first, takes the memory path (scripts and
/// witness items are slices of the array, transactions are built lazily) and not the span path that copies every byte
/// string.
/// </summary>
public class ByteArrayDecodeTests
{
    [Fact]
    public void A_block_decoded_from_a_byte_array_keeps_slices_of_it()
    {
        byte[] bytes = TestData.Read(TestData.SegwitBlockFile(TestData.SegwitBlock1Hash));

        var block = WireSerializer.Decode<Block>(bytes);

        var spending = block.Transactions[1];
        Assert.True(MemoryMarshal.TryGetArray(spending.Outputs[0].ScriptPubKey.Memory, out var segment));
        Assert.Same(bytes, segment.Array);
        var witnessItem = spending.Inputs.AsSpan().ToArray().SelectMany(input => input.Witness.AsSpan().ToArray()).First(item => !item.IsEmpty);
        Assert.True(MemoryMarshal.TryGetArray(witnessItem.Memory, out segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(WireSerializer.Decode<Block>(bytes.AsSpan()).GetHash(), block.GetHash());
    }

    [Fact]
    public void A_block_decoded_from_a_byte_array_allocates_a_fraction_of_the_span_decode()
    {
        byte[] bytes = TestData.Read(TestData.Block413567);
        WireSerializer.Decode<Block>(bytes);
        WireSerializer.Decode<Block>(bytes.AsSpan());

        long before = GC.GetAllocatedBytesForCurrentThread();
        var fromArray = WireSerializer.Decode<Block>(bytes);
        long arrayBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        var fromSpan = WireSerializer.Decode<Block>(bytes.AsSpan());
        long spanBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // A relative bound, no timing: the span path copies every script and builds every input and output array.
        Assert.True(arrayBytes * 4 < spanBytes, $"decoding from byte[] allocated {arrayBytes} bytes, from a span {spanBytes}");
        Assert.Equal(fromSpan.Transactions.Count, fromArray.Transactions.Count);
    }
}
