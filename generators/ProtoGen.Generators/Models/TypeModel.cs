using ProtoGen.Generators.Helpers;

namespace ProtoGen.Generators.Models;

/// <summary>Everything needed to emit one message's or wire type's serializer. Holds no Roslyn objects.</summary>
/// <param name="MetadataName">The fully qualified metadata name (unique; used for the hint name).</param>
/// <param name="Hierarchy">Namespace and containing types.</param>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c> or <c>record struct</c>.</param>
/// <param name="Name">The type's simple name.</param>
/// <param name="FullyQualifiedName">The type's name with <c>global::</c>.</param>
/// <param name="IsValueType">Whether the type is a struct.</param>
/// <param name="UsesConstructor">Whether values are built with the primary constructor (positional records) rather than an object initializer.</param>
/// <param name="TypeCodec">The whole-type codec class, or null when the generator encodes the fields.</param>
/// <param name="TypeCodecMinSize">The whole-type codec's declared minimum encoded size.</param>
/// <param name="Fields">The fields in wire order.</param>
/// <param name="Message">The message metadata, or null for a wire type.</param>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record TypeModel(
    string MetadataName,
    HierarchyInfo Hierarchy,
    string Keyword,
    string Name,
    string FullyQualifiedName,
    bool IsValueType,
    bool UsesConstructor,
    string? TypeCodec,
    int TypeCodecMinSize,
    EquatableArray<FieldModel> Fields,
    MessageInfo? Message);

/// <summary>A message's metadata.</summary>
/// <param name="Command">The command name.</param>
/// <param name="MinProtocolVersion">The lowest negotiated version at which the message may be sent.</param>
/// <param name="MaxPayloadLength">The declared payload limit (0: none declared; the fixed size or the set's limit applies).</param>
/// <param name="ListenerName">The listener method suffix.</param>
/// <param name="IsPublic">Whether the type is public all the way out (otherwise internal); the listener types follow it.</param>
/// <param name="V2ShortId">The BIP324 one-byte message type (1-255), or 0 when the message has none.</param>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record MessageInfo(string Command, int MinProtocolVersion, int MaxPayloadLength, string ListenerName, bool IsPublic, int V2ShortId = 0);

/// <summary>What the dispatcher and listeners need to know of one message: no field details, so that editing a field does not rebuild them.</summary>
/// <param name="Command">The command name.</param>
/// <param name="FullyQualifiedName">The message type with <c>global::</c>.</param>
/// <param name="ListenerName">The listener method suffix.</param>
/// <param name="IsPublic">Whether the message type is public all the way out.</param>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record MessageSummary(string Command, string FullyQualifiedName, string ListenerName, bool IsPublic);

/// <summary>A message set: the static partial class the dispatcher goes into, and the listener names.</summary>
/// <param name="MetadataName">The set class's metadata name.</param>
/// <param name="Hierarchy">Namespace and containing types.</param>
/// <param name="ClassName">The set class's name.</param>
/// <param name="SetName">The set's name (listener types are <c>I{SetName}Listener</c> and <c>{SetName}Listeners</c>).</param>
/// <param name="Accessibility">The set class's accessibility keyword.</param>
/// <param name="MaxPayloadLength">The payload limit the set declares, or null when it declares none (the runtime's default applies).</param>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record MessageSetModel(string MetadataName, HierarchyInfo Hierarchy, string ClassName, string SetName, string Accessibility, int? MaxPayloadLength);
