using System;
using System.Collections.Generic;
using System.Net;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>Messages and bytes (headers included) for one command.</summary>
/// <param name="Messages">The number of messages.</param>
/// <param name="Bytes">The bytes on the wire.</param>
public readonly record struct MessageCount(long Messages, long Bytes);

/// <summary>One consistent snapshot of a peer's statistics (btcd's StatsSnap, with Bitcoin Core's per-command counters).</summary>
public sealed record PeerStats
{
    /// <summary>The peer's id.</summary>
    public long Id { get; init; }

    /// <summary>The remote address.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>Whether the remote connected to us.</summary>
    public bool Inbound { get; init; }

    /// <summary>The services the remote advertised.</summary>
    public ServiceFlags Services { get; init; }

    /// <summary>The remote's user agent.</summary>
    public string UserAgent { get; init; } = string.Empty;

    /// <summary>The negotiated protocol version.</summary>
    public int ProtocolVersion { get; init; }

    /// <summary>The protocol version the remote advertised.</summary>
    public int RemoteProtocolVersion { get; init; }

    /// <summary>The remote's best height when it connected.</summary>
    public int StartingHeight { get; init; }

    /// <summary>The best height the remote is known to have.</summary>
    public int LastBlock { get; init; }

    /// <summary>The remote's clock minus ours, from its version message.</summary>
    public TimeSpan TimeOffset { get; init; }

    /// <summary>When the peer was created.</summary>
    public DateTimeOffset ConnectedAt { get; init; }

    /// <summary>When we last wrote a message.</summary>
    public DateTimeOffset? LastSend { get; init; }

    /// <summary>When we last received a message.</summary>
    public DateTimeOffset? LastReceive { get; init; }

    /// <summary>Bytes written, headers included.</summary>
    public long BytesSent { get; init; }

    /// <summary>Bytes received, headers included.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Messages written.</summary>
    public long MessagesSent { get; init; }

    /// <summary>Frames received (including ignored and dropped ones).</summary>
    public long MessagesReceived { get; init; }

    /// <summary>Frames ignored (before the handshake, not allowed by the negotiated version, bad checksum, ...).</summary>
    public long MessagesIgnored { get; init; }

    /// <summary>
    /// Messages and bytes written per command; commands that neither the Bitcoin set nor a configured message set knows
    /// are counted together under <c>other</c>.
    /// </summary>
    public IReadOnlyDictionary<string, MessageCount> SentByCommand { get; init; } = new Dictionary<string, MessageCount>();

    /// <summary>
    /// Frames and bytes received per command; commands that neither the Bitcoin set nor a configured message set knows
    /// (and malformed command fields) are counted together under <c>other</c>, so a remote cannot add entries.
    /// </summary>
    public IReadOnlyDictionary<string, MessageCount> ReceivedByCommand { get; init; } = new Dictionary<string, MessageCount>();

    /// <summary>The nonce of our last ping.</summary>
    public ulong LastPingNonce { get; init; }

    /// <summary>When our last ping was written.</summary>
    public DateTimeOffset? LastPingTime { get; init; }

    /// <summary>The round trip of the last answered ping.</summary>
    public TimeSpan? LastPingRoundTrip { get; init; }

    /// <summary>The shortest ping round trip seen.</summary>
    public TimeSpan? MinPingRoundTrip { get; init; }

    /// <summary>Whether a ping is waiting for its pong.</summary>
    public bool PingOutstanding { get; init; }

    /// <summary>The negotiated features.</summary>
    public PeerFeatures? Features { get; init; }

    /// <summary>Whether the handshake completed.</summary>
    public bool HandshakeComplete { get; init; }

    /// <summary>User messages waiting to be written.</summary>
    public int QueuedMessages { get; init; }

    /// <summary>Bytes queued for the remote and not yet handed to the socket (its send buffer).</summary>
    public long QueuedBytes { get; init; }

    /// <summary>Bytes of an incomplete message from the remote held in the receive buffer.</summary>
    public long PartialMessageBytes { get; init; }

    /// <summary>The transport in use: <c>v1</c> (plaintext framing) or <c>v2</c> (BIP324 encrypted).</summary>
    public string Transport { get; init; } = "v1";

    /// <summary>The BIP324 session id as hex, which both sides can compare out of band; null for v1.</summary>
    public string? SessionId { get; init; }

    /// <summary>Why the peer ended, if it has.</summary>
    public DisconnectReason? DisconnectReason { get; init; }
}
