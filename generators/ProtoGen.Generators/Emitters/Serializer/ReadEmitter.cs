using System.Collections.Generic;
using System.Globalization;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;
using static ProtoGen.Generators.Emitters.Serializer.FieldCode;

namespace ProtoGen.Generators.Emitters.Serializer;

/// <summary>Emits a type's decoder: <c>Read</c>, the <c>OnDecoded</c> hook, and the read expression of each wire kind.</summary>
internal static class ReadEmitter
{
    public static void EmitRead(SourceWriter w, TypeModel model)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public static " + self + " Read(ref " + RuntimeTypeRefs.WireReader + " reader)"))
        {
            foreach (var field in model.Fields)
            {
                string local = Local(field);
                string declared = DeclaredType(field);
                if (field.Optional)
                {
                    w.WriteLine(declared + " " + local + " = null;");
                    using (w.Block("if (reader.Remaining > 0" + SinceCondition(field, "reader.Context") + ")"))
                    {
                        EmitReadInto(w, field, local);
                    }
                }
                else if (field.Since > 0)
                {
                    w.WriteLine(declared + " " + local + " = default!;");
                    using (w.Block("if (" + SinceCheck(field, "reader.Context") + ")"))
                    {
                        EmitReadInto(w, field, local);
                    }
                }
                else if (field.Value.Kind == WireKind.Array)
                {
                    w.WriteLine(declared + " " + local + ";");
                    EmitReadInto(w, field, local);
                }
                else
                {
                    w.WriteLine("var " + local + " = " + ReadExpression(field.Value, field.Name) + ";");
                }
            }

            var arguments = new List<string>();
            foreach (var field in model.Fields)
            {
                arguments.Add(model.UsesConstructor ? Local(field) : FileHeader.Identifier(field.Name) + " = " + Local(field));
            }

            if (model.UsesConstructor)
            {
                w.WriteLine("var result = new " + self + "(" + string.Join(", ", arguments) + ");");
            }
            else if (arguments.Count == 0)
            {
                w.WriteLine("var result = new " + self + "();");
            }
            else
            {
                w.WriteLine("var result = new " + self);
                w.WriteLine("{");
                w.Indentation++;
                foreach (var argument in arguments)
                {
                    w.WriteLine(argument + ",");
                }

                w.Indentation--;
                w.WriteLine("};");
            }

            w.WriteLine("result.OnDecoded();");
            w.WriteLine("return result;");
        }

        w.WriteLine();
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Implement this partial method to check rules that span fields after decoding; throw");
        w.WriteLine("/// <see cref=\"global::ProtoGen.ProtocolException\"/> to reject the value.");
        w.WriteLine("/// </summary>");
        w.WriteLine("partial void OnDecoded();");
        w.WriteLine();
    }

    private static void EmitReadInto(SourceWriter w, FieldModel field, string local)
    {
        var value = field.Value;
        if (value.Kind != WireKind.Array)
        {
            w.WriteLine(local + " = " + ReadExpression(value, field.Name) + ";");
            return;
        }

        var element = value.Element!;
        string elementType = ElementTypeName(element);
        using (w.Block())
        {
            w.WriteLine("int count = reader.ReadCount(" + value.Limit.ToString(CultureInfo.InvariantCulture) + ", " + SizeEmitter.MinSize(element) + ", " + FileHeader.Literal(field.Name) + ");");
            w.WriteLine("var items = count == 0 ? global::System.Array.Empty<" + elementType + ">() : new " + ArrayAllocation(elementType) + ";");
            using (w.Block("for (int i = 0; i < items.Length; i++)"))
            {
                w.WriteLine("items[i] = " + ReadExpression(element, field.Name) + ";");
            }

            w.WriteLine(local + " = new " + value.TypeName + "(items);");
        }
    }

    private static string ArrayAllocation(string elementType)
    {
        // new T[count], keeping any array rank specifiers of T after the count.
        int bracket = elementType.IndexOf('[');
        return bracket < 0 ? elementType + "[count]" : elementType.Substring(0, bracket) + "[count]" + elementType.Substring(bracket);
    }

    private static string ReadExpression(ValueModel value, string field)
    {
        string raw = value.Kind switch
        {
            WireKind.Byte => "reader.ReadByte()",
            WireKind.SByte => "reader.ReadSByte()",
            WireKind.Bool => "reader.ReadBool()",
            WireKind.UInt16 => "reader.ReadUInt16()",
            WireKind.Int16 => "reader.ReadInt16()",
            WireKind.UInt16BigEndian => "reader.ReadUInt16BigEndian()",
            WireKind.UInt32 => "reader.ReadUInt32()",
            WireKind.Int32 => "reader.ReadInt32()",
            WireKind.UInt64 => "reader.ReadUInt64()",
            WireKind.Int64 => "reader.ReadInt64()",
            WireKind.CompactSize => value.CompactSizeTarget == "ulong"
                ? "reader.ReadCompactSize(rangeCheck: false)"
                : "(" + value.CompactSizeTarget + ")reader.ReadCompactSize(" + value.CompactSizeTarget + ".MaxValue, " + FileHeader.Literal(field) + ")",
            WireKind.Hash256 => "reader.ReadHash256()",
            WireKind.VarBytes => "reader.ReadVarBytes(" + Limits(value) + ", " + FileHeader.Literal(field) + ")",
            WireKind.FixedBytes => "reader.ReadBytes(" + value.Limit.ToString(CultureInfo.InvariantCulture) + ")",
            WireKind.VarString => "reader.ReadVarString(" + Limits(value) + ", " + FileHeader.Literal(field) + ")",
            WireKind.Nested => value.TypeName + ".Read(ref reader)",
            WireKind.Codec => value.CodecType + ".Read(ref reader)",
            _ => throw new System.InvalidOperationException("arrays are read by EmitReadInto"),
        };

        return value.EnumType is null ? raw : "(" + value.EnumType + ")" + raw;
    }
}
