using ProtoGen.Bitcoin;

namespace ProtoGen.Cli.Decoding;

/// <summary>What <c>decode</c> reports about one transaction.</summary>
internal sealed class TransactionSummary
{
    /// <summary>The txid.</summary>
    public required Hash256 TxId { get; init; }

    /// <summary>The wtxid (equal to the txid without witness data).</summary>
    public required Hash256 WitnessTxId { get; init; }

    /// <summary>The transaction version.</summary>
    public required int Version { get; init; }

    /// <summary>The lock time.</summary>
    public required uint LockTime { get; init; }

    /// <summary>The size with witness data, in bytes.</summary>
    public required int Size { get; init; }

    /// <summary>The size without witness data, in bytes.</summary>
    public required int StrippedSize { get; init; }

    /// <summary>The weight (BIP141).</summary>
    public required int Weight { get; init; }

    /// <summary>The virtual size: weight / 4, rounded up.</summary>
    public int VirtualSize => (Weight + 3) / 4;

    /// <summary>The number of inputs.</summary>
    public required int Inputs { get; init; }

    /// <summary>The number of outputs.</summary>
    public required int Outputs { get; init; }

    /// <summary>The sum of the output values, in satoshis.</summary>
    public required decimal OutputValue { get; init; }

    /// <summary>Whether any input carries witness data.</summary>
    public required bool HasWitness { get; init; }

    /// <summary>Whether this is a coinbase transaction.</summary>
    public required bool IsCoinbase { get; init; }

    /// <summary>Summarises <paramref name="transaction"/>.</summary>
    /// <param name="transaction">The transaction.</param>
    public static TransactionSummary Create(Transaction transaction)
    {
        decimal value = 0;
        foreach (ref readonly var output in transaction.Outputs.AsSpan())
        {
            value += output.Value;
        }

        return new TransactionSummary
        {
            TxId = transaction.GetTxId(),
            WitnessTxId = transaction.GetWitnessTxId(),
            Version = transaction.Version,
            LockTime = transaction.LockTime,
            Size = transaction.GetSize(),
            StrippedSize = transaction.GetStrippedSize(),
            Weight = transaction.GetWeight(),
            Inputs = transaction.Inputs.Count,
            Outputs = transaction.Outputs.Count,
            OutputValue = value,
            HasWitness = transaction.HasWitness,
            IsCoinbase = transaction.IsCoinbase,
        };
    }
}
