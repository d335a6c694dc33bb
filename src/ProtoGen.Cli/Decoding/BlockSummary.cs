using System.Collections.Generic;
using ProtoGen.Bitcoin;

namespace ProtoGen.Cli.Decoding;

/// <summary>The state of a block's BIP141 witness commitment.</summary>
internal enum WitnessCommitmentStatus
{
    /// <summary>No commitment, and no transaction has witness data.</summary>
    None,

    /// <summary>The coinbase commits to the witness merkle root and the commitment checks out.</summary>
    Valid,

    /// <summary>The commitment does not check out, or witness data is present without one.</summary>
    Invalid,
}

/// <summary>What <c>decode</c> reports about one block.</summary>
internal sealed class BlockSummary
{
    /// <summary>The block's position in its input, from 1.</summary>
    public required int Index { get; init; }

    /// <summary>The block hash.</summary>
    public required Hash256 Hash { get; init; }

    /// <summary>The header.</summary>
    public required BlockHeader Header { get; init; }

    /// <summary>Whether the hash meets the target in the header's bits.</summary>
    public required bool ProofOfWorkValid { get; init; }

    /// <summary>Whether the header's merkle root matches the transactions (and the tree is not mutated).</summary>
    public required bool MerkleRootValid { get; init; }

    /// <summary>The witness commitment's state.</summary>
    public required WitnessCommitmentStatus WitnessCommitment { get; init; }

    /// <summary>The number of transactions.</summary>
    public required int TransactionCount { get; init; }

    /// <summary>The size with witness data, in bytes.</summary>
    public required int Size { get; init; }

    /// <summary>The size without witness data, in bytes.</summary>
    public required int StrippedSize { get; init; }

    /// <summary>The weight (BIP141).</summary>
    public required int Weight { get; init; }

    /// <summary>The transactions, when they were asked for; otherwise null.</summary>
    public IReadOnlyList<TransactionSummary>? Transactions { get; init; }

    /// <summary>Summarises <paramref name="block"/>.</summary>
    /// <param name="block">The block.</param>
    /// <param name="index">Its position in the input, from 1.</param>
    /// <param name="includeTransactions">Whether to summarise every transaction too.</param>
    public static BlockSummary Create(Block block, int index, bool includeTransactions)
    {
        List<TransactionSummary>? transactions = null;
        if (includeTransactions)
        {
            transactions = new List<TransactionSummary>(block.Transactions.Count);
            foreach (var transaction in block.Transactions.AsSpan())
            {
                transactions.Add(TransactionSummary.Create(transaction));
            }
        }

        bool commitmentChecks = block.CheckWitnessCommitment();
        return new BlockSummary
        {
            Index = index,
            Hash = block.GetHash(),
            Header = block.Header,
            ProofOfWorkValid = block.Header.CheckProofOfWork(),
            MerkleRootValid = block.CheckMerkleRoot(),
            WitnessCommitment = !commitmentChecks ? WitnessCommitmentStatus.Invalid
                : block.HasWitnessCommitment ? WitnessCommitmentStatus.Valid : WitnessCommitmentStatus.None,
            TransactionCount = block.Transactions.Count,
            Size = block.GetSize(),
            StrippedSize = block.GetStrippedSize(),
            Weight = block.GetWeight(),
            Transactions = transactions,
        };
    }
}
