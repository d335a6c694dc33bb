using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Which transport a connection starts with, and Bitcoin Core's rule for falling back from v2 to v1 (its
/// <c>ShouldReconnectV1</c>): the one place that reads <see cref="PeerConfig.V2Transport"/>.
/// </summary>
internal static class TransportChoice
{
    /// <summary>
    /// Whether an outbound connection starts with v2: never when off, always when required; when preferred, unless the
    /// address is known to be v1-only, if the remote is known to advertise NODE_P2P_V2, or, when nothing is known of
    /// it, if the caller can reconnect with v1 after a failed attempt.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="remote">The remote address, when known.</param>
    /// <param name="remoteServices">What we know of the remote's services, if anything.</param>
    /// <param name="canReconnect">Whether a failed attempt is retried with v1 by the caller.</param>
    public static bool ShouldTryV2(PeerConfig config, EndPoint? remote, ServiceFlags? remoteServices, bool canReconnect = false) => config.V2Transport switch
    {
        V2TransportMode.Off => false,
        V2TransportMode.Required => true,
        _ => !config.V1OnlyAddresses.Contains(remote) && (remoteServices is { } services ? (services & ServiceFlags.P2PV2) != 0 : canReconnect),
    };

    /// <summary>The transport of a new connection.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="direction">Who opened the connection.</param>
    /// <param name="tryV2">For an outbound connection, whether it starts with v2.</param>
    public static IMessageTransport Create(PeerConfig config, PeerDirection direction, bool tryV2)
    {
        if (direction == PeerDirection.Outbound)
        {
            return tryV2 ? V2MessageTransport.CreateInitiator(config.Network) : new V1MessageTransport(config.Network);
        }

        // Inbound: a remote that opens with a v1 version header is served v1 (unless v2 is required), anything else v2.
        return config.V2Transport == V2TransportMode.Off
            ? new V1MessageTransport(config.Network)
            : V2MessageTransport.CreateResponder(config.Network, acceptV1: config.V2Transport != V2TransportMode.Required);
    }

    /// <summary>
    /// Explains the end of a v2 attempt of ours that failed: what the remote spoke instead when its first bytes show it,
    /// else <see cref="DisconnectKind.V1Fallback"/> when Bitcoin Core would reconnect with v1 (the peer then
    /// remembers the address as v1-only); any other reason is returned as it is. Has no side effect.
    /// </summary>
    /// <param name="peer">The peer that is ending.</param>
    /// <param name="connection">Its connection.</param>
    /// <param name="reason">Why it ends.</param>
    public static DisconnectReason ExplainEnd(Peer peer, Connection connection, DisconnectReason reason)
    {
        if (connection.Transport is not V2MessageTransport v2
            || reason.Kind is not (DisconnectKind.RemoteClosed or DisconnectKind.TransportError or DisconnectKind.HandshakeTimeout or DisconnectKind.ProtocolViolation))
        {
            return reason;
        }

        if (v2.RemoteSpokeV1)
        {
            // Not Core's rule (it would not retry once bytes came back), but certain: those bytes were v1.
            return peer.Config.V2Transport == V2TransportMode.Preferred
                ? new DisconnectReason(DisconnectKind.V1Fallback, reason.Detail + "; the next connection to it uses v1")
                : reason;
        }

        if (reason.Kind != DisconnectKind.ProtocolViolation && v2.DescribeForeignStart() is { } foreign)
        {
            // Our key was answered with another network's v1 or something that is not Bitcoin: say so, as v1 does.
            return new DisconnectReason(DisconnectKind.ProtocolViolation, foreign, ProtocolError.BadMagic);
        }

        if (reason.Kind == DisconnectKind.HandshakeTimeout && v2.IsAwaitingGarbageTerminator)
        {
            return reason with { Detail = reason.Detail + " (the v2 garbage terminator never came: the remote may be a v2 node of another network)" };
        }

        if (peer.Config.V2Transport != V2TransportMode.Preferred || !v2.ShouldReconnectV1(connection.BytesRead, connection.BytesWritten))
        {
            return reason;
        }

        return new DisconnectReason(DisconnectKind.V1Fallback, $"the remote does not speak v2 ({reason.Detail}): it speaks v1 only; the next connection to it uses v1");
    }
}
