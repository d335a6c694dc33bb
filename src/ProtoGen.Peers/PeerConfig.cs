using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>Sees every message read from or written to a peer, with its size on the wire (btcd's <c>OnRead</c>/<c>OnWrite</c>).</summary>
/// <param name="peer">The peer.</param>
/// <param name="command">The frame's command.</param>
/// <param name="bytes">The frame's size on the wire, header included.</param>
/// <param name="message">The decoded message (null when it was not decoded: unknown, dropped or malformed).</param>
/// <param name="error">The error, when reading or writing failed.</param>
public delegate void PeerMessageHook(Peer peer, MessageCommand command, int bytes, IMessage? message, Exception? error);

/// <summary>
/// A peer's configuration. Every value has a Bitcoin-Core-like default (<see cref="PeerDefaults"/>); set what you need
/// with an object initializer. One configuration may be shared by many peers.
/// </summary>
public sealed record PeerConfig
{
    /// <summary>The user agent's name (BIP14: <c>/Name:Version(comments)/</c>).</summary>
    public string UserAgentName { get; init; } = "ProtoGen";

    /// <summary>The user agent's version.</summary>
    public string UserAgentVersion { get; init; } = "0.1.0";

    /// <summary>Comments added to the user agent (BIP14), e.g. a platform.</summary>
    public IReadOnlyList<string> UserAgentComments { get; init; } = [];

    /// <summary>The network: message magic and genesis.</summary>
    public BitcoinNetwork Network { get; init; } = BitcoinNetwork.Mainnet;

    /// <summary>The services we advertise.</summary>
    public ServiceFlags Services { get; init; } = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited;

    /// <summary>The services an outbound peer must advertise, or it is disconnected (Bitcoin Core requires network and witness for full-relay outbound peers).</summary>
    public ServiceFlags RequiredServices { get; init; } = ServiceFlags.None;

    /// <summary>The highest protocol version we speak (default 70017: BIP434 feature negotiation).</summary>
    public int ProtocolVersion { get; init; } = PeerDefaults.ProtocolVersion;

    /// <summary>Peers below this version are disconnected (Bitcoin Core: 31800).</summary>
    public int MinProtocolVersion { get; init; } = PeerDefaults.MinProtocolVersion;

    /// <summary>Supplies our best block height for the version message.</summary>
    public Func<int>? StartHeight { get; init; }

    /// <summary>Whether we want transaction announcements (the version message's relay flag).</summary>
    public bool RelayTransactions { get; init; } = true;

    /// <summary>Whether to send <c>wtxidrelay</c> (BIP339) during the handshake when the negotiated version allows it.</summary>
    public bool AnnounceWtxidRelay { get; init; } = true;

    /// <summary>Whether to send <c>sendaddrv2</c> (BIP155) during the handshake when the negotiated version allows it.</summary>
    public bool AnnounceAddrV2 { get; init; } = true;

    /// <summary>
    /// The BIP434 features we announce, in order of preference: each goes in a <c>feature</c> message after our
    /// version and before our verack, to peers whose version is at least 70017. At most
    /// <see cref="PeerDefaults.MaxFeatures"/>, with distinct ids.
    /// </summary>
    public IReadOnlyList<PeerFeature> AnnounceFeatures { get; init; } = [];

    /// <summary>Whether to send <c>sendheaders</c> (BIP130) after the handshake.</summary>
    public bool SendHeaders { get; init; }

    /// <summary>The <c>sendcmpct</c> (BIP152) to send after the handshake: null sends none; otherwise (high bandwidth, version).</summary>
    public (bool HighBandwidth, ulong Version)? SendCompactBlocks { get; init; }

    /// <summary>The fee rate (satoshis per 1000 vbytes) to announce with <c>feefilter</c> (BIP133) after the handshake; null sends none.</summary>
    public long? FeeFilter { get; init; }

    /// <summary>Receives the Bitcoin messages (after the peer core's own handling).</summary>
    public IBitcoinListener<Peer>? Listener { get; init; }

    /// <summary>
    /// Further message sets (generated from a user's own <c>[MessageSet]</c>) consulted, in order, for commands the
    /// Bitcoin set does not know. Create them with the set's <c>CreateDispatcher</c>.
    /// </summary>
    public IReadOnlyList<IMessageDispatcher<Peer>> MessageSets { get; init; } = [];

    /// <summary>Called for every frame read (btcd's <c>OnRead</c>).</summary>
    public PeerMessageHook? OnRead { get; init; }

    /// <summary>Called for every frame written (btcd's <c>OnWrite</c>).</summary>
    public PeerMessageHook? OnWrite { get; init; }

    /// <summary>Called once, after the peer has stopped, with why.</summary>
    public Action<Peer, DisconnectReason>? OnDisconnected { get; init; }

    /// <summary>The logger (debug: one line per message; trace: hexdumps). Null: no logging.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The clock; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The scheduler driving every peer's timers; null uses the shared one for <see cref="TimeProvider"/>.</summary>
    public PeerScheduler? Scheduler { get; init; }

    /// <summary>
    /// The nonces of our version messages, to detect connections to ourselves. It scopes a node's identity: every
    /// configuration made with <c>new</c> gets a cache of its own, and copies made with <c>with</c> share it, so a
    /// server and the connector derived from one configuration recognise each other's nonces while two nodes a user
    /// creates in one process do not.
    /// </summary>
    public NonceCache NonceCache { get; init; } = new();

    /// <summary>
    /// When to speak the BIP324 encrypted transport (default <see cref="V2TransportMode.Preferred"/>, as Bitcoin Core).
    /// While it is not <see cref="V2TransportMode.Off"/> our version advertises NODE_P2P_V2.
    /// </summary>
    public V2TransportMode V2Transport { get; init; } = V2TransportMode.Preferred;

    /// <summary>
    /// Addresses that failed a v2 attempt by Bitcoin Core's rule and get v1 next time. Connections made from one
    /// configuration share it; give configurations one instance to share what they learn.
    /// </summary>
    public V1OnlyAddresses V1OnlyAddresses { get; init; } = new();

    /// <summary>The pool receive buffers come from (default: <see cref="MemoryPool{T}.Shared"/>).</summary>
    public MemoryPool<byte>? MemoryPool { get; init; }

    /// <summary>How often we ping.</summary>
    public TimeSpan PingInterval { get; init; } = PeerDefaults.PingInterval;

    /// <summary>How long a ping may go unanswered; <see cref="TimeSpan.Zero"/> disables the check.</summary>
    public TimeSpan PingTimeout { get; init; } = PeerDefaults.PingTimeout;

    /// <summary>How long the handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = PeerDefaults.HandshakeTimeout;

    /// <summary>How long nothing may arrive; <see cref="TimeSpan.Zero"/> disables the check.</summary>
    public TimeSpan IdleTimeout { get; init; } = PeerDefaults.IdleTimeout;

    /// <summary>How long a request may wait for its response; <see cref="TimeSpan.Zero"/> disables stall detection.</summary>
    public TimeSpan StallResponseTimeout { get; init; } = PeerDefaults.StallResponseTimeout;

    /// <summary>The trickle interval for inventory; null uses 2 s for outbound and 5 s for inbound peers (Bitcoin Core's averages).</summary>
    public TimeSpan? TrickleInterval { get; init; }

    /// <summary>Inventory entries per inv message (at most 50,000).</summary>
    public int MaxInventoryPerMessage { get; init; } = PeerDefaults.MaxInventoryPerMessage;

    /// <summary>Inventory entries that may wait for the next trickle.</summary>
    public int MaxPendingInventory { get; init; } = PeerDefaults.MaxPendingInventory;

    /// <summary>Inventory entries remembered so that nothing is announced to a peer that already has it.</summary>
    public int KnownInventoryCapacity { get; init; } = PeerDefaults.KnownInventoryCapacity;

    /// <summary>User messages that may wait to be written; when full, <c>QueueMessage</c> drops the new message and says so.</summary>
    public int SendQueueCapacity { get; init; } = PeerDefaults.SendQueueCapacity;

    /// <summary>
    /// Bytes queued for this peer (not yet handed to the socket) beyond which its requests wait until they drain and its
    /// socket is not read (Bitcoin Core's <c>-maxsendbuffer</c>, 1,000 KB); messages are never dropped for it.
    /// </summary>
    public int MaxSendBuffer { get; init; } = PeerDefaults.MaxSendBuffer;

    /// <summary>The budget shared by the peers of a node for incomplete messages and queued sends (default: one per process).</summary>
    public PeerBudget Budget { get; init; } = PeerBudget.Shared;

    /// <summary>The size of each receive buffer taken from <see cref="MemoryPool"/> for a stream (default 64 KiB).</summary>
    public int ReceiveBufferSize { get; init; } = PeerDefaults.ReceiveBufferSize;

    /// <summary>The least size of each send buffer taken from <see cref="MemoryPool"/> for a stream (default 64 KiB).</summary>
    public int SendBufferSize { get; init; } = PeerDefaults.SendBufferSize;

    /// <summary>Whether to dispose the stream when the peer stops (default true: the peer owns its connection).</summary>
    public bool DisposeStream { get; init; } = true;

    /// <summary>The services our version announces: <see cref="Services"/>, plus NODE_P2P_V2 while v2 is not off (Bitcoin Core).</summary>
    internal ServiceFlags AdvertisedServices => V2Transport == V2TransportMode.Off ? Services : Services | ServiceFlags.P2PV2;

    /// <summary>The user agent in BIP14 form: <c>/Name:Version(comment; comment)/</c>.</summary>
    public string UserAgent
    {
        get
        {
            var text = new StringBuilder();
            text.Append('/').Append(UserAgentName).Append(':').Append(UserAgentVersion);
            if (UserAgentComments.Count > 0)
            {
                text.Append('(').AppendJoin("; ", UserAgentComments).Append(')');
            }

            return text.Append('/').ToString();
        }
    }

    internal void Validate()
    {
        if (UserAgentName.AsSpan().IndexOfAny("/:()") >= 0 || UserAgentVersion.AsSpan().IndexOfAny("/:()") >= 0)
        {
            throw new ArgumentException("BIP14: the user agent name and version may not contain '/', ':', '(' or ')'");
        }

        foreach (var comment in UserAgentComments)
        {
            if (comment.AsSpan().IndexOfAny("/:();") >= 0)
            {
                throw new ArgumentException("BIP14: a user agent comment may not contain '/', ':', '(', ')' or ';'");
            }
        }

        if (Encoding.UTF8.GetByteCount(UserAgent) > ProtocolLimits.MaxUserAgentLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the user agent is longer than {ProtocolLimits.MaxUserAgentLength} bytes"));
        }

        if (MaxInventoryPerMessage is < 1 or > ProtocolLimits.MaxInventory)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInventoryPerMessage), "1 to 50,000");
        }

        if (ReceiveBufferSize < PeerDefaults.MinimumReadSize || SendBufferSize < 1 || MaxSendBuffer < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveBufferSize), $"buffer sizes must be positive, the receive buffer at least {PeerDefaults.MinimumReadSize} bytes");
        }

        if (SendQueueCapacity < 1 || KnownInventoryCapacity < 1 || MaxPendingInventory < 1)
        {
            throw new ArgumentException("queue and cache capacities must be positive");
        }

        // A command may belong to one message set only: the Bitcoin set is asked first, so a user command that
        // reuses a Bitcoin one (or another user set's) would be silently unreachable.
        var commands = new HashSet<MessageCommand>();
        foreach (var known in BitcoinMessages.Messages)
        {
            commands.Add(known.CommandBytes);
        }

        foreach (var set in MessageSets)
        {
            foreach (var message in set.Messages)
            {
                if (!commands.Add(message.CommandBytes))
                {
                    throw new ArgumentException($"the command '{message.Command}' of {message.MessageType.Name} is already used by the Bitcoin set or another message set", nameof(MessageSets));
                }
            }
        }

        if (AnnounceFeatures.Count > PeerDefaults.MaxFeatures)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"at most {PeerDefaults.MaxFeatures} features may be announced"), nameof(AnnounceFeatures));
        }

        var featureIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in AnnounceFeatures)
        {
            if (feature is null || !featureIds.Add(feature.Id))
            {
                throw new ArgumentException($"a feature is null or announced twice: '{feature?.Id}'", nameof(AnnounceFeatures));
            }
        }

        if (ProtocolVersion < MinProtocolVersion)
        {
            throw new ArgumentException("ProtocolVersion is below MinProtocolVersion");
        }
    }
}
