namespace ProtoGen.Bitcoin;

/// <summary>A reference to a transaction output: txid and output index.</summary>
[WireType]
public readonly partial record struct OutPoint
{
    /// <summary>Creates an outpoint.</summary>
    /// <param name="txId">The transaction id.</param>
    /// <param name="index">The output index.</param>
    public OutPoint(Hash256 txId, uint index)
    {
        TxId = txId;
        Index = index;
    }

    /// <summary>The id of the transaction that created the output.</summary>
    public Hash256 TxId { get; init; }

    /// <summary>The output's index in that transaction.</summary>
    public uint Index { get; init; }

    /// <summary>Whether this is the null outpoint a coinbase input spends.</summary>
    public bool IsNull => TxId.IsZero && Index == uint.MaxValue;
}

/// <summary>
/// A transaction input. Its witness stack is not part of the input's own encoding: the transaction codec writes all
/// witnesses after the outputs (BIP144).
/// </summary>
[WireType]
public readonly partial record struct TxIn
{
    /// <summary>The output being spent.</summary>
    public OutPoint PreviousOutput { get; init; }

    /// <summary>The unlocking script.</summary>
    [MaxLength(ProtocolLimits.MaxScriptSize)]
    public WireBytes ScriptSig { get; init; }

    /// <summary>The sequence number.</summary>
    public uint Sequence { get; init; }

    /// <summary>The witness stack (empty for legacy inputs).</summary>
    [WireIgnore]
    public WireArray<WireBytes> Witness { get; init; }
}

/// <summary>A transaction output: an amount and a locking script.</summary>
[WireType]
public readonly partial record struct TxOut
{
    /// <summary>The amount in satoshis.</summary>
    public long Value { get; init; }

    /// <summary>The locking script.</summary>
    [MaxLength(ProtocolLimits.MaxScriptSize)]
    public WireBytes ScriptPubKey { get; init; }
}
