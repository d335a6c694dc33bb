using System;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// How a packet's contents name their message (BIP324's application layer): a first byte of 1-255 is a short id
/// (<see cref="V2MessageIds"/>); a first byte of 0 is followed by the 12-byte command as in v1. The payload follows.
/// </summary>
internal static class V2MessageType
{
    /// <summary>The first byte of the long form.</summary>
    public const byte LongFormMarker = 0;

    /// <summary>The size of the short form.</summary>
    public const int ShortFormSize = 1;

    /// <summary>The size of the long form: the marker and the command field.</summary>
    public const int LongFormSize = 1 + MessageCommand.Size;

    /// <summary>The size of the message type that <see cref="Write"/> writes for <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    public static int SizeOf(MessageCommand command) => V2MessageIds.TryGetShortId(command, out _) ? ShortFormSize : LongFormSize;

    /// <summary>Writes the message type: the short id when there is one, else the long form.</summary>
    /// <param name="command">The command.</param>
    /// <param name="destination">At least <see cref="SizeOf"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    public static int Write(MessageCommand command, Span<byte> destination)
    {
        if (V2MessageIds.TryGetShortId(command, out byte id))
        {
            destination[0] = id;
            return ShortFormSize;
        }

        destination[0] = LongFormMarker;
        command.WriteTo(destination.Slice(1, MessageCommand.Size));
        return LongFormSize;
    }

    /// <summary>
    /// Reads the message type at the start of a packet's contents. Contents that name no message (empty, an unknown
    /// or reserved short id, a malformed long-form command) give false: Bitcoin Core drops such a message and keeps
    /// the connection.
    /// </summary>
    /// <param name="contents">The decrypted contents.</param>
    /// <param name="command">The command.</param>
    /// <param name="size">The bytes the message type took; the payload follows.</param>
    public static bool TryRead(ReadOnlySpan<byte> contents, out MessageCommand command, out int size)
    {
        command = default;
        size = 0;
        if (contents.IsEmpty)
        {
            return false;
        }

        if (contents[0] != LongFormMarker)
        {
            size = ShortFormSize;
            return V2MessageIds.TryGetCommand(contents[0], out command);
        }

        if (contents.Length < LongFormSize)
        {
            return false;
        }

        command = MessageCommand.FromBytes(contents.Slice(1, MessageCommand.Size));
        size = LongFormSize;
        return command.IsValid;
    }
}
