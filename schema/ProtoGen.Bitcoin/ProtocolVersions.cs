namespace ProtoGen.Bitcoin;

/// <summary>Protocol versions that change the wire format or the allowed messages (Bitcoin Core <c>node/protocol_version.h</c>, btcd <c>wire/protocol.go</c>).</summary>
public static class ProtocolVersions
{
    /// <summary>The version this library speaks by default: BIP155 addrv2, BIP339 wtxidrelay and BIP434 feature negotiation.</summary>
    public const int Latest = Bip434;

    /// <summary>Bitcoin Core's <c>MIN_PEER_PROTO_VERSION</c>: peers below it are disconnected.</summary>
    public const int MinPeer = 31800;

    /// <summary>Version 209: multiple addresses per addr message.</summary>
    public const int MultipleAddress = 209;

    /// <summary>Version 31402: addr entries carry a timestamp.</summary>
    public const int AddressTime = 31402;

    /// <summary>BIP31 (60000): ping carries a nonce and is answered with pong for versions above this one.</summary>
    public const int Bip31 = 60000;

    /// <summary>BIP35 (60002): the mempool message.</summary>
    public const int Bip35 = 60002;

    /// <summary>BIP37 (70001): the version message's relay flag and bloom filtering.</summary>
    public const int Bip37 = 70001;

    /// <summary>BIP61 (70002): the reject message (removed from Bitcoin Core in 0.20).</summary>
    public const int Bip61 = 70002;

    /// <summary>BIP111 (70011): NODE_BLOOM; bloom messages to a node without it are a protocol violation.</summary>
    public const int Bip111 = 70011;

    /// <summary>BIP130 (70012): sendheaders.</summary>
    public const int Bip130 = 70012;

    /// <summary>BIP133 (70013): feefilter.</summary>
    public const int Bip133 = 70013;

    /// <summary>BIP152 (70014): compact blocks.</summary>
    public const int Bip152 = 70014;

    /// <summary>Version 70015: invalid compact blocks no longer get a peer banned.</summary>
    public const int InvalidCompactBlock = 70015;

    /// <summary>BIP339 (70016): wtxidrelay; also the version from which addrv2 (BIP155) is announced.</summary>
    public const int Bip339 = 70016;

    /// <summary>
    /// BIP434 (70017): the <c>feature</c> message between version and verack. Bitcoin Core (master, "BIP434: FEATURE
    /// message support") advertises it and sends <c>feature</c> only when both sides' versions reach it.
    /// </summary>
    public const int Bip434 = 70017;
}
