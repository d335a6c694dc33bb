using System;
using System.Buffers;

namespace ProtoGen.Bitcoin;

/// <summary>A block, and the <c>block</c> message: a header and its transactions.</summary>
[Message("block", V2ShortId = 2)]
public sealed partial record Block
{
    /// <summary>The witness commitment's script prefix: OP_RETURN, push 36, and the tag 0xaa21a9ed (BIP141).</summary>
    private static ReadOnlySpan<byte> WitnessCommitmentPrefix => [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

    /// <summary>The header.</summary>
    public BlockHeader Header { get; init; }

    /// <summary>The transactions, coinbase first.</summary>
    [MaxCount(ProtocolLimits.MaxTransactionsPerBlock)]
    public WireArray<Transaction> Transactions { get; init; }

    /// <summary>The block hash.</summary>
    public Hash256 GetHash() => Header.GetHash();

    /// <summary>The merkle root of the transactions' txids; <paramref name="mutated"/> reports duplicate adjacent nodes (CVE-2012-2459).</summary>
    /// <param name="mutated">Whether the tree is ambiguous.</param>
    public Hash256 ComputeMerkleRoot(out bool mutated)
    {
        int count = Transactions.Count;
        var leaves = ArrayPool<Hash256>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var span = leaves.AsSpan(0, count);
            Transaction.ComputeIds(Transactions.AsSpan(), span, default);
            return MerkleTree.ComputeRoot(span, out mutated);
        }
        finally
        {
            ArrayPool<Hash256>.Shared.Return(leaves);
        }
    }

    /// <summary>The merkle root of the wtxids, with the coinbase's taken as zero (BIP141).</summary>
    public Hash256 ComputeWitnessMerkleRoot()
    {
        int count = Transactions.Count;
        var leaves = ArrayPool<Hash256>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var span = leaves.AsSpan(0, count);
            if (count > 0)
            {
                span[0] = Hash256.Zero;
                Transaction.ComputeIds(Transactions.AsSpan().Slice(1), default, span.Slice(1));
            }

            return MerkleTree.ComputeRoot(span, out _);
        }
        finally
        {
            ArrayPool<Hash256>.Shared.Return(leaves);
        }
    }

    /// <summary>Whether the header's merkle root matches the transactions and the tree is not mutated.</summary>
    public bool CheckMerkleRoot() => ComputeMerkleRoot(out bool mutated) == Header.MerkleRoot && !mutated;

    /// <summary>Whether the block has a witness commitment in its coinbase (BIP141).</summary>
    public bool HasWitnessCommitment => FindWitnessCommitment() >= 0;

    /// <summary>
    /// Checks the BIP141 witness commitment: when the coinbase commits, its witness must be one 32-byte reserved value
    /// and the commitment must equal SHA-256d(witness root, reserved value); without a commitment, no transaction may
    /// carry witness data.
    /// </summary>
    public bool CheckWitnessCommitment()
    {
        int index = FindWitnessCommitment();
        if (index < 0)
        {
            foreach (var transaction in Transactions.AsSpan())
            {
                if (transaction.HasWitness)
                {
                    return false;
                }
            }

            return true;
        }

        var coinbase = Transactions[0];
        var witness = coinbase.Inputs[0].Witness;
        if (witness.Count != 1 || witness[0].Length != Hash256.Size)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Hash256.Size * 2];
        ComputeWitnessMerkleRoot().WriteTo(buffer);
        witness[0].Span.CopyTo(buffer.Slice(Hash256.Size));
        var commitment = DoubleSha256.Hash(buffer);
        Span<byte> expected = stackalloc byte[Hash256.Size];
        commitment.WriteTo(expected);
        return coinbase.Outputs[index].ScriptPubKey.Span.Slice(WitnessCommitmentPrefix.Length, Hash256.Size).SequenceEqual(expected);
    }

    /// <summary>The index of the coinbase output holding the witness commitment (the last matching one), or -1.</summary>
    private int FindWitnessCommitment()
    {
        if (Transactions.IsEmpty || !Transactions[0].IsCoinbase)
        {
            return -1;
        }

        var outputs = Transactions[0].Outputs.AsSpan();
        for (int i = outputs.Length - 1; i >= 0; i--)
        {
            var script = outputs[i].ScriptPubKey.Span;
            if (script.Length >= 38 && script.StartsWith(WitnessCommitmentPrefix))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The encoded size with witness data.</summary>
    public int GetSize() => GetEncodedSize(this, WireContext.Default);

    /// <summary>The encoded size without witness data.</summary>
    public int GetStrippedSize() => GetEncodedSize(this, new WireContext(0, WireFlags.NoWitness));

    /// <summary>The block weight (BIP141): stripped size × 3 + total size.</summary>
    public int GetWeight() => (GetStrippedSize() * 3) + GetSize();
}
