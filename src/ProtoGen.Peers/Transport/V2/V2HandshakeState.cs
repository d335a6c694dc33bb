namespace ProtoGen.Peers.Transport.V2;

/// <summary>Where a <see cref="V2Handshake"/> is.</summary>
internal enum V2HandshakeState
{
    /// <summary>Responder only: the bytes so far may still be a v1 <c>version</c> header; nothing is consumed or sent yet.</summary>
    MaybeV1,

    /// <summary>Waiting for (the rest of) the remote's 64-byte key.</summary>
    AwaitingKey,

    /// <summary>Keys derived, our terminator and version packet queued; searching the remote's garbage for its terminator.</summary>
    AwaitingGarbageTerminator,

    /// <summary>Waiting for the remote's version packet (the first packet authenticates its garbage; decoys are skipped).</summary>
    AwaitingVersion,

    /// <summary>Done: <see cref="V2Handshake.Decoder"/> takes the application packets that follow.</summary>
    Complete,

    /// <summary>Responder only: the remote sent a v1 <c>version</c> header. Nothing was consumed or sent; serve it as v1.</summary>
    V1Detected,
}
