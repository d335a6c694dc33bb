using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Framing;

/// <summary>One frame a <see cref="MessageReader"/> took from its stream.</summary>
/// <param name="Command">The frame's command.</param>
/// <param name="Message">
/// The decoded message; null when the command is not a Bitcoin message (see <paramref name="UnknownPayload"/>) or the
/// frame was dropped (<paramref name="Status"/> is not <see cref="FrameStatus.Ok"/>).
/// </param>
/// <param name="WireSize">The frame's size on the wire, header included.</param>
/// <param name="Status">
/// <see cref="FrameStatus.Ok"/>, or why the frame must be dropped: a checksum that does not match its payload or a
/// malformed command (a peer drops such a frame and keeps the connection, as Bitcoin Core does).
/// </param>
/// <param name="UnknownPayload">A copy of the payload of a valid frame whose command is not a Bitcoin message, otherwise null.</param>
public readonly record struct FramedMessage(MessageCommand Command, IMessage? Message, int WireSize, FrameStatus Status, byte[]? UnknownPayload);
