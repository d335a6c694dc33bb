using System;

namespace ProtoGen;

/// <summary>
/// Declares a P2P message. The ProtoGen generator emits, for the annotated <c>partial</c> type, the exact encoded
/// size, an encoder, a decoder, the 12-byte command constant and an implementation of <see cref="IMessage{TSelf}"/>.
/// </summary>
/// <remarks>
/// Fields are the type's settable (or init-only) instance properties in declaration order, or the parameters of a
/// positional record's primary constructor. Every variable-length field needs a limit
/// (<see cref="MaxCountAttribute"/> or <see cref="MaxLengthAttribute"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class MessageAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="command">The command name carried in the message header: printable ASCII, 1 to 12 bytes.</param>
    public MessageAttribute(string command) => Command = command;

    /// <summary>The command name carried in the message header.</summary>
    public string Command { get; }

    /// <summary>The lowest negotiated protocol version at which a peer may send this message (0: any).</summary>
    public int MinProtocolVersion { get; set; }

    /// <summary>
    /// The largest payload this message may have, in bytes. Zero (the default) means: the exact size when every field
    /// has a fixed size, otherwise the set's <see cref="MessageSetAttribute.MaxPayloadLength"/>. The generated
    /// descriptor never records more than the set's limit.
    /// </summary>
    public int MaxPayloadLength { get; set; }

    /// <summary>The listener method suffix (<c>On{ListenerName}</c>); by default the type name without a <c>Message</c> suffix.</summary>
    public string? ListenerName { get; set; }

    /// <summary>
    /// The one-byte message type a BIP324 (v2) transport sends instead of the 12-byte command, 1 to 255; 0 (the
    /// default) means none: the message travels in the long form. The generator records it in the descriptor
    /// (<see cref="MessageDescriptor.V2ShortId"/>) and reports an id outside 1-255 (PGEN0206) or used twice in the set
    /// (PGEN0207). The ids belong to the BIPs that assign them; a user's own messages leave it at 0.
    /// </summary>
    public int V2ShortId { get; set; }
}

/// <summary>
/// Declares a wire type: a structure used inside messages (a network address, an inventory vector, ...). The
/// generator emits its size, encoder and decoder and an implementation of <see cref="IWireSerializable{TSelf}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class WireTypeAttribute : Attribute
{
}

/// <summary>
/// Marks a <c>static partial class</c> as a message set. The generator fills it with a dispatcher (a switch on the
/// 12 command bytes that decodes and calls a typed listener or an <see cref="IMessageHandler{TPeer}"/>, and the way
/// back from a decoded message to its listener method), a message catalogue, and emits the listener interface
/// <c>I{Name}Listener&lt;TPeer&gt;</c>, the delegate-based <c>{Name}Listeners&lt;TPeer&gt;</c> class and the composite
/// <c>{Name}ListenerGroup&lt;TPeer&gt;</c> for every <see cref="MessageAttribute"/> type of the same assembly.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class MessageSetAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The set's name, used for the listener types (<c>I{name}Listener</c>).</param>
    public MessageSetAttribute(string name) => Name = name;

    /// <summary>The set's name.</summary>
    public string Name { get; }

    /// <summary>
    /// The payload limit of a set that declares none, and of the messages of an assembly without a set: 32 MiB, the
    /// largest length a <see cref="CompactSize"/> prefix may announce (<see cref="CompactSize.MaxSize"/>). It is a
    /// generic bound that keeps every descriptor finite, not any protocol's limit; a protocol declares its own with
    /// <see cref="MaxPayloadLength"/>.
    /// </summary>
    public const int DefaultMaxPayloadLength = (int)CompactSize.MaxSize;

    /// <summary>
    /// The largest payload any message of the set may have, in bytes (positive); default
    /// <see cref="DefaultMaxPayloadLength"/>. The generator records it in the descriptor of every message of the set
    /// whose own limit is not smaller (<see cref="MessageDescriptor.MaxPayloadLength"/>).
    /// </summary>
    public int MaxPayloadLength { get; set; } = DefaultMaxPayloadLength;
}
