using System.Collections.Generic;
using System.Globalization;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;
using static ProtoGen.Generators.Emitters.Serializer.FieldCode;

namespace ProtoGen.Generators.Emitters.Serializer;

/// <summary>Emits a type's sizes (<c>MinEncodedSize</c>, <c>GetEncodedSize</c>) and knows the fixed and minimum size of each wire kind.</summary>
internal static class SizeEmitter
{
    public static void EmitMinSize(SourceWriter w, TypeModel model)
    {
        var parts = new List<string>();
        int constant = 0;
        foreach (var field in model.Fields)
        {
            if (field.Optional || field.Since > 0)
            {
                continue;
            }

            if (FixedSize(field.Value) is { } size)
            {
                constant += size;
            }
            else
            {
                var min = MinSize(field.Value);
                if (int.TryParse(min, NumberStyles.None, CultureInfo.InvariantCulture, out int m))
                {
                    constant += m;
                }
                else
                {
                    parts.Add(min);
                }
            }
        }

        parts.Insert(0, constant.ToString(CultureInfo.InvariantCulture));
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static int MinEncodedSize => " + string.Join(" + ", parts) + ";");
        w.WriteLine();
    }

    public static void EmitSize(SourceWriter w, TypeModel model)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public static int GetEncodedSize(" + self + " value, " + RuntimeTypeRefs.WireContext + " context)"))
        {
            int constant = 0;
            foreach (var field in model.Fields)
            {
                if (!field.Optional && field.Since == 0 && FixedSize(field.Value) is { } fixedSize)
                {
                    constant += fixedSize;
                }
            }

            w.WriteLine("int size = " + constant.ToString(CultureInfo.InvariantCulture) + ";");

            // Fixed-size fields that are always present are already in the constant.
            EmitGatedFields(w, model, "context", static (writer, field, access, gated) =>
            {
                if (gated || FixedSize(field.Value) is null)
                {
                    EmitSizeValue(writer, field.Value, access, field.Name);
                }
            });

            w.WriteLine("return size;");
        }
    }

    private static void EmitSizeValue(SourceWriter w, ValueModel value, string access, string field)
    {
        if (FixedSize(value) is { } fixedSize)
        {
            w.WriteLine("size += " + fixedSize.ToString(CultureInfo.InvariantCulture) + ";");
            return;
        }

        if (value.Kind != WireKind.Array)
        {
            w.WriteLine("size += " + SizeExpression(value, access, field) + ";");
            return;
        }

        var element = value.Element!;
        w.WriteLine("size += " + RuntimeTypeRefs.CompactSize + ".GetEncodedSize((ulong)" + access + ".Count);");
        if (FixedSize(element) is { } elementSize)
        {
            w.WriteLine("size += " + access + ".Count * " + elementSize.ToString(CultureInfo.InvariantCulture) + ";");
            return;
        }

        using (w.Block("foreach (var item in " + access + ".AsSpan())"))
        {
            w.WriteLine("size += " + SizeExpression(element, "item", field) + ";");
        }
    }

    /// <summary>The size of a value whose encoding has a fixed length, or null.</summary>
    public static int? FixedSize(ValueModel value) => value.Kind switch
    {
        WireKind.Byte or WireKind.SByte or WireKind.Bool => 1,
        WireKind.UInt16 or WireKind.Int16 or WireKind.UInt16BigEndian => 2,
        WireKind.UInt32 or WireKind.Int32 => 4,
        WireKind.UInt64 or WireKind.Int64 => 8,
        WireKind.Hash256 => 32,
        WireKind.FixedBytes => value.Limit,
        _ => null,
    };

    /// <summary>The largest payload when every field has a fixed size (all gated fields present), or null.</summary>
    public static int? FixedMaxSize(TypeModel model)
    {
        if (model.TypeCodec is not null)
        {
            return null;
        }

        int total = 0;
        foreach (var field in model.Fields)
        {
            if (FixedSize(field.Value) is not { } size)
            {
                return null;
            }

            total += size;
        }

        return total;
    }

    public static string MinSize(ValueModel value)
    {
        if (FixedSize(value) is { } size)
        {
            return size.ToString(CultureInfo.InvariantCulture);
        }

        return value.Kind switch
        {
            WireKind.Nested => value.TypeName + ".MinEncodedSize",
            WireKind.Codec => value.CodecMinSize.ToString(CultureInfo.InvariantCulture),
            _ => "1",
        };
    }

    private static string SizeExpression(ValueModel value, string access, string field) => SizeExpressionOf(value, NonNull(value, access, field));

    private static string SizeExpressionOf(ValueModel value, string access) => value.Kind switch
    {
        WireKind.CompactSize => RuntimeTypeRefs.CompactSize + ".GetEncodedSize((ulong)" + access + ")",
        WireKind.VarBytes => RuntimeTypeRefs.WireWriter + ".GetVarBytesSize(" + access + ".Length)",
        WireKind.VarString => RuntimeTypeRefs.WireWriter + ".GetVarStringSize(" + access + ")",
        WireKind.Nested => value.TypeName + ".GetEncodedSize(" + access + ", context)",
        WireKind.Codec => value.CodecType + ".GetEncodedSize(" + access + ", context)",
        _ => FixedSize(value)?.ToString(CultureInfo.InvariantCulture) ?? "0",
    };
}
