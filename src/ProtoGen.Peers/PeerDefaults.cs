using System;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>
/// Default timings and limits of the peer core, each with where it comes from. Bitcoin Core is the reference for
/// protocol behaviour; btcd's peer package for the features Core does not have.
/// </summary>
public static class PeerDefaults
{
    /// <summary>How often a ping is sent (Bitcoin Core <c>PING_INTERVAL</c>, btcd <c>pingInterval</c>: 2 minutes).</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromMinutes(2);

    /// <summary>How long a ping may go unanswered (Bitcoin Core <c>TIMEOUT_INTERVAL</c>: 20 minutes).</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromMinutes(20);

    /// <summary>How long the version handshake may take (Bitcoin Core <c>-peertimeout</c> default: 60 seconds).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a connection may receive nothing at all (Bitcoin Core <c>TIMEOUT_INTERVAL</c> inactivity: 20 minutes; btcd uses 5).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    /// <summary>How long a request may wait for its response (btcd <c>stallResponseTimeout</c>: 30 seconds).</summary>
    public static readonly TimeSpan StallResponseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>getheaders waits three times the stall timeout for headers (btcd).</summary>
    public const int HeadersStallMultiplier = 3;

    /// <summary>How often inventory is trickled to an inbound peer (Bitcoin Core's average <c>INBOUND_INVENTORY_BROADCAST_INTERVAL</c>: 5 seconds).</summary>
    public static readonly TimeSpan InboundTrickleInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often inventory is trickled to an outbound peer (Bitcoin Core's average <c>OUTBOUND_INVENTORY_BROADCAST_INTERVAL</c>: 2 seconds).</summary>
    public static readonly TimeSpan OutboundTrickleInterval = TimeSpan.FromSeconds(2);

    /// <summary>The shared scheduler's tick: the resolution of every timeout and interval above.</summary>
    public static readonly TimeSpan SchedulerTick = TimeSpan.FromMilliseconds(250);

    /// <summary>Inventory entries remembered per peer so that nothing is announced twice (btcd <c>maxKnownInventory</c>: 1,000).</summary>
    public const int KnownInventoryCapacity = 1_000;

    /// <summary>Inventory entries per trickled inv message (Bitcoin Core <c>INVENTORY_BROADCAST_MAX</c> and btcd <c>maxInvTrickleSize</c>: 1,000; never above 50,000).</summary>
    public const int MaxInventoryPerMessage = 1_000;

    /// <summary>Inventory entries that may wait for the next trickle before <c>QueueInventory</c> refuses more.</summary>
    public const int MaxPendingInventory = 200_000;

    /// <summary>User messages that may wait in the send queue (btcd uses 50 slots; a larger queue suits bursty senders).</summary>
    public const int SendQueueCapacity = 1_024;

    /// <summary>Nonces of our own recent version messages kept to detect self-connections (btcd <c>sentNonces</c>: 50).</summary>
    public const int SentNonceCacheSize = 50;

    /// <summary>The protocol version advertised (Bitcoin Core's master <c>PROTOCOL_VERSION</c>: 70017, BIP434 feature negotiation).</summary>
    public const int ProtocolVersion = ProtocolVersions.Latest;

    /// <summary>
    /// BIP434 features recorded per peer (<see cref="Peer.RemoteFeatures"/>) and announced at most
    /// (<see cref="PeerConfig.AnnounceFeatures"/>). BIP434 sets no count; Bitcoin Core keeps no per-feature state and
    /// its own test sends 16. Further features from the remote are ignored, so a hostile peer makes us hold at most
    /// 64 x (80 + 512) bytes, about 37 KiB.
    /// </summary>
    public const int MaxFeatures = 64;

    /// <summary>Peers below this version are disconnected (Bitcoin Core <c>MIN_PEER_PROTO_VERSION</c>).</summary>
    public const int MinProtocolVersion = 31800;

    /// <summary>
    /// The size of each receive buffer a peer takes from its pool (<see cref="PeerConfig.ReceiveBufferSize"/>). Chosen by
    /// measurement (docs/benchmarks.md, the 16–256 KiB sweep of PeerPairBenchmarks): 64 KiB moved blocks fastest over
    /// both transports. A peer that has only exchanged small messages holds no receive buffer while idle (it waits with
    /// a zero-byte read); after a message larger than one buffer, the stream reader may keep one.
    /// </summary>
    public const int ReceiveBufferSize = 64 * 1024;

    /// <summary>The least size of each send buffer a peer takes from its pool (<see cref="PeerConfig.SendBufferSize"/>); measured with <see cref="ReceiveBufferSize"/>.</summary>
    public const int SendBufferSize = 64 * 1024;

    /// <summary>The least free space a receive buffer must have before the next read from the stream.</summary>
    public const int MinimumReadSize = 4 * 1024;

    /// <summary>
    /// The most read from a stream straight into a large payload's array at once (a peer's socket, or
    /// <see cref="Framing.MessageReader"/>'s stream): small enough that the bytes are still in the cache when they are
    /// hashed, and that a peer's send-buffer and receive-budget checks run between reads.
    /// </summary>
    internal const int DirectReadSize = 256 * 1024;

    /// <summary>Bytes the writer encodes before it flushes in the middle of a burst of messages.</summary>
    public const int FlushThreshold = 256 * 1024;

    /// <summary>Bytes queued for one peer beyond which its requests wait until they drain (Bitcoin Core <c>-maxsendbuffer</c>: 1,000 KB).</summary>
    public const int MaxSendBuffer = 1_000_000;

    /// <summary>Bytes of incomplete messages all peers of a <see cref="PeerBudget"/> may hold together (8 block-sized messages).</summary>
    public const long MaxPartialMessageBytes = 32L * 1024 * 1024;

    /// <summary>Bytes queued for sending to all peers of a <see cref="PeerBudget"/> together.</summary>
    public const long MaxQueuedSendBytes = 64L * 1024 * 1024;

    /// <summary>How long a peer may stay paused over an exhausted <see cref="PeerBudget"/> before it is disconnected.</summary>
    public static readonly TimeSpan OverBudgetDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Payloads up to this size are decoded in place from the receive buffer; larger ones are copied once into a buffer the message keeps.</summary>
    public const int InPlaceDecodeLimit = 16 * 1024;
}
