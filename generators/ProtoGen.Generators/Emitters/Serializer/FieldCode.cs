using System.Globalization;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters.Serializer;

/// <summary>
/// Code fragments the decoder, encoder and size emitters share: protocol-version gates, locals, null checks, length
/// arguments, and the optional/gated field structure that the encoder and the size both walk.
/// </summary>
internal static class FieldCode
{
    /// <summary>
    /// Writes one statement group per field in the shape the encoder and the size share: optional fields stop at the
    /// first absent one (<c>more</c>), version-gated fields test the context's protocol version, others are unconditional.
    /// <paramref name="emitValue"/> receives the field, the expression to read it through, and whether it is gated.
    /// </summary>
    /// <param name="w">The writer.</param>
    /// <param name="model">The type whose fields are walked.</param>
    /// <param name="context">The expression for the <c>WireContext</c> in scope.</param>
    /// <param name="emitValue">Writes the code for one field's value.</param>
    public static void EmitGatedFields(SourceWriter w, TypeModel model, string context, System.Action<SourceWriter, FieldModel, string, bool> emitValue)
    {
        bool anyOptional = false;
        foreach (var field in model.Fields)
        {
            string access = "value." + FileHeader.Identifier(field.Name);
            if (field.Optional)
            {
                if (!anyOptional)
                {
                    w.WriteLine("bool more = true;");
                    anyOptional = true;
                }

                string local = "o_" + field.Name;
                using (w.Block("if (more && " + access + " is { } " + local + SinceCondition(field, context) + ")"))
                {
                    emitValue(w, field, local, true);
                }

                using (w.Block("else"))
                {
                    w.WriteLine("more = false;");
                }
            }
            else if (field.Since > 0)
            {
                using (w.Block("if (" + SinceCheck(field, context) + ")"))
                {
                    emitValue(w, field, access, true);
                }
            }
            else
            {
                emitValue(w, field, access, false);
            }
        }
    }

    public static string SinceCheck(FieldModel field, string context) =>
        context + ".ProtocolVersion >= " + field.Since.ToString(CultureInfo.InvariantCulture);

    public static string SinceCondition(FieldModel field, string context) =>
        field.Since > 0 ? " && " + SinceCheck(field, context) : string.Empty;

    public static string Local(FieldModel field) => "f_" + field.Name;

    public static string DeclaredType(FieldModel field)
    {
        string type = field.Value.Kind switch
        {
            WireKind.Array => field.Value.TypeName,
            _ => field.Value.EnumType ?? field.Value.TypeName,
        };

        return field.Optional ? type + "?" : type;
    }

    public static string ElementTypeName(ValueModel element) => element.EnumType ?? element.TypeName;

    /// <summary>
    /// A required value declared as a nullable reference cannot be written when null: the encoder (and the size,
    /// which runs first) rejects it instead of passing null on. Strings are written as empty and need no check.
    /// </summary>
    public static string NonNull(ValueModel value, string access, string field) =>
        value.IsNullableReference && value.Kind is WireKind.Nested or WireKind.Codec
            ? "(" + access + " ?? throw new global::ProtoGen.ProtocolException(global::ProtoGen.ProtocolError.EncodeLimitExceeded, "
                + FileHeader.Literal(field + ": a required value is null and cannot be encoded") + "))"
            : access;

    /// <summary>The length arguments of a variable-length value: "max", or "min, max" when a minimum is declared.</summary>
    public static string Limits(ValueModel value) => value.MinLimit > 0
        ? value.MinLimit.ToString(CultureInfo.InvariantCulture) + ", " + value.Limit.ToString(CultureInfo.InvariantCulture)
        : value.Limit.ToString(CultureInfo.InvariantCulture);
}
