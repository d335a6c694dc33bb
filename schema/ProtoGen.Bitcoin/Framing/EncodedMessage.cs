using System;
using System.Buffers.Binary;
using System.Threading;

namespace ProtoGen.Bitcoin.Framing;

/// <summary>
/// A message encoded once per wire context and then sent as those bytes to any number of peers: a block served to
/// many peers is encoded and its frame checksum computed once per form (with or without witness data), not once per
/// peer. Queue it like any message (<c>Peer.QueueMessage</c>); <see cref="Frame.Write(Span{byte}, uint, IMessage, WireContext, int)"/>
/// copies its payload and reuses its checksum.
/// </summary>
/// <remarks>
/// The encodings are kept for the life of this object (one per distinct <see cref="WireContext"/> asked for); drop
/// it to free them. Safe to use from any number of threads; a context is encoded once even when peers ask together.
/// The wrapped message must not change after it is wrapped.
/// </remarks>
public sealed class EncodedMessage : IMessage
{
    private readonly Lock _lock = new();
    private Encoding[] _encodings = [];

    /// <summary>Wraps <paramref name="message"/>; nothing is encoded until a context is first asked for.</summary>
    /// <param name="message">The message (an <see cref="EncodedMessage"/> is unwrapped).</param>
    public EncodedMessage(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Message = message is EncodedMessage encoded ? encoded.Message : message;
    }

    /// <summary>The wrapped message.</summary>
    public IMessage Message { get; }

    /// <inheritdoc/>
    public MessageCommand Command => Message.Command;

    /// <summary>How many times the message has been encoded: once per distinct context asked for.</summary>
    public int EncodingCount => Volatile.Read(ref _encodings).Length;

    /// <inheritdoc/>
    public int GetEncodedSize(WireContext context) => Get(context).Payload.Length;

    /// <summary>Copies the payload encoded in the writer's context.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(ref WireWriter writer) => writer.WriteBytes(Get(writer.Context).Payload.Span);

    /// <summary>The payload encoded in <paramref name="context"/> (encoded now if it is the first time).</summary>
    /// <param name="context">The encoding context.</param>
    public ReadOnlyMemory<byte> GetPayload(WireContext context) => Get(context).Payload;

    /// <summary>The frame checksum of the payload in <paramref name="context"/>.</summary>
    /// <param name="context">The encoding context.</param>
    public uint GetChecksum(WireContext context) => Get(context).Checksum;

    private Encoding Get(WireContext context)
    {
        var encodings = Volatile.Read(ref _encodings);
        foreach (var encoding in encodings)
        {
            if (encoding.Context.Equals(context))
            {
                return encoding;
            }
        }

        lock (_lock)
        {
            foreach (var encoding in _encodings)
            {
                if (encoding.Context.Equals(context))
                {
                    return encoding;
                }
            }

            // Frame.Write measures, encodes, checks the size function and checksums; the magic is written per send.
            var frame = Frame.ToArray(0, Message, context);
            var added = new Encoding(context, frame.AsMemory(FrameHeader.Size), BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(20)));
            Volatile.Write(ref _encodings, [.. _encodings, added]);
            return added;
        }
    }

    private sealed record Encoding(WireContext Context, ReadOnlyMemory<byte> Payload, uint Checksum);
}
