using System;
using System.Buffers;

namespace ProtoGen.Peers.Transport;

/// <summary>What a transport made of the bytes of one whole message.</summary>
internal enum TransportMessageStatus
{
    /// <summary>A whole, valid message.</summary>
    Ok,

    /// <summary>A whole message whose checksum does not match its payload (v1); Bitcoin Core drops it and keeps the peer.</summary>
    BadChecksum,

    /// <summary>A whole message whose command is not printable ASCII padded with NUL bytes; dropped, the peer kept.</summary>
    InvalidCommand,

    /// <summary>
    /// A whole large message whose checksum another thread is still computing: decode it meanwhile, and call
    /// <see cref="TransportMessage.Verify"/> before anything acts on it (a large v1 payload; see <see cref="LargePayload"/>).
    /// </summary>
    ChecksumPending,
}

/// <summary>
/// One message handed up by a transport: its command, its payload and its size on the wire. The payload and the wire
/// bytes are valid only until the transport reads again, unless the payload is <see cref="OwnedPayload"/>.
/// </summary>
/// <param name="Command">The command.</param>
/// <param name="Payload">The payload bytes.</param>
/// <param name="WireSize">The message's size on the wire, framing included.</param>
/// <param name="WireBytes">The message as it arrived (the v1 frame), for trace logs.</param>
/// <param name="Status">Whether the message is whole and valid, or must be dropped.</param>
/// <param name="OwnedPayload">
/// When its array is not null, the payload is these bytes, at the start of an array the transport filled for this
/// message alone and no longer uses: the decoded message may keep it instead of a copy (see <see cref="LargePayload"/>).
/// </param>
/// <param name="Checking">The payload whose checksum is still being computed when <see cref="Status"/> is <see cref="TransportMessageStatus.ChecksumPending"/>.</param>
internal readonly record struct TransportMessage(
    MessageCommand Command,
    ReadOnlySequence<byte> Payload,
    int WireSize,
    ReadOnlySequence<byte> WireBytes,
    TransportMessageStatus Status,
    ArraySegment<byte> OwnedPayload = default,
    LargePayload? Checking = null)
{
    /// <summary>
    /// The final status: <see cref="Status"/>, or, while the checksum is pending, <see cref="TransportMessageStatus.Ok"/>
    /// or <see cref="TransportMessageStatus.BadChecksum"/> once it is known (this waits for it). Call it before acting on
    /// the message and before its array may be reused; calling it again gives the same answer.
    /// </summary>
    public TransportMessageStatus Verify() => Status == TransportMessageStatus.ChecksumPending ? Checking!.FinishChecksum() : Status;
}
