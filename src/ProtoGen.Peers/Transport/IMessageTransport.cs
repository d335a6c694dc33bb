using System;
using System.Buffers;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Turns a byte stream into whole messages and messages into bytes: the seam between the connection (pipes, loops,
/// send queue, byte counters) and the protocol peer above it. The v1 framing is one implementation; an encrypted
/// transport is another. A transport is driven by one reader and one writer at a time, never concurrently with itself
/// on the same side.
/// </summary>
internal interface IMessageTransport
{
    /// <summary>The transport's name as statistics and logs show it (<c>v1</c>, <c>v2</c>).</summary>
    string Name { get; }

    /// <summary>The session id both sides can compare out of band, or empty when the transport has none.</summary>
    ReadOnlyMemory<byte> SessionId { get; }

    /// <summary>Whether application messages can be encoded yet (false while an encrypted transport still exchanges keys).</summary>
    bool IsReady { get; }

    /// <summary>
    /// Takes what it can from the front of <paramref name="buffer"/>: transport-level bytes (a key exchange) and at most
    /// one whole message. Returns true with the message when one is complete; false when more bytes are needed.
    /// <paramref name="buffer"/> is advanced past what was consumed.
    /// </summary>
    /// <param name="buffer">The received bytes.</param>
    /// <param name="message">The message, valid until the next call.</param>
    /// <exception cref="ProtocolException">The stream can no longer be trusted (wrong magic, oversized length, failed authentication).</exception>
    bool TryRead(ref ReadOnlySequence<byte> buffer, out TransportMessage message);

    /// <summary>Bytes the transport holds itself for an incomplete message (a large payload it fills as it arrives).</summary>
    int HeldBytes { get; }

    /// <summary>
    /// Where the next received bytes go when they may be read straight into place (the rest of a large payload being
    /// filled); empty otherwise. Only while the receive buffer is empty: the bytes must come next on the stream.
    /// </summary>
    Memory<byte> DirectReadTarget { get; }

    /// <summary>
    /// Counts <paramref name="count"/> bytes read straight into the start of <see cref="DirectReadTarget"/>; returns
    /// true with the message when that completed it.
    /// </summary>
    /// <param name="count">The bytes read.</param>
    /// <param name="message">The completed message.</param>
    bool Filled(int count, out TransportMessage message);

    /// <summary>The command of the incomplete message at the front of <paramref name="buffer"/>, when the transport can tell.</summary>
    /// <param name="buffer">What <see cref="TryRead"/> left.</param>
    MessageCommand? PendingCommand(in ReadOnlySequence<byte> buffer);

    /// <summary>
    /// Measures the bytes <paramref name="message"/> takes on the wire in <paramref name="context"/>, refusing a payload
    /// over the protocol limit with <see cref="ProtocolException"/> (<see cref="ProtocolError.EncodeLimitExceeded"/>).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    /// <param name="payloadLength">The payload's length.</param>
    /// <returns>The message's size on the wire.</returns>
    int Measure(IMessage message, WireContext context, out int payloadLength);

    /// <summary>Encodes a measured message into exactly <see cref="Measure"/>'s size of <paramref name="destination"/>.</summary>
    /// <param name="destination">The bytes to fill.</param>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    /// <param name="payloadLength">The payload length <see cref="Measure"/> gave.</param>
    /// <exception cref="InvalidOperationException">The message's encoder disagrees with its size function; nothing may be sent.</exception>
    void Write(Span<byte> destination, IMessage message, WireContext context, int payloadLength);

    /// <summary>Writes the transport's own bytes that are due (key exchange, garbage); returns how many.</summary>
    /// <param name="output">The connection's output.</param>
    int WritePendingOutput(IBufferWriter<byte> output);
}
