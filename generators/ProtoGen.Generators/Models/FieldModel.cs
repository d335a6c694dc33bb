namespace ProtoGen.Generators.Models;

/// <summary>
/// One value's wire shape: a field, or (through <see cref="Element"/>) a collection's element.
/// </summary>
/// <param name="Kind">The encoding.</param>
/// <param name="TypeName">The CLR type, fully qualified with <c>global::</c> (the underlying type for nullable value types).</param>
/// <param name="EnumType">For an enum, its fully qualified name (the encoding then follows <see cref="Kind"/>, the underlying type); otherwise null.</param>
/// <param name="CompactSizeTarget">For <see cref="WireKind.CompactSize"/>, the C# keyword of the integer type (<c>ulong</c>, <c>int</c>, ...).</param>
/// <param name="Limit">MaxCount (arrays), MaxLength (byte strings, text) or FixedLength (fixed bytes); 0 when none.</param>
/// <param name="CodecType">For <see cref="WireKind.Codec"/>, the codec class.</param>
/// <param name="CodecMinSize">For <see cref="WireKind.Codec"/>, the declared minimum encoded size.</param>
/// <param name="Element">For <see cref="WireKind.Array"/>, the element's shape.</param>
/// <param name="IsNullableReference">
/// Whether a required value (not an [Optional] field) is declared as a nullable reference type: the encoder then
/// checks it, since a null cannot be put on the wire.
/// </param>
/// <param name="MinLimit">For a byte string or text, the smallest length in bytes ([MaxLength]'s MinLength); 0 when none.</param>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record ValueModel(
    WireKind Kind,
    string TypeName,
    string? EnumType,
    string? CompactSizeTarget,
    int Limit,
    string? CodecType,
    int CodecMinSize,
    ValueModel? Element,
    bool IsNullableReference = false,
    int MinLimit = 0);

/// <summary>One field of a message or wire type.</summary>
/// <param name="Name">The property (or primary-constructor parameter) name.</param>
/// <param name="Value">The wire shape.</param>
/// <param name="Since">The protocol version from which the field is present (0: always).</param>
/// <param name="Optional">Whether the field is an optional trailing field.</param>
/// <param name="IsNullableValueType">Whether the declared type is <c>Nullable&lt;T&gt;</c>.</param>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record FieldModel(
    string Name,
    ValueModel Value,
    int Since,
    bool Optional,
    bool IsNullableValueType);
