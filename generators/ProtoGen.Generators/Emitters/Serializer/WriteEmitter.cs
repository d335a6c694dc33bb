using System.Globalization;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;
using static ProtoGen.Generators.Emitters.Serializer.FieldCode;

namespace ProtoGen.Generators.Emitters.Serializer;

/// <summary>Emits a type's encoder: <c>Write</c> and the write statement of each wire kind.</summary>
internal static class WriteEmitter
{
    public static void EmitWrite(SourceWriter w, TypeModel model)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public static void Write(ref " + RuntimeTypeRefs.WireWriter + " writer, " + self + " value)"))
        {
            EmitGatedFields(w, model, "writer.Context", static (writer, field, access, gated) => EmitWriteValue(writer, field.Value, access, field.Name));
        }

        w.WriteLine();
    }

    private static void EmitWriteValue(SourceWriter w, ValueModel value, string access, string field)
    {
        if (value.Kind != WireKind.Array)
        {
            w.WriteLine(WriteStatement(value, access, field));
            return;
        }

        var element = value.Element!;
        w.WriteLine("writer.WriteCount(" + access + ".Count, " + value.Limit.ToString(CultureInfo.InvariantCulture) + ", " + FileHeader.Literal(field) + ");");
        using (w.Block("foreach (var item in " + access + ".AsSpan())"))
        {
            w.WriteLine(WriteStatement(element, "item", field));
        }
    }

    private static string WriteStatement(ValueModel value, string access, string field)
    {
        access = NonNull(value, access, field);
        string v = value.EnumType is null ? access : "(" + value.TypeName + ")" + access;
        return value.Kind switch
        {
            WireKind.Byte => "writer.WriteByte(" + v + ");",
            WireKind.SByte => "writer.WriteSByte(" + v + ");",
            WireKind.Bool => "writer.WriteBool(" + v + ");",
            WireKind.UInt16 => "writer.WriteUInt16(" + v + ");",
            WireKind.Int16 => "writer.WriteInt16(" + v + ");",
            WireKind.UInt16BigEndian => "writer.WriteUInt16BigEndian(" + v + ");",
            WireKind.UInt32 => "writer.WriteUInt32(" + v + ");",
            WireKind.Int32 => "writer.WriteInt32(" + v + ");",
            WireKind.UInt64 => "writer.WriteUInt64(" + v + ");",
            WireKind.Int64 => "writer.WriteInt64(" + v + ");",
            // A negative int or long would be written as a huge CompactSize that no decoder accepts back.
            WireKind.CompactSize when value.CompactSizeTarget is "int" or "long" =>
                "if (" + v + " < 0)\n{\n    throw new global::ProtoGen.ProtocolException(global::ProtoGen.ProtocolError.EncodeLimitExceeded, "
                + FileHeader.Literal(field + ": a negative value cannot be encoded as a CompactSize") + ");\n}\n\nwriter.WriteCompactSize((ulong)" + v + ");",
            WireKind.CompactSize => "writer.WriteCompactSize((ulong)" + v + ");",
            WireKind.Hash256 => "writer.WriteHash256(" + v + ");",
            WireKind.VarBytes => "writer.WriteVarBytes(" + v + ".Span, " + Limits(value) + ", " + FileHeader.Literal(field) + ");",
            WireKind.FixedBytes => "writer.WriteFixedBytes(" + v + ".Span, " + value.Limit.ToString(CultureInfo.InvariantCulture) + ", " + FileHeader.Literal(field) + ");",
            WireKind.VarString => "writer.WriteVarString(" + v + ", " + Limits(value) + ", " + FileHeader.Literal(field) + ");",
            WireKind.Nested => value.TypeName + ".Write(ref writer, " + v + ");",
            WireKind.Codec => value.CodecType + ".Write(ref writer, " + v + ");",
            _ => throw new System.InvalidOperationException("arrays are written by EmitWriteValue"),
        };
    }
}
