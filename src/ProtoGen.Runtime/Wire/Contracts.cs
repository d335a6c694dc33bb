using System;

namespace ProtoGen;

/// <summary>
/// A value with a generated (or hand-written) wire codec. Static abstract members let generic code encode, decode
/// and measure values with no boxing, no virtual call and no reflection.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IWireSerializable<TSelf>
    where TSelf : IWireSerializable<TSelf>
{
    /// <summary>The fewest bytes one encoded value takes; bounds collection counts before anything is allocated.</summary>
    static abstract int MinEncodedSize { get; }

    /// <summary>Decodes one value.</summary>
    /// <param name="reader">The reader, positioned at the value.</param>
    /// <exception cref="ProtocolException">The input is malformed or breaks a limit.</exception>
    static abstract TSelf Read(ref WireReader reader);

    /// <summary>Encodes one value.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    static abstract void Write(ref WireWriter writer, TSelf value);

    /// <summary>The exact number of bytes <see cref="Write"/> produces for <paramref name="value"/> in <paramref name="context"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="context">The encoding context.</param>
    static abstract int GetEncodedSize(TSelf value, WireContext context);
}

/// <summary>A message, seen without its static type (in send queues, logs and hooks).</summary>
public interface IMessage
{
    /// <summary>The command carried in the message header.</summary>
    MessageCommand Command { get; }

    /// <summary>The exact payload size in <paramref name="context"/>.</summary>
    /// <param name="context">The encoding context.</param>
    int GetEncodedSize(WireContext context);

    /// <summary>Encodes the payload.</summary>
    /// <param name="writer">The writer.</param>
    void WriteTo(ref WireWriter writer);
}

/// <summary>A message type with its static metadata. Implemented by the generator for every <see cref="MessageAttribute"/> type.</summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IMessage<TSelf> : IMessage, IWireSerializable<TSelf>
    where TSelf : IMessage<TSelf>
{
    /// <summary>The message's catalogue entry: command, type, minimum protocol version, limits.</summary>
    static abstract MessageDescriptor Descriptor { get; }
}

/// <summary>One entry of a generated message catalogue.</summary>
/// <param name="Command">The command name.</param>
/// <param name="CommandBytes">The 12-byte command field.</param>
/// <param name="MessageType">The message's CLR type.</param>
/// <param name="MinProtocolVersion">The lowest negotiated protocol version at which the message may be sent (0: any).</param>
/// <param name="MaxPayloadLength">The largest payload accepted, in bytes.</param>
/// <param name="Limits">The per-field limits, as text (for example <c>inventory ≤ 50000</c>).</param>
/// <param name="V2ShortId">The BIP324 one-byte message type (<see cref="MessageAttribute.V2ShortId"/>), or 0 for the long form.</param>
public sealed record MessageDescriptor(
    string Command,
    MessageCommand CommandBytes,
    Type MessageType,
    int MinProtocolVersion,
    int MaxPayloadLength,
    string Limits,
    byte V2ShortId = 0);
