namespace ProtoGen.Bitcoin;

/// <summary>The <c>getblocks</c> message: asks for block inventory after the first locator hash the peer knows.</summary>
[Message("getblocks", V2ShortId = 9)]
public sealed partial record GetBlocksMessage
{
    /// <summary>The protocol version field (Bitcoin Core ignores it).</summary>
    public uint Version { get; init; }

    /// <summary>The block locator: hashes from the tip back, densest near the tip (at most 101).</summary>
    [MaxCount(ProtocolLimits.MaxLocatorHashes)]
    public WireArray<Hash256> Locator { get; init; }

    /// <summary>The hash to stop at, or zero for as many as allowed.</summary>
    public Hash256 HashStop { get; init; }
}

/// <summary>The <c>getheaders</c> message: asks for up to 2,000 headers after the first locator hash the peer knows.</summary>
[Message("getheaders", V2ShortId = 12)]
public sealed partial record GetHeadersMessage
{
    /// <summary>The protocol version field (Bitcoin Core ignores it).</summary>
    public uint Version { get; init; }

    /// <summary>The block locator: hashes from the tip back, densest near the tip (at most 101).</summary>
    [MaxCount(ProtocolLimits.MaxLocatorHashes)]
    public WireArray<Hash256> Locator { get; init; }

    /// <summary>The hash to stop at, or zero for as many as allowed.</summary>
    public Hash256 HashStop { get; init; }
}

/// <summary>
/// The <c>headers</c> message: up to 2,000 block headers, each followed on the wire by a transaction count that is
/// always written as 0 and ignored when read (as Bitcoin Core does).
/// </summary>
[Message("headers", V2ShortId = 13)]
public sealed partial record HeadersMessage
{
    /// <summary>The headers, in chain order.</summary>
    [WireCodec(typeof(HeadersListCodec), MinEncodedSize = 1)]
    public WireArray<BlockHeader> Headers { get; init; }
}
