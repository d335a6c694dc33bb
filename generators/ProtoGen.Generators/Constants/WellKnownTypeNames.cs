namespace ProtoGen.Generators.Constants;

/// <summary>Metadata names of the runtime types the generator recognises. The generator never references the runtime assembly.</summary>
internal static class WellKnownTypeNames
{
    public const string MessageAttribute = "ProtoGen.MessageAttribute";
    public const string WireTypeAttribute = "ProtoGen.WireTypeAttribute";
    public const string MessageSetAttribute = "ProtoGen.MessageSetAttribute";

    /// <summary>The <c>MessageSetAttribute</c> constant holding the runtime's default payload limit.</summary>
    public const string DefaultMaxPayloadLengthField = "DefaultMaxPayloadLength";

    /// <summary>The named argument of <c>[Message]</c> and <c>[MessageSet]</c> that sets a payload limit.</summary>
    public const string MaxPayloadLengthArgument = "MaxPayloadLength";

    /// <summary>The named argument of <c>[Message]</c> that declares the BIP324 one-byte message type.</summary>
    public const string V2ShortIdArgument = "V2ShortId";

    public const string MaxCountAttribute = "ProtoGen.MaxCountAttribute";
    public const string MaxLengthAttribute = "ProtoGen.MaxLengthAttribute";
    public const string FixedLengthAttribute = "ProtoGen.FixedLengthAttribute";
    public const string OptionalAttribute = "ProtoGen.OptionalAttribute";
    public const string SinceAttribute = "ProtoGen.SinceAttribute";
    public const string CompactSizeAttribute = "ProtoGen.CompactSizeAttribute";
    public const string BigEndianAttribute = "ProtoGen.BigEndianAttribute";
    public const string WireIgnoreAttribute = "ProtoGen.WireIgnoreAttribute";
    public const string WireCodecAttribute = "ProtoGen.WireCodecAttribute";
    public const string WireBytes = "ProtoGen.WireBytes";
    public const string WireArray = "ProtoGen.WireArray`1";
    public const string Hash256 = "ProtoGen.Hash256";
    public const string WireReader = "ProtoGen.WireReader";
    public const string WireWriter = "ProtoGen.WireWriter";
    public const string WireContext = "ProtoGen.WireContext";
    public const string IWireSerializable = "ProtoGen.IWireSerializable`1";
}
