using System;

namespace ProtoGen.Peers;

/// <summary>Who opened the connection.</summary>
public enum PeerDirection
{
    /// <summary>We connected to the remote node.</summary>
    Outbound,

    /// <summary>The remote node connected to us.</summary>
    Inbound,
}

/// <summary>Why a peer was disconnected. Stable values: they appear in statistics, logs and metrics.</summary>
public enum DisconnectKind
{
    /// <summary>Still connected.</summary>
    None = 0,

    /// <summary>The local application asked for it.</summary>
    Requested,

    /// <summary>The remote closed the connection.</summary>
    RemoteClosed,

    /// <summary>Reading or writing the stream failed.</summary>
    TransportError,

    /// <summary>The remote broke the protocol (malformed message, bad magic, oversized frame, forbidden message).</summary>
    ProtocolViolation,

    /// <summary>The handshake did not finish in time.</summary>
    HandshakeTimeout,

    /// <summary>The remote's protocol version is below the minimum.</summary>
    ObsoleteVersion,

    /// <summary>We connected to ourselves (the remote echoed one of our nonces).</summary>
    SelfConnection,

    /// <summary>The remote lacks services we require.</summary>
    MissingServices,

    /// <summary>A ping went unanswered for too long.</summary>
    PingTimeout,

    /// <summary>A request did not get its response in time.</summary>
    Stalled,

    /// <summary>Nothing at all arrived for too long.</summary>
    Idle,

    /// <summary>A listener threw.</summary>
    ListenerError,

    /// <summary>The remote sent a bloom-filter message although we do not advertise NODE_BLOOM (BIP111).</summary>
    BloomNotSupported,

    /// <summary>The remote kept more than its share of a shared <see cref="PeerBudget"/> past its deadline (an incomplete message nobody asked for, or sends it would not read).</summary>
    ResourceLimit,

    /// <summary>
    /// The node dropped the peer to make room or to save the process: inbound slots were full and a new connection
    /// was preferred (Bitcoin Core's <c>AttemptToEvictConnection</c>), or file descriptors ran short.
    /// </summary>
    Evicted,

    /// <summary>
    /// The remote misbehaved by a node rule (invalid proof of work, headers or blocks that do not connect, ...), as
    /// Bitcoin Core's <c>Misbehaving</c> and <c>MaybeDiscourageAndDisconnect</c>; the detail says whether its address
    /// was also discouraged (never for a local peer).
    /// </summary>
    Misbehaving,

    /// <summary>
    /// Our v2 (BIP324) attempt failed the way Bitcoin Core's <c>ShouldReconnectV1</c> describes: we opened the
    /// connection, sent at least a v1 header's worth of our key and received nothing at all before it ended. The remote
    /// most likely speaks v1 only; its address was remembered in <see cref="PeerConfig.V1OnlyAddresses"/>, so the next
    /// attempt uses v1 (<c>Peer.ConnectAsync</c> makes it at once).
    /// </summary>
    V1Fallback,
}

/// <summary>Why a peer ended: a kind, a human-readable detail and, for protocol violations, the error code.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Detail">What happened.</param>
/// <param name="ProtocolError">The protocol error, when the remote sent something malformed.</param>
public sealed record DisconnectReason(DisconnectKind Kind, string Detail, ProtocolError ProtocolError = ProtocolError.None)
{
    /// <inheritdoc/>
    public override string ToString() => ProtocolError == ProtocolError.None ? $"{Kind}: {Detail}" : $"{Kind} ({ProtocolError}): {Detail}";
}

/// <summary>Raised on a send completion when a message could not be queued because the send queue was full.</summary>
public sealed class SendQueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SendQueueFullException()
        : base("the peer's send queue is full; the message was dropped")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SendQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SendQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Raised on a send completion, or by waits, when the peer disconnected before the operation finished.</summary>
public sealed class PeerDisconnectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the peer ended.</param>
    public PeerDisconnectedException(DisconnectReason? reason)
        : base("the peer disconnected" + (reason is null ? string.Empty : ": " + reason)) => Reason = reason;

    /// <summary>Creates the exception.</summary>
    public PeerDisconnectedException()
        : this((DisconnectReason?)null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public PeerDisconnectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PeerDisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the peer ended.</summary>
    public DisconnectReason? Reason { get; }
}
