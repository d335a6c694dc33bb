namespace ProtoGen.Bitcoin;

/// <summary>The <c>getcfilters</c> message (BIP157): requests compact filters for a range of blocks.</summary>
[Message("getcfilters", ListenerName = "GetCFilters", V2ShortId = 22)]
public sealed partial record GetCFiltersMessage
{
    /// <summary>The filter type (0: basic).</summary>
    public byte FilterType { get; init; }

    /// <summary>The height of the first block.</summary>
    public uint StartHeight { get; init; }

    /// <summary>The hash of the last block.</summary>
    public Hash256 StopHash { get; init; }
}

/// <summary>The <c>cfilter</c> message (BIP157): one block's compact filter.</summary>
[Message("cfilter", ListenerName = "CFilter", V2ShortId = 23)]
public sealed partial record CFilterMessage
{
    /// <summary>The filter type.</summary>
    public byte FilterType { get; init; }

    /// <summary>The block's hash.</summary>
    public Hash256 BlockHash { get; init; }

    /// <summary>The encoded filter.</summary>
    [MaxLength(ProtocolLimits.MaxCFilterSize)]
    public WireBytes Filter { get; init; }
}

/// <summary>The <c>getcfheaders</c> message (BIP157): requests filter headers for a range of blocks.</summary>
[Message("getcfheaders", ListenerName = "GetCFHeaders", V2ShortId = 24)]
public sealed partial record GetCFHeadersMessage
{
    /// <summary>The filter type.</summary>
    public byte FilterType { get; init; }

    /// <summary>The height of the first block.</summary>
    public uint StartHeight { get; init; }

    /// <summary>The hash of the last block.</summary>
    public Hash256 StopHash { get; init; }
}

/// <summary>The <c>cfheaders</c> message (BIP157): filter hashes for a range of blocks, chained from a previous filter header.</summary>
[Message("cfheaders", ListenerName = "CFHeaders", V2ShortId = 25)]
public sealed partial record CFHeadersMessage
{
    /// <summary>The filter type.</summary>
    public byte FilterType { get; init; }

    /// <summary>The hash of the last block.</summary>
    public Hash256 StopHash { get; init; }

    /// <summary>The filter header of the block before the range.</summary>
    public Hash256 PreviousFilterHeader { get; init; }

    /// <summary>The filter hashes, at most 2,000.</summary>
    [MaxCount(ProtocolLimits.MaxCFHeaders)]
    public WireArray<Hash256> FilterHashes { get; init; }
}

/// <summary>The <c>getcfcheckpt</c> message (BIP157): requests filter headers at every 1,000th block.</summary>
[Message("getcfcheckpt", ListenerName = "GetCFCheckpt", V2ShortId = 26)]
public sealed partial record GetCFCheckptMessage
{
    /// <summary>The filter type.</summary>
    public byte FilterType { get; init; }

    /// <summary>The hash of the last block.</summary>
    public Hash256 StopHash { get; init; }
}

/// <summary>The <c>cfcheckpt</c> message (BIP157): filter headers at every 1,000th block.</summary>
[Message("cfcheckpt", ListenerName = "CFCheckpt", V2ShortId = 27)]
public sealed partial record CFCheckptMessage
{
    /// <summary>The filter type.</summary>
    public byte FilterType { get; init; }

    /// <summary>The hash of the last block.</summary>
    public Hash256 StopHash { get; init; }

    /// <summary>The filter headers.</summary>
    [MaxCount(ProtocolLimits.MaxCFCheckpoints)]
    public WireArray<Hash256> FilterHeaders { get; init; }
}
