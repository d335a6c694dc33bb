namespace ProtoGen.Peers;

/// <summary>The remote's compact-block mode (BIP152).</summary>
/// <param name="HighBandwidth">Whether it wants blocks pushed without announcement.</param>
/// <param name="Version">The compact-block version.</param>
public sealed record CompactBlockMode(bool HighBandwidth, ulong Version);

/// <summary>Features negotiated with a peer.</summary>
/// <param name="WtxidRelay">The remote sent wtxidrelay before verack (BIP339): announce transactions to it by wtxid.</param>
/// <param name="AddrV2">The remote asked for addrv2 (BIP155).</param>
/// <param name="SendHeaders">The remote asked for headers announcements (BIP130).</param>
/// <param name="CompactBlocks">The remote's compact-block mode (BIP152), if it sent sendcmpct version 2.</param>
/// <param name="FeeFilter">The remote's fee filter (BIP133), in satoshis per 1000 vbytes.</param>
/// <param name="Witness">The remote serves witness data (NODE_WITNESS).</param>
/// <param name="TxReconciliation">The remote offered transaction reconciliation (BIP330).</param>
/// <param name="RelayTransactions">The remote's version relay flag (BIP37).</param>
public sealed record PeerFeatures(
    bool WtxidRelay,
    bool AddrV2,
    bool SendHeaders,
    CompactBlockMode? CompactBlocks,
    long? FeeFilter,
    bool Witness,
    bool TxReconciliation,
    bool RelayTransactions);
