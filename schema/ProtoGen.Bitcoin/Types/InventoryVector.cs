namespace ProtoGen.Bitcoin;

/// <summary>An inventory vector: what is announced or requested, and its hash.</summary>
[WireType]
public readonly partial record struct InventoryVector
{
    /// <summary>Creates an inventory vector.</summary>
    /// <param name="type">The type.</param>
    /// <param name="hash">The hash (txid, wtxid or block hash).</param>
    public InventoryVector(InventoryType type, Hash256 hash)
    {
        Type = type;
        Hash = hash;
    }

    /// <summary>What the hash names.</summary>
    public InventoryType Type { get; init; }

    /// <summary>The txid, wtxid or block hash.</summary>
    public Hash256 Hash { get; init; }

    /// <summary>The type and hash as text.</summary>
    public override string ToString() => $"{Type} {Hash}";
}
