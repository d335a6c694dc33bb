using System;

namespace ProtoGen;

/// <summary>Caps the element count of a length-prefixed collection field; the decoder rejects larger counts before allocating.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class MaxCountAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="maxCount">The largest element count accepted or written.</param>
    public MaxCountAttribute(int maxCount) => MaxCount = maxCount;

    /// <summary>The largest element count accepted or written.</summary>
    public int MaxCount { get; }
}

/// <summary>
/// Caps the byte length of a length-prefixed byte string or UTF-8 string field (or, on a collection of byte strings,
/// of each element); the decoder rejects longer values before allocating.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class MaxLengthAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="maxLength">The largest length in bytes.</param>
    public MaxLengthAttribute(int maxLength) => MaxLength = maxLength;

    /// <summary>The largest length in bytes.</summary>
    public int MaxLength { get; }

    /// <summary>
    /// The smallest length in bytes (default 0) of a byte string or UTF-8 string field: the decoder rejects shorter
    /// values with <see cref="ProtocolError.ValueOutOfRange"/> and the encoder refuses them (BIP434's 4-byte feature id).
    /// </summary>
    public int MinLength { get; set; }
}

/// <summary>Encodes a <see cref="WireBytes"/> field as exactly this many bytes, with no length prefix.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class FixedLengthAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="length">The number of bytes on the wire.</param>
    public FixedLengthAttribute(int length) => Length = length;

    /// <summary>The number of bytes on the wire.</summary>
    public int Length { get; }
}

/// <summary>
/// Marks a trailing field as optional: the decoder reads it only while bytes remain (as Bitcoin Core does for the
/// <c>version</c> message after <c>addr_from</c>), and the encoder writes it only when it has a value. The field
/// must be nullable, and every field after it must be optional too.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class OptionalAttribute : Attribute
{
}

/// <summary>
/// Gates a field on the protocol version: it is read and written only when the context's protocol version is at
/// least <see cref="ProtocolVersion"/> (for example the <c>ping</c> nonce of BIP31).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class SinceAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="protocolVersion">The lowest protocol version at which the field is on the wire.</param>
    public SinceAttribute(int protocolVersion) => ProtocolVersion = protocolVersion;

    /// <summary>The lowest protocol version at which the field is on the wire.</summary>
    public int ProtocolVersion { get; }
}

/// <summary>Encodes an integer field as a Bitcoin CompactSize; the decoder rejects values that do not fit the field's type.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class CompactSizeAttribute : Attribute
{
}

/// <summary>Encodes an integer field big-endian (the port of a Bitcoin network address is the only such field).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class BigEndianAttribute : Attribute
{
}

/// <summary>Excludes a property from the wire encoding.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class WireIgnoreAttribute : Attribute
{
}

/// <summary>
/// The escape hatch: names a hand-written codec. On a field, the codec encodes that field; on a
/// <see cref="MessageAttribute"/> or <see cref="WireTypeAttribute"/> type, it encodes the whole type and the
/// generator emits only the glue (interfaces, command, dispatch).
/// </summary>
/// <remarks>
/// The codec is a static class with exactly these public static methods, where <c>T</c> is the field's (or the type's) type:
/// <code>
/// static T Read(ref WireReader reader);
/// static void Write(ref WireWriter writer, T value);
/// static int GetEncodedSize(T value, WireContext context);
/// </code>
/// The generator calls them directly; nothing is looked up at run time.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class WireCodecAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="codecType">The static codec class.</param>
    public WireCodecAttribute(Type codecType) => CodecType = codecType;

    /// <summary>The static codec class.</summary>
    public Type CodecType { get; }

    /// <summary>The smallest number of bytes one encoded value takes (used to bound collection counts before allocating).</summary>
    public int MinEncodedSize { get; set; } = 1;
}
