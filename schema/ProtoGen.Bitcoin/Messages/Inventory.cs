namespace ProtoGen.Bitcoin;

/// <summary>The <c>inv</c> message: announces up to 50,000 transactions or blocks.</summary>
[Message("inv", V2ShortId = 14)]
public sealed partial record InvMessage
{
    /// <summary>The announced items.</summary>
    [MaxCount(ProtocolLimits.MaxInventory)]
    public WireArray<InventoryVector> Inventory { get; init; }
}

/// <summary>The <c>getdata</c> message: requests up to 50,000 transactions or blocks.</summary>
[Message("getdata", V2ShortId = 11)]
public sealed partial record GetDataMessage
{
    /// <summary>The requested items.</summary>
    [MaxCount(ProtocolLimits.MaxInventory)]
    public WireArray<InventoryVector> Inventory { get; init; }
}

/// <summary>The <c>notfound</c> message: requested items that cannot be served.</summary>
[Message("notfound", V2ShortId = 17)]
public sealed partial record NotFoundMessage
{
    /// <summary>The items not found.</summary>
    [MaxCount(ProtocolLimits.MaxInventory)]
    public WireArray<InventoryVector> Inventory { get; init; }
}

/// <summary>The <c>mempool</c> message (BIP35): asks for the peer's mempool transactions.</summary>
[Message("mempool", ListenerName = "MemPool", MinProtocolVersion = ProtocolVersions.Bip35, V2ShortId = 15)]
public sealed partial record MemPoolMessage;
