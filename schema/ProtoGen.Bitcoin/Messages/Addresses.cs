namespace ProtoGen.Bitcoin;

/// <summary>The <c>getaddr</c> message: asks for known addresses.</summary>
[Message("getaddr")]
public sealed partial record GetAddrMessage;

/// <summary>The <c>addr</c> message: up to 1,000 timestamped addresses.</summary>
[Message("addr", V2ShortId = 1)]
public sealed partial record AddrMessage
{
    /// <summary>The addresses.</summary>
    [MaxCount(ProtocolLimits.MaxAddresses)]
    public WireArray<TimestampedNetworkAddress> Addresses { get; init; }
}

/// <summary>The <c>addrv2</c> message (BIP155): up to 1,000 addresses of any network.</summary>
[Message("addrv2", ListenerName = "AddrV2", V2ShortId = 28)]
public sealed partial record AddrV2Message
{
    /// <summary>The addresses.</summary>
    [MaxCount(ProtocolLimits.MaxAddresses)]
    public WireArray<NetworkAddressV2> Addresses { get; init; }
}
