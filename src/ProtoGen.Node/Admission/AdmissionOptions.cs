using System;
using ProtoGen.Node.Policy;

namespace ProtoGen.Node.Admission;

/// <summary>
/// The inbound admission limits of a <see cref="PeerServer"/>: how many inbound peers it keeps, how fast and how many
/// unfinished handshakes it takes per source, which addresses it discourages, how long its listen backlog is and how
/// many file descriptors it keeps free. Every default says where it comes from.
/// </summary>
/// <remarks>
/// Loopback sources are exempt from the per-source limits by default (<see cref="LimitLoopback"/>): every local
/// process, and every peer arriving through a local proxy such as Tor, shares one loopback address, as Bitcoin Core
/// recognises when it never discourages a local peer. The server-wide rate and the inbound limit apply to everyone.
/// </remarks>
public sealed record AdmissionOptions
{
    /// <summary>
    /// The default inbound limit: Bitcoin Core's default connection total (200 since PR #28463, up from 125) less the
    /// 11 slots it keeps for its own outbound connections (8 full-relay, 2 block-relay-only and 1 feeler), so a
    /// ProtoGen node offers the network as many inbound slots as Core does. A peer that has sent its version costs about
    /// 100 KiB here (docs/reliability.md): about 19 MiB at the limit, and under 200 file descriptors of the usual 1,024.
    /// </summary>
    public const int DefaultMaxInbound = 189;

    /// <summary>Incomplete handshakes allowed per source /24 or /64 (btcd <c>defaultMaxPendingInboundHandshakes</c>: 8).</summary>
    public const int DefaultMaxPendingHandshakesPerSource = 8;

    /// <summary>Handshakes per second the server takes in (btcd <c>defaultV2HandshakeRate</c>: 20).</summary>
    public const double DefaultHandshakeRate = 20;

    /// <summary>Handshakes the server takes in a burst (btcd <c>defaultV2HandshakeBurst</c>: 40).</summary>
    public const int DefaultHandshakeBurst = 40;

    /// <summary>Handshakes per second taken from one source (btcd <c>defaultV2SourceHandshakeRate</c>: 2).</summary>
    public const double DefaultSourceHandshakeRate = 2;

    /// <summary>Handshakes taken from one source in a burst (btcd <c>defaultV2SourceHandshakeBurst</c>: 4).</summary>
    public const int DefaultSourceHandshakeBurst = 4;

    /// <summary>Sources whose rate is remembered, least recently seen forgotten first (btcd <c>defaultV2SourceCacheSize</c>: 2,048).</summary>
    public const int DefaultMaxTrackedSources = 2_048;

    /// <summary>
    /// The listen backlog: connections the kernel completes and queues before the server accepts them. Measured with a
    /// burst of 2,000 simultaneous connects on loopback (docs/reliability.md): 128 (the old fixed value) took about 140
    /// at once and left the rest to a SYN retransmission a second later, 1,024 about half, 4,096 all of them. 4,096 is
    /// also Bitcoin Core's (<c>listen(SOMAXCONN)</c>, 4,096 on current Linux); the kernel caps it at
    /// <c>net.core.somaxconn</c>. Queued connections cost the process nothing until accepted.
    /// </summary>
    public const int DefaultListenBacklog = 4_096;

    /// <summary>File descriptors kept free for the runtime (a new thread needs a pipe), logging and outbound connections.</summary>
    public const int DefaultDescriptorReserve = 16;

    /// <summary>The most inbound peers kept; when full, a new connection evicts one (or is refused) as Bitcoin Core does.</summary>
    public int MaxInbound { get; init; } = DefaultMaxInbound;

    /// <summary>The most incomplete handshakes from one source (/24 IPv4, /64 IPv6).</summary>
    public int MaxPendingHandshakesPerSource { get; init; } = DefaultMaxPendingHandshakesPerSource;

    /// <summary>Handshakes per second taken server-wide (a token bucket with <see cref="HandshakeBurst"/>).</summary>
    public double HandshakeRate { get; init; } = DefaultHandshakeRate;

    /// <summary>The server-wide burst.</summary>
    public int HandshakeBurst { get; init; } = DefaultHandshakeBurst;

    /// <summary>Handshakes per second taken from one source.</summary>
    public double SourceHandshakeRate { get; init; } = DefaultSourceHandshakeRate;

    /// <summary>The per-source burst.</summary>
    public int SourceHandshakeBurst { get; init; } = DefaultSourceHandshakeBurst;

    /// <summary>Sources whose rate is remembered (least recently seen forgotten first).</summary>
    public int MaxTrackedSources { get; init; } = DefaultMaxTrackedSources;

    /// <summary>
    /// Whether the per-source limits apply to loopback sources too. Off by default (see the remarks); turn it on for
    /// tests and soak runs, which connect over loopback.
    /// </summary>
    public bool LimitLoopback { get; init; }

    /// <summary>The listen backlog.</summary>
    public int ListenBacklog { get; init; } = DefaultListenBacklog;

    /// <summary>File descriptors that must stay free after a connection is admitted (Linux; elsewhere not measured).</summary>
    public int DescriptorReserve { get; init; } = DefaultDescriptorReserve;

    /// <summary>
    /// The discouraged addresses to consult (and to watch: a peer at an address discouraged later is disconnected);
    /// share one set with the <see cref="MisbehaviourPolicy"/> of the same node. Null: the server keeps its own.
    /// </summary>
    public DiscouragedAddresses? Discouraged { get; init; }

    /// <summary>
    /// Where the node records which peers gave it new blocks and transactions, which eviction protects (give the same
    /// object to the <see cref="MisbehaviourPolicy"/>). Null: the server keeps its own (<see cref="PeerServer.Activity"/>).
    /// </summary>
    public PeerActivity? Activity { get; init; }

    internal void Validate()
    {
        if (MaxInbound < 0 || MaxPendingHandshakesPerSource < 1 || HandshakeBurst < 1 || SourceHandshakeBurst < 1 || MaxTrackedSources < 1 || ListenBacklog < 1 || DescriptorReserve < 0)
        {
            throw new ArgumentException("admission limits must be positive (MaxInbound and DescriptorReserve may be 0)");
        }

        if (!(HandshakeRate > 0) || !(SourceHandshakeRate > 0))
        {
            throw new ArgumentException("handshake rates must be above 0");
        }
    }
}
