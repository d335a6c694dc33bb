using ProtoGen.Bitcoin;

namespace ProtoGen.Fuzz;

/// <summary>
/// The transaction decoder, through <see cref="WireSerializer"/> (the input must be exactly one transaction), from a
/// span (inputs and outputs built at once, byte strings copied) and from memory (checked at once, inputs and outputs
/// built lazily from the raw bytes on first read).
/// </summary>
/// <remarks>
/// Property: both decodes raise <see cref="ProtocolException"/> with the same code, or both accept. An accepted
/// transaction re-encodes to the input from its fields and from its raw bytes; its txid, wtxid, sizes, weight,
/// <see cref="Transaction.HasWitness"/> and <see cref="Transaction.IsCoinbase"/> read off the raw bytes equal those
/// computed from the fields, before and after the lazy parts are built; its encoding without witness data is the
/// same either way and hashes to the txid; the lazy parts equal the span decode's. The decode and the reading of the
/// lazy parts each allocate within <see cref="Property.AllocationBound"/>.
/// </remarks>
public static class TransactionTarget
{
    private static readonly WireContext NoWitness = new(0, WireFlags.NoWitness);

    /// <summary>Checks the property on one input.</summary>
    /// <param name="input">The input.</param>
    public static void Run(ReadOnlyMemory<byte> input)
    {
        var fromSpan = Property.Decode("tx from a span", input.Length, () => WireSerializer.Decode<Transaction>(input.Span));
        var fromMemory = Property.Decode("tx from memory", input.Length, () => WireSerializer.Decode<Transaction>(input));
        Property.SameVerdict(fromSpan, fromMemory, "tx: span and memory decodes");
        if (!fromSpan.Accepted)
        {
            return;
        }

        Compare(fromSpan.Value!, fromMemory.Value!, input.Span, "tx");
    }

    /// <summary>
    /// Compares a transaction decoded from a span (<paramref name="eager"/>) with the same bytes decoded from memory
    /// (<paramref name="lazy"/>, its parts not yet read), both decoded from <paramref name="bytes"/>.
    /// </summary>
    /// <param name="eager">The span decode.</param>
    /// <param name="lazy">The memory decode.</param>
    /// <param name="bytes">The transaction's bytes.</param>
    /// <param name="what">Which transaction, for messages.</param>
    public static void Compare(Transaction eager, Transaction lazy, ReadOnlySpan<byte> bytes, string what)
    {
        Property.Check(eager.DecodedBytes.IsEmpty, $"{what}: a span decode remembers raw bytes");
        Property.BytesEqual(bytes, lazy.DecodedBytes.Span, $"{what}: the memory decode's raw bytes");

        // Off the raw bytes, before the lazy parts exist.
        var txId = lazy.GetTxId();
        var wtxId = lazy.GetWitnessTxId();
        bool hasWitness = lazy.HasWitness;
        bool isCoinbase = lazy.IsCoinbase;
        int size = lazy.GetSize();
        int strippedSize = lazy.GetStrippedSize();
        var stripped = WireSerializer.Encode(lazy, NoWitness);
        Property.BytesEqual(bytes, WireSerializer.Encode(lazy), $"{what}: re-encoding the raw bytes");

        // From the fields.
        Property.BytesEqual(bytes, WireSerializer.Encode(eager), $"{what}: re-encoding the fields");
        Property.BytesEqual(stripped, WireSerializer.Encode(eager, NoWitness), $"{what}: encoding without witness data");
        Property.Check(eager.GetTxId() == txId, $"{what}: the txid off the raw bytes differs from the fields'");
        Property.Check(DoubleSha256.Hash(stripped) == txId, $"{what}: the txid is not the hash of the encoding without witness data");
        Property.Check(eager.GetWitnessTxId() == wtxId, $"{what}: the wtxid off the raw bytes differs from the fields'");
        Property.Check(eager.HasWitness == hasWitness, $"{what}: HasWitness off the raw bytes is {hasWitness}");
        Property.Check(hasWitness || txId == wtxId, $"{what}: a transaction without witness data has a wtxid other than its txid");
        Property.Check(eager.IsCoinbase == isCoinbase, $"{what}: IsCoinbase off the raw bytes is {isCoinbase}");
        Property.Check(eager.GetSize() == size && size == bytes.Length, $"{what}: sizes {eager.GetSize()} (fields), {size} (raw), {bytes.Length} (input)");
        Property.Check(eager.GetStrippedSize() == strippedSize && strippedSize == stripped.Length, $"{what}: stripped sizes {eager.GetStrippedSize()} (fields), {strippedSize} (raw), {stripped.Length} (encoded)");
        Property.Check(eager.GetWeight() == lazy.GetWeight(), $"{what}: weights differ");

        // The lazy parts, read as an application would.
        var parts = Property.Decode($"{what}: reading the lazy parts", bytes.Length, () => ReadParts(lazy));
        Property.Check(parts.Accepted, $"{what}: building the lazy parts of a checked transaction failed: {parts.Verdict}");
        Property.Check(eager.Equals(lazy) && lazy.Equals(eager), $"{what}: the lazy parts differ from the span decode's");
        Property.Check(lazy.IsCoinbase == isCoinbase && lazy.HasWitness == hasWitness, $"{what}: IsCoinbase or HasWitness changed once the parts were built");
        Property.Check(lazy.GetTxId() == txId && lazy.GetWitnessTxId() == wtxId, $"{what}: ids changed once the parts were built");

        // A copy forgets the raw bytes and is encoded from its fields.
        var copy = lazy with { };
        Property.Check(copy.DecodedBytes.IsEmpty, $"{what}: a copy remembers the raw bytes");
        Property.BytesEqual(bytes, WireSerializer.Encode(copy), $"{what}: re-encoding a copy");
        Property.Check(copy.GetTxId() == txId, $"{what}: a copy's txid differs");
    }

    private static object ReadParts(Transaction transaction)
    {
        long total = 0;
        foreach (var input in transaction.Inputs)
        {
            total += input.ScriptSig.Length + input.PreviousOutput.Index + input.Sequence;
            foreach (var item in input.Witness)
            {
                total += item.Length;
            }
        }

        foreach (var output in transaction.Outputs)
        {
            total += output.ScriptPubKey.Length + output.Value;
        }

        return total;
    }
}
