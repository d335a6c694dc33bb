using ProtoGen.Bitcoin;

namespace ProtoGen.Fuzz;

/// <summary>
/// The block decoder, through <see cref="WireSerializer"/> (the input must be exactly one block), from a span and from
/// memory (each transaction lazy), with every transaction's lazy parts read.
/// </summary>
/// <remarks>
/// Property: both decodes raise <see cref="ProtocolException"/> with the same code, or both accept. An accepted
/// block re-encodes to the input either way and encodes the same without witness data; its hash, merkle roots (and
/// mutation flag), witness commitment check, sizes and weight agree between the two; every transaction passes
/// <see cref="TransactionTarget.Compare"/> against its span twin. The decode and the reading of the lazy parts
/// each allocate within <see cref="Property.AllocationBound"/>.
/// </remarks>
public static class BlockTarget
{
    private static readonly WireContext NoWitness = new(0, WireFlags.NoWitness);

    /// <summary>Checks the property on one input.</summary>
    /// <param name="input">The input.</param>
    public static void Run(ReadOnlyMemory<byte> input)
    {
        var fromSpan = Property.Decode("block from a span", input.Length, () => WireSerializer.Decode<Block>(input.Span));
        var fromMemory = Property.Decode("block from memory", input.Length, () => WireSerializer.Decode<Block>(input));
        Property.SameVerdict(fromSpan, fromMemory, "block: span and memory decodes");
        if (!fromSpan.Accepted)
        {
            return;
        }

        var eager = fromSpan.Value!;
        var lazy = fromMemory.Value!;
        var bytes = input.Span;

        // Block-level values, off the lazy transactions' raw bytes first.
        var merkleRoot = lazy.ComputeMerkleRoot(out bool mutated);
        var witnessRoot = lazy.ComputeWitnessMerkleRoot();
        Property.BytesEqual(bytes, WireSerializer.Encode(lazy), "block: re-encoding the memory decode");
        Property.BytesEqual(bytes, WireSerializer.Encode(eager), "block: re-encoding the span decode");
        Property.BytesEqual(WireSerializer.Encode(eager, NoWitness), WireSerializer.Encode(lazy, NoWitness), "block: encoding without witness data");
        Property.Check(eager.GetHash() == lazy.GetHash(), "block: hashes differ");
        Property.Check(eager.ComputeMerkleRoot(out bool eagerMutated) == merkleRoot && eagerMutated == mutated, "block: merkle roots differ");
        Property.Check(eager.ComputeWitnessMerkleRoot() == witnessRoot, "block: witness merkle roots differ");
        Property.Check(eager.GetSize() == bytes.Length && lazy.GetSize() == bytes.Length, "block: sizes differ from the input's");
        Property.Check(eager.GetStrippedSize() == lazy.GetStrippedSize() && eager.GetWeight() == lazy.GetWeight(), "block: stripped sizes or weights differ");
        Property.Check(eager.Transactions.Count == lazy.Transactions.Count, "block: transaction counts differ");

        // Where each transaction starts: after the header and the count.
        int offset = BlockHeader.Size + CompactSize.GetEncodedSize((ulong)eager.Transactions.Count);
        var parts = Property.Decode("block: reading every transaction's lazy parts", input.Length, () => ReadParts(lazy));
        Property.Check(parts.Accepted, $"block: building lazy parts failed: {parts.Verdict}");
        for (int i = 0; i < eager.Transactions.Count; i++)
        {
            var transaction = eager.Transactions[i];
            int size = transaction.GetSize();
            TransactionTarget.Compare(transaction, Unread(lazy.Transactions[i], input.Slice(offset, size)), bytes.Slice(offset, size), $"block transaction {i}");
            offset += size;
        }

        Property.Check(offset == bytes.Length, $"block: the transactions end at {offset} of {bytes.Length}");
        Property.Check(eager.CheckWitnessCommitment() == lazy.CheckWitnessCommitment(), "block: witness commitment checks differ");
        Property.Check(eager.HasWitnessCommitment == lazy.HasWitnessCommitment, "block: witness commitments differ");
        Property.Check(eager.Equals(lazy), "block: span and memory decodes give different values");
    }

    private static object ReadParts(Block block)
    {
        long total = 0;
        foreach (var transaction in block.Transactions)
        {
            total += transaction.Inputs.Count + transaction.Outputs.Count;
        }

        return total;
    }

    /// <summary>
    /// The lazy transaction's raw bytes must be the block's slice; decoding that slice again from memory gives a
    /// transaction whose parts are not read yet, which <see cref="TransactionTarget.Compare"/> needs.
    /// </summary>
    private static Transaction Unread(Transaction lazy, ReadOnlyMemory<byte> slice)
    {
        Property.BytesEqual(slice.Span, lazy.DecodedBytes.Span, "block: a transaction's raw bytes");
        return WireSerializer.Decode<Transaction>(slice);
    }
}
