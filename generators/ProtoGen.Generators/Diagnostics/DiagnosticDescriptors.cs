using Microsoft.CodeAnalysis;

namespace ProtoGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic ProtoGen reports. IDs are stable and never reused: 00xx declaration shape, 01xx fields and
/// codecs, 02xx commands and dispatch. Keep <c>AnalyzerReleases.*.md</c> in step.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string UsageCategory = "ProtoGen.Usage";
    public const string WireCategory = "ProtoGen.Wire";

    public const string TypeNotPartialId = "PGEN0001";
    public const string GenericTypeId = "PGEN0002";
    public const string MessageSetShapeId = "PGEN0003";
    public const string DuplicateMessageSetId = "PGEN0004";
    public const string MessageNotAccessibleId = "PGEN0005";
    public const string NotConstructibleId = "PGEN0006";
    public const string InvalidPayloadLimitId = "PGEN0007";
    public const string UnsupportedFieldTypeId = "PGEN0101";
    public const string MissingLimitId = "PGEN0102";
    public const string OptionalBeforeRequiredId = "PGEN0103";
    public const string CodecShapeId = "PGEN0104";
    public const string OptionalNotNullableId = "PGEN0105";
    public const string InvalidFieldAttributeId = "PGEN0106";
    public const string InvalidLimitId = "PGEN0107";
    public const string GeneratedMemberConflictId = "PGEN0108";
    public const string RecursiveFieldId = "PGEN0109";
    public const string DuplicateCommandId = "PGEN0201";
    public const string InvalidCommandId = "PGEN0202";
    public const string InvalidListenerNameId = "PGEN0203";
    public const string DuplicateListenerNameId = "PGEN0204";
    public const string CommandOfReferencedSetId = "PGEN0205";
    public const string V2ShortIdOutOfRangeId = "PGEN0206";
    public const string DuplicateV2ShortIdId = "PGEN0207";

    public static readonly DiagnosticDescriptor TypeNotPartial = new(
        TypeNotPartialId,
        "Message and wire types must be partial",
        "'{0}' must be declared partial (and so must every type containing it) so that ProtoGen can add its codec",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericType = new(
        GenericTypeId,
        "Message and wire types cannot be generic",
        "'{0}' is generic; ProtoGen message and wire types must not have type parameters",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MessageSetShape = new(
        MessageSetShapeId,
        "A message set must be a static partial class",
        "'{0}' must be a non-generic static partial class to hold the generated dispatcher",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateMessageSet = new(
        DuplicateMessageSetId,
        "Only one message set per assembly",
        "'{0}' declares a second message set in this assembly; every message of an assembly belongs to its one set",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor MessageNotAccessible = new(
        MessageNotAccessibleId,
        "Message type must be reachable from its message set",
        "'{0}' must be public or internal (and so must every type containing it) so that the message set's dispatcher and listeners can name it",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotConstructible = new(
        NotConstructibleId,
        "Type cannot be created by the generated decoder",
        "'{0}' cannot be created by the generated decoder: {1}",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidPayloadLimit = new(
        InvalidPayloadLimitId,
        "Message set payload limit must be positive",
        "Message set '{0}' declares MaxPayloadLength = {1}; the payload limit must be a positive number of bytes",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedFieldType = new(
        UnsupportedFieldTypeId,
        "Unsupported field type",
        "Field '{1}' of '{0}' has type '{2}', which ProtoGen cannot encode; use an integer, bool, enum, string, WireBytes, Hash256, WireArray<T>, a [WireType] type, or name a codec with [WireCodec]",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MissingLimit = new(
        MissingLimitId,
        "Variable-length field without a limit",
        "Field '{1}' of '{0}' is variable-length and needs {2} so that decoding is bounded before allocating",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OptionalBeforeRequired = new(
        OptionalBeforeRequiredId,
        "Optional trailing field followed by a required field",
        "Field '{1}' of '{0}' is required but follows the optional field '{2}'; optional fields must come last",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor CodecShape = new(
        CodecShapeId,
        "Codec has the wrong shape",
        "Codec '{0}' for '{1}' must declare accessible static methods '{2} Read(ref WireReader)', 'void Write(ref WireWriter, {2})' and 'int GetEncodedSize({2}, WireContext)'",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OptionalNotNullable = new(
        OptionalNotNullableId,
        "Optional field must be nullable",
        "Optional field '{1}' of '{0}' must have a nullable type, so that an absent value is distinguishable from a present one",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidFieldAttribute = new(
        InvalidFieldAttributeId,
        "Field attribute does not apply to this type",
        "Field '{1}' of '{0}': {2}",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidLimit = new(
        InvalidLimitId,
        "Limit must be positive",
        "Field '{1}' of '{0}' has a limit of {2}; limits must be between 1 and 33554432",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GeneratedMemberConflict = new(
        GeneratedMemberConflictId,
        "Member name is reserved for generated code",
        "'{0}' declares '{1}', which ProtoGen generates for this type; rename the member",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RecursiveField = new(
        RecursiveFieldId,
        "Required field makes the type contain itself",
        "Field '{1}' of '{0}' is a required '{2}', which always contains another '{0}': the value has no finite encoding; make the field [Optional] or a WireArray",
        WireCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateCommand = new(
        DuplicateCommandId,
        "Duplicate command",
        "Command '{0}' of '{1}' is already used by '{2}' in this assembly",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor InvalidCommand = new(
        InvalidCommandId,
        "Invalid command",
        "Command '{0}' of '{1}' is invalid: {2}",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidListenerName = new(
        InvalidListenerNameId,
        "Invalid listener name",
        "Listener name '{0}' of '{1}' is invalid: {2}",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateListenerName = new(
        DuplicateListenerNameId,
        "Duplicate listener name",
        "Listener name '{0}' of '{1}' is already used by '{2}' in this assembly; set a different ListenerName",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor CommandOfReferencedSet = new(
        CommandOfReferencedSetId,
        "Command already declared by a referenced message set",
        "Command '{0}' of '{1}' is already declared by '{2}' in the message set '{3}' of the referenced assembly '{4}'; a peer that composes both sets delivers the command to one of them only (it asks the Bitcoin set first), so choose another command",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor V2ShortIdOutOfRange = new(
        V2ShortIdOutOfRangeId,
        "BIP324 short id out of range",
        "V2ShortId {0} of '{1}' is out of range: a BIP324 one-byte message type is 1 to 255 (0 introduces the long form); leave it out for none",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateV2ShortId = new(
        DuplicateV2ShortIdId,
        "Duplicate BIP324 short id",
        "V2ShortId {0} of '{1}' is already used by '{2}' in this assembly; a one-byte message type names one message",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);
}
