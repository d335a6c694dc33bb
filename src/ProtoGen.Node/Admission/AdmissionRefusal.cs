namespace ProtoGen.Node.Admission;

/// <summary>Why <see cref="PeerServer"/> closed an accepted connection without running a peer on it. Stable values: they appear in statistics, logs and metrics.</summary>
public enum AdmissionRefusal
{
    /// <summary>Every inbound slot is taken and no running peer may be evicted (Bitcoin Core: "failed to find an eviction candidate - connection dropped (full)").</summary>
    InboundFull,

    /// <summary>The address is discouraged and the inbound slots are (almost) full (Bitcoin Core: "connection dropped (discouraged)").</summary>
    Discouraged,

    /// <summary>The source (its /24 or /64) already has the most incomplete handshakes allowed (btcd: "inbound handshake source limit reached").</summary>
    SourcePendingHandshakes,

    /// <summary>The server-wide handshake rate is used up (btcd's global responder rate).</summary>
    HandshakeRate,

    /// <summary>The source's handshake rate is used up (btcd's per-source responder rate).</summary>
    SourceHandshakeRate,

    /// <summary>The process is close to its file-descriptor limit; the descriptors left are kept for the runtime and existing peers.</summary>
    DescriptorsLow,
}

/// <summary>Why <see cref="PeerServer"/> disconnected a running inbound peer to keep its limits. Stable values.</summary>
public enum EvictionReason
{
    /// <summary>The inbound slots were full and a new connection was preferred (Bitcoin Core's <c>AttemptToEvictConnection</c>).</summary>
    InboundFull,

    /// <summary>Accepting failed because file descriptors ran out; the youngest peers (incomplete handshakes first) were shed to give some back.</summary>
    DescriptorsExhausted,
}
