namespace ProtoGen.Bitcoin;

/// <summary>
/// The <c>version</c> message, the first message each side sends. The fields after the receiver's address are read
/// only while bytes remain, as Bitcoin Core reads them; an absent field is null and is not written back. As in Core, the
/// sender's address and the nonce come as a pair: a payload that ends between them is rejected.
/// </summary>
[Message("version")]
public sealed partial record VersionMessage
{
    /// <summary>The sender's highest protocol version.</summary>
    public int Version { get; init; }

    /// <summary>The services the sender offers.</summary>
    public ServiceFlags Services { get; init; }

    /// <summary>The sender's clock, in Unix seconds.</summary>
    public long Timestamp { get; init; }

    /// <summary>The receiver's address as the sender sees it.</summary>
    public NetworkAddress ReceiverAddress { get; init; }

    /// <summary>The sender's address (Bitcoin Core ignores it).</summary>
    [Optional]
    public NetworkAddress? SenderAddress { get; init; }

    /// <summary>A random nonce that detects connections to oneself.</summary>
    [Optional]
    public ulong? Nonce { get; init; }

    /// <summary>The sender's user agent (BIP14), at most 256 bytes.</summary>
    [Optional]
    [MaxLength(ProtocolLimits.MaxUserAgentLength)]
    public string? UserAgent { get; init; }

    /// <summary>The height of the sender's best block.</summary>
    [Optional]
    public int? StartHeight { get; init; }

    /// <summary>Whether the sender wants transaction announcements before it sends a filter (BIP37).</summary>
    [Optional]
    public bool? Relay { get; init; }

    partial void OnDecoded()
    {
        // Bitcoin Core reads the sender's address and the nonce as one unit (it skips 26 bytes, then reads 8 more), so
        // a payload may stop before the sender's address or after the nonce, never between them.
        if (SenderAddress is not null && Nonce is null)
        {
            throw new ProtocolException(ProtocolError.Truncated, "version: the sender's address is not followed by the nonce");
        }
    }
}

/// <summary>The <c>verack</c> message: acknowledges the peer's version.</summary>
[Message("verack", ListenerName = "VerAck")]
public sealed partial record VerAckMessage;

/// <summary>The <c>sendaddrv2</c> message (BIP155): the sender wants addrv2 instead of addr. Sent between version and verack.</summary>
[Message("sendaddrv2")]
public sealed partial record SendAddrV2Message;

/// <summary>The <c>wtxidrelay</c> message (BIP339): announce transactions by wtxid. Sent between version and verack.</summary>
[Message("wtxidrelay", MinProtocolVersion = ProtocolVersions.Bip339)]
public sealed partial record WtxidRelayMessage;

/// <summary>The <c>sendheaders</c> message (BIP130): announce new blocks with headers instead of inv.</summary>
[Message("sendheaders", MinProtocolVersion = ProtocolVersions.Bip130)]
public sealed partial record SendHeadersMessage;

/// <summary>The <c>sendcmpct</c> message (BIP152): compact-block relay mode and version.</summary>
[Message("sendcmpct", MinProtocolVersion = ProtocolVersions.Bip152, V2ShortId = 20)]
public sealed partial record SendCmpctMessage
{
    /// <summary>Whether the sender wants new blocks pushed as compact blocks without an announcement (high-bandwidth mode).</summary>
    public bool HighBandwidth { get; init; }

    /// <summary>The compact-block version (2 for segwit).</summary>
    public ulong Version { get; init; }
}

/// <summary>The <c>feefilter</c> message (BIP133): do not announce transactions below this fee rate.</summary>
[Message("feefilter", MinProtocolVersion = ProtocolVersions.Bip133, V2ShortId = 5)]
public sealed partial record FeeFilterMessage
{
    /// <summary>The minimum fee rate, in satoshis per 1000 virtual bytes.</summary>
    public long FeeRate { get; init; }
}

/// <summary>The <c>sendtxrcncl</c> message (BIP330): offers transaction reconciliation. Sent between version and verack.</summary>
[Message("sendtxrcncl", MinProtocolVersion = ProtocolVersions.Bip339)]
public sealed partial record SendTxRcnclMessage
{
    /// <summary>The reconciliation protocol version.</summary>
    public uint Version { get; init; }

    /// <summary>The sender's salt.</summary>
    public ulong Salt { get; init; }
}

/// <summary>
/// The <c>feature</c> message (BIP434): announces support for an optional peer-to-peer feature, between version and
/// verack, to a peer whose version is at least 70017. Unknown feature ids are ignored.
/// </summary>
/// <remarks>
/// The id is kept as the bytes the peer sent: BIP434 asks for printable ASCII only with a SHOULD, and Bitcoin Core
/// accepts other bytes, so decoding them as text could merge two different ids. The lengths are the BIP's MUSTs and
/// are checked by the decoder.
/// </remarks>
[Message("feature", MinProtocolVersion = ProtocolVersions.Bip434, V2ShortId = 37)]
public sealed partial record FeatureMessage
{
    /// <summary>The feature's globally unique id: 4 to 80 bytes, printable ASCII by convention (for example <c>BIP434</c>).</summary>
    [MaxLength(ProtocolLimits.MaxFeatureIdLength, MinLength = ProtocolLimits.MinFeatureIdLength)]
    public WireBytes FeatureId { get; init; }

    /// <summary>Feature-specific data, at most 512 bytes (empty when the feature needs none).</summary>
    [MaxLength(ProtocolLimits.MaxFeatureDataLength)]
    public WireBytes Data { get; init; }
}

/// <summary>The <c>ping</c> message; since BIP31 it carries a nonce that the pong echoes.</summary>
[Message("ping", V2ShortId = 18)]
public sealed partial record PingMessage
{
    /// <summary>The nonce (on the wire only above protocol version 60000, BIP31).</summary>
    [Since(ProtocolVersions.Bip31 + 1)]
    public ulong Nonce { get; init; }
}

/// <summary>The <c>pong</c> message (BIP31): echoes a ping's nonce.</summary>
[Message("pong", MinProtocolVersion = ProtocolVersions.Bip31 + 1, V2ShortId = 19)]
public sealed partial record PongMessage
{
    /// <summary>The nonce of the ping being answered.</summary>
    public ulong Nonce { get; init; }
}

/// <summary>
/// The <c>reject</c> message (BIP61, removed from Bitcoin Core 0.20 but still sent by some implementations). The hash
/// is present only when a transaction or block was rejected.
/// </summary>
[Message("reject", MinProtocolVersion = ProtocolVersions.Bip61)]
public sealed partial record RejectMessage
{
    /// <summary>The command of the rejected message.</summary>
    [MaxLength(ProtocolLimits.MaxRejectCommandLength)]
    public string RejectedCommand { get; init; } = string.Empty;

    /// <summary>The reason code.</summary>
    public RejectCode Code { get; init; }

    /// <summary>The reason, as text.</summary>
    [MaxLength(ProtocolLimits.MaxRejectReasonLength)]
    public string Reason { get; init; } = string.Empty;

    /// <summary>The hash of the rejected transaction or block.</summary>
    [Optional]
    public Hash256? Hash { get; init; }
}
