namespace ProtoGen.Peers;

/// <summary>When a peer speaks the BIP324 encrypted (v2) transport (Bitcoin Core's <c>-v2transport</c>).</summary>
public enum V2TransportMode
{
    /// <summary>Never: v1 only, and NODE_P2P_V2 is not advertised. An inbound v2 key is read as a bad v1 header.</summary>
    Off,

    /// <summary>
    /// The default, as in Bitcoin Core: inbound connections are served v2 or v1, whichever the remote starts with;
    /// outbound connections try v2 where the remote is known or believed to speak it, and fall back to v1 by Bitcoin
    /// Core's rule when the attempt shows it does not (see <see cref="DisconnectKind.V1Fallback"/>).
    /// </summary>
    Preferred,

    /// <summary>v2 only: outbound connections never fall back; an inbound v1 peer is disconnected.</summary>
    Required,
}
