using System;

namespace ProtoGen.Bitcoin;

/// <summary>Service bits a node advertises in its version message and addresses.</summary>
[Flags]
public enum ServiceFlags : ulong
{
    /// <summary>No services.</summary>
    None = 0,

    /// <summary>NODE_NETWORK: serves the full block chain.</summary>
    Network = 1,

    /// <summary>NODE_GETUTXO (BIP64).</summary>
    GetUtxo = 1 << 1,

    /// <summary>NODE_BLOOM (BIP111): accepts bloom-filtered connections.</summary>
    Bloom = 1 << 2,

    /// <summary>NODE_WITNESS (BIP144): serves witness data.</summary>
    Witness = 1 << 3,

    /// <summary>NODE_XTHIN (never used by Bitcoin Core).</summary>
    Xthin = 1 << 4,

    /// <summary>NODE_COMPACT_FILTERS (BIP157).</summary>
    CompactFilters = 1 << 6,

    /// <summary>NODE_NETWORK_LIMITED (BIP159): serves the last 288 blocks.</summary>
    NetworkLimited = 1 << 10,

    /// <summary>NODE_P2P_V2 (BIP324): speaks the encrypted v2 transport.</summary>
    P2PV2 = 1 << 11,
}

/// <summary>The type of an inventory vector.</summary>
public enum InventoryType : uint
{
    /// <summary>Error or unknown.</summary>
    Error = 0,

    /// <summary>A transaction by txid.</summary>
    Tx = 1,

    /// <summary>A block.</summary>
    Block = 2,

    /// <summary>A filtered block (merkleblock, BIP37).</summary>
    FilteredBlock = 3,

    /// <summary>A compact block (BIP152).</summary>
    CompactBlock = 4,

    /// <summary>A transaction by wtxid (BIP339).</summary>
    Wtx = 5,

    /// <summary>A transaction with witness data (BIP144).</summary>
    WitnessTx = 0x40000001,

    /// <summary>A block with witness data (BIP144).</summary>
    WitnessBlock = 0x40000002,

    /// <summary>A filtered block with witness data.</summary>
    FilteredWitnessBlock = 0x40000003,
}

/// <summary>The network identifier of an addrv2 address (BIP155).</summary>
public enum AddressNetwork : byte
{
    /// <summary>IPv4, 4 bytes.</summary>
    IPv4 = 1,

    /// <summary>IPv6, 16 bytes.</summary>
    IPv6 = 2,

    /// <summary>Tor v2 (no longer supported), 10 bytes.</summary>
    TorV2 = 3,

    /// <summary>Tor v3, 32 bytes.</summary>
    TorV3 = 4,

    /// <summary>I2P, 32 bytes.</summary>
    I2P = 5,

    /// <summary>CJDNS, 16 bytes.</summary>
    Cjdns = 6,
}

/// <summary>The reason codes of a reject message (BIP61).</summary>
public enum RejectCode : byte
{
    /// <summary>Malformed message.</summary>
    Malformed = 0x01,

    /// <summary>Invalid transaction or block.</summary>
    Invalid = 0x10,

    /// <summary>Obsolete version.</summary>
    Obsolete = 0x11,

    /// <summary>Duplicate.</summary>
    Duplicate = 0x12,

    /// <summary>Non-standard transaction.</summary>
    NonStandard = 0x40,

    /// <summary>Dust output.</summary>
    Dust = 0x41,

    /// <summary>Fee too low.</summary>
    InsufficientFee = 0x42,

    /// <summary>Conflicts with a checkpoint.</summary>
    Checkpoint = 0x43,
}
