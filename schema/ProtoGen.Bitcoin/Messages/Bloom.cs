using System.Globalization;

namespace ProtoGen.Bitcoin;

/// <summary>The <c>filterload</c> message (BIP37): sets a bloom filter on the connection.</summary>
[Message("filterload", MinProtocolVersion = ProtocolVersions.Bip37, V2ShortId = 8)]
public sealed partial record FilterLoadMessage
{
    /// <summary>The filter's bit field, at most 36,000 bytes.</summary>
    [MaxLength(ProtocolLimits.MaxBloomFilterSize)]
    public WireBytes Filter { get; init; }

    /// <summary>The number of hash functions, at most 50.</summary>
    public uint HashFunctions { get; init; }

    /// <summary>The random tweak added to the hash seeds.</summary>
    public uint Tweak { get; init; }

    /// <summary>How matched outputs update the filter (BLOOM_UPDATE_NONE, _ALL, _P2PUBKEY_ONLY).</summary>
    public byte Flags { get; init; }

    partial void OnDecoded()
    {
        if (HashFunctions > ProtocolLimits.MaxBloomHashFunctions)
        {
            throw new ProtocolException(ProtocolError.ValueOutOfRange, string.Create(CultureInfo.InvariantCulture, $"HashFunctions: {HashFunctions} exceeds the limit {ProtocolLimits.MaxBloomHashFunctions}"));
        }
    }
}

/// <summary>The <c>filteradd</c> message (BIP37): adds one element (at most 520 bytes) to the bloom filter.</summary>
[Message("filteradd", MinProtocolVersion = ProtocolVersions.Bip37, V2ShortId = 6)]
public sealed partial record FilterAddMessage
{
    /// <summary>The element.</summary>
    [MaxLength(ProtocolLimits.MaxFilterAddSize)]
    public WireBytes Data { get; init; }
}

/// <summary>The <c>filterclear</c> message (BIP37): removes the bloom filter.</summary>
[Message("filterclear", MinProtocolVersion = ProtocolVersions.Bip37, V2ShortId = 7)]
public sealed partial record FilterClearMessage;

/// <summary>The <c>merkleblock</c> message (BIP37): a header and a partial merkle tree proving the matched transactions.</summary>
[Message("merkleblock", MinProtocolVersion = ProtocolVersions.Bip37, V2ShortId = 16)]
public sealed partial record MerkleBlockMessage
{
    /// <summary>The block header.</summary>
    public BlockHeader Header { get; init; }

    /// <summary>The number of transactions in the block.</summary>
    public uint TransactionCount { get; init; }

    /// <summary>The partial merkle tree's hashes, depth first.</summary>
    [MaxCount(ProtocolLimits.MaxTransactionsPerBlock)]
    public WireArray<Hash256> Hashes { get; init; }

    /// <summary>The partial merkle tree's flag bits.</summary>
    [MaxLength(ProtocolLimits.MaxMerkleFlagBytes)]
    public WireBytes Flags { get; init; }
}
