namespace ProtoGen.Bitcoin;

/// <summary>
/// Protocol limits as named constants, with where each comes from. Decoders check them before allocating.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Largest message payload a peer may send (Bitcoin Core <c>MAX_PROTOCOL_MESSAGE_LENGTH</c>).</summary>
    public const int MaxMessagePayload = 4_000_000;

    /// <summary>Largest inventory list in inv, getdata and notfound (Core <c>MAX_INV_SZ</c>).</summary>
    public const int MaxInventory = 50_000;

    /// <summary>Largest addr and addrv2 list (Core <c>MAX_ADDR_TO_SEND</c>).</summary>
    public const int MaxAddresses = 1_000;

    /// <summary>Largest headers list (Core <c>MAX_HEADERS_RESULTS</c>).</summary>
    public const int MaxHeaders = 2_000;

    /// <summary>Largest block locator in getblocks and getheaders (Core <c>MAX_LOCATOR_SZ</c>; btcd allows 500).</summary>
    public const int MaxLocatorHashes = 101;

    /// <summary>Longest user agent in the version message (Core <c>MAX_SUBVERSION_LENGTH</c>).</summary>
    public const int MaxUserAgentLength = 256;

    /// <summary>Largest bloom filter in filterload (BIP37 <c>MAX_BLOOM_FILTER_SIZE</c>).</summary>
    public const int MaxBloomFilterSize = 36_000;

    /// <summary>Most hash functions a bloom filter may use (BIP37 <c>MAX_HASH_FUNCS</c>).</summary>
    public const int MaxBloomHashFunctions = 50;

    /// <summary>Largest filteradd element (Core <c>MAX_SCRIPT_ELEMENT_SIZE</c>).</summary>
    public const int MaxFilterAddSize = 520;

    /// <summary>Longest address in an addrv2 entry (BIP155 <c>MAX_ADDRV2_SIZE</c>).</summary>
    public const int MaxAddrV2AddressLength = 512;

    /// <summary>Most transactions a block can hold: the payload limit over the smallest transaction (10 bytes).</summary>
    public const int MaxTransactionsPerBlock = MaxMessagePayload / MinTransactionSize;

    /// <summary>The smallest encoded transaction: version, two empty counts, lock time.</summary>
    public const int MinTransactionSize = 10;

    /// <summary>Most inputs a transaction can hold: the payload limit over the smallest input (41 bytes).</summary>
    public const int MaxInputsPerTransaction = MaxMessagePayload / 41;

    /// <summary>Most outputs a transaction can hold: the payload limit over the smallest output (9 bytes).</summary>
    public const int MaxOutputsPerTransaction = MaxMessagePayload / 9;

    /// <summary>Longest script accepted on the wire (bounded by the payload; consensus limits apply later).</summary>
    public const int MaxScriptSize = MaxMessagePayload;

    /// <summary>Most witness items per input (bounded by the payload, as btcd does).</summary>
    public const int MaxWitnessItems = MaxMessagePayload;

    /// <summary>Longest witness item (bounded by the payload, as btcd does).</summary>
    public const int MaxWitnessItemSize = MaxMessagePayload;

    /// <summary>Longest flag bit field in merkleblock: one bit per transaction.</summary>
    public const int MaxMerkleFlagBytes = (MaxTransactionsPerBlock / 8) + 1;

    /// <summary>Most entries of a compact block, and largest index (Core: "indexes overflowed 16 bits").</summary>
    public const int MaxCompactBlockEntries = ushort.MaxValue;

    /// <summary>Most filter hashes in cfheaders (BIP157 <c>MAX_GETCFHEADERS_SIZE</c>).</summary>
    public const int MaxCFHeaders = 2_000;

    /// <summary>Most filter headers in cfcheckpt (btcd <c>MaxCFHeadersPerMsg</c> for checkpoints).</summary>
    public const int MaxCFCheckpoints = 100_000;

    /// <summary>Largest compact filter in cfilter (btcd <c>MaxCFilterDataSize</c>, 256 KiB).</summary>
    public const int MaxCFilterSize = 256 * 1024;

    /// <summary>Range of a getcfilters request (BIP157 <c>MAX_GETCFILTERS_SIZE</c>).</summary>
    public const int MaxGetCFiltersRange = 1_000;

    /// <summary>Longest rejected-command name in reject (the command field size).</summary>
    public const int MaxRejectCommandLength = 12;

    /// <summary>Longest reason text in reject (Core <c>MAX_REJECT_MESSAGE_LENGTH</c>).</summary>
    public const int MaxRejectReasonLength = 111;

    /// <summary>Most block hashes announced in reply to getblocks (Core).</summary>
    public const int MaxBlocksPerGetBlocks = 500;

    /// <summary>Most items Bitcoin Core asks for in one getdata (<c>MAX_GETDATA_SZ</c>).</summary>
    public const int MaxGetDataRequest = 1_000;

    /// <summary>Shortest feature id in a <c>feature</c> message (BIP434: "BIPx" for BIPs 1-9).</summary>
    public const int MinFeatureIdLength = 4;

    /// <summary>Longest feature id in a <c>feature</c> message (BIP434; Core <c>MAX_FEATUREID_LENGTH</c>).</summary>
    public const int MaxFeatureIdLength = 80;

    /// <summary>Largest feature data in a <c>feature</c> message (BIP434; Core <c>MAX_FEATUREDATA_LENGTH</c>).</summary>
    public const int MaxFeatureDataLength = 512;
}
