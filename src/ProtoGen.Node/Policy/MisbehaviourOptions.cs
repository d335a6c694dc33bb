using System;
using ProtoGen.Node.Admission;
using ProtoGen.Peers;

namespace ProtoGen.Node.Policy;

/// <summary>What a peer did wrong, by the node rules of <see cref="MisbehaviourPolicy"/>. Stable values: they appear in statistics, logs and metrics.</summary>
public enum MisbehaviourKind
{
    /// <summary>A header (alone or in a block) does not meet its own proof-of-work target (Core: "header with invalid proof of work", "high-hash").</summary>
    InvalidProofOfWork,

    /// <summary>A headers message whose headers do not link one to the next (Core: "non-continuous headers sequence").</summary>
    NonContinuousHeaders,

    /// <summary>Too many headers messages in a row that do not connect to our chain (see <see cref="MisbehaviourOptions.MaxUnconnectingHeadersMessages"/>).</summary>
    UnconnectingHeaders,

    /// <summary>A block whose previous block we do not know (Core: <c>BLOCK_MISSING_PREV</c>, "prev-blk-not-found").</summary>
    UnconnectedBlock,

    /// <summary>A block whose transactions do not match its merkle root or witness commitment (Core: "mutated block").</summary>
    MutatedBlock,
}

/// <summary>The options of a <see cref="MisbehaviourPolicy"/>.</summary>
public sealed record MisbehaviourOptions
{
    /// <summary>
    /// How long a getheaders sent for unconnecting headers may go unanswered before another may be sent (Bitcoin Core
    /// <c>HEADERS_RESPONSE_TIME</c>: 2 minutes; until then further unconnecting headers get no new getheaders).
    /// </summary>
    public static readonly TimeSpan HeadersResponseTime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Unconnecting headers messages in a row that disconnect a peer: Bitcoin Core's <c>MAX_NUM_UNCONNECTING_HEADERS_MSGS</c>
    /// (10), which counted them until PR #29575 (v28) dropped the count in favour of its getheaders rate limit alone.
    /// </summary>
    public const int DefaultMaxUnconnectingHeadersMessages = 10;

    /// <summary>
    /// Headers messages in a row whose first header does not connect to our chain before the peer is disconnected (not
    /// discouraged: Core no longer calls this misbehaviour). Null follows Core master: answer with a getheaders at most
    /// every <see cref="HeadersResponseTime"/> and never disconnect for it. A connecting headers message resets the count.
    /// </summary>
    public int? MaxUnconnectingHeadersMessages { get; init; } = DefaultMaxUnconnectingHeadersMessages;

    /// <summary>Whether a misbehaving peer's address is discouraged (never a local peer's); false only disconnects.</summary>
    public bool Discourage { get; init; } = true;

    /// <summary>
    /// Peers whose misbehaviour is counted and logged but never punished (Bitcoin Core's <c>noban</c> permission and
    /// manual connections). Null: none.
    /// </summary>
    public Func<Peer, bool>? IsExempt { get; init; }

    /// <summary>Where to record peers that gave us a block new to the chain store (eviction protects them); null: nowhere.</summary>
    public PeerActivity? Activity { get; init; }
}
