using System.Collections.Generic;
using System.Globalization;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters;

/// <summary>Emits one message's or wire type's codec: minimum size, exact size, encoder, decoder, command and descriptor.</summary>
internal static class SerializerEmitter
{
    private const string ReaderType = "global::ProtoGen.WireReader";
    private const string ContextType = "global::ProtoGen.WireContext";
    private const string CompactSizeType = "global::ProtoGen.CompactSize";
    private const string WireWriterType = "global::ProtoGen.WireWriter";
    private const string MessageCommandType = "global::ProtoGen.MessageCommand";
    private const string DescriptorType = "global::ProtoGen.MessageDescriptor";
    /// <param name="model">The message or wire type.</param>
    /// <param name="payloadLimit">The payload limit of the assembly's set, the most a message's descriptor records (unused for wire types).</param>
    public static string Emit(TypeModel model, int payloadLimit)
    {
        var w = new SourceWriter();
        FileHeader.Write(w);
        using (FileHeader.OpenHierarchy(w, model.Hierarchy))
        {
            string self = model.FullyQualifiedName;
            string contract = model.Message is null
                ? "global::ProtoGen.IWireSerializable<" + self + ">"
                : "global::ProtoGen.IMessage<" + self + ">";
            w.WriteLine(FileHeader.GeneratedCodeAttribute);
            using (w.Block(FileHeader.PartialDeclaration(model.Keyword) + " " + FileHeader.Identifier(model.Name) + " : " + contract))
            {
                if (model.Message is { } message)
                {
                    EmitMessageMembers(w, model, message, payloadLimit);
                }

                if (model.TypeCodec is { } codec)
                {
                    EmitCodecForwarders(w, model, codec);
                }
                else
                {
                    EmitMinSize(w, model);
                    EmitRead(w, model);
                    EmitWrite(w, model);
                    EmitSize(w, model);
                }
            }
        }

        return w.ToString();
    }

    private static void EmitMessageMembers(SourceWriter w, TypeModel model, MessageInfo message, int payloadLimit)
    {
        var (head, tail) = FileHeader.CommandParts(message.Command);
        int ownLimit = message.MaxPayloadLength > 0 ? message.MaxPayloadLength : (FixedMaxSize(model) ?? payloadLimit);
        int maxPayload = System.Math.Min(ownLimit, payloadLimit);
        w.WriteLine("/// <summary>The command name carried in the message header.</summary>");
        w.WriteLine("public const string CommandName = " + FileHeader.Literal(message.Command) + ";");
        w.WriteLine();
        w.WriteLine("/// <summary>The 12-byte command field of the message header.</summary>");
        w.WriteLine("public static " + MessageCommandType + " Command => new " + MessageCommandType + "(" + FileHeader.Hex(head) + ", " + FileHeader.Hex(tail) + ");");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static " + DescriptorType + " Descriptor { get; } = new " + DescriptorType + "(");
        w.Indentation++;
        w.WriteLine("CommandName,");
        w.WriteLine("Command,");
        w.WriteLine("typeof(" + model.FullyQualifiedName + "),");
        w.WriteLine(message.MinProtocolVersion.ToString(CultureInfo.InvariantCulture) + ",");
        w.WriteLine(maxPayload.ToString(CultureInfo.InvariantCulture) + ",");
        w.WriteLine(FileHeader.Literal(DescribeLimits(model)) + (message.V2ShortId == 0 ? string.Empty : ", " + message.V2ShortId.ToString(CultureInfo.InvariantCulture)) + ");");
        w.Indentation--;
        w.WriteLine();
        w.WriteLine(MessageCommandType + " global::ProtoGen.IMessage.Command => Command;");
        w.WriteLine();
        w.WriteLine("int global::ProtoGen.IMessage.GetEncodedSize(" + ContextType + " context) => GetEncodedSize(this, context);");
        w.WriteLine();
        w.WriteLine("void global::ProtoGen.IMessage.WriteTo(ref " + WireWriterType + " writer) => Write(ref writer, this);");
        w.WriteLine();
    }

    private static void EmitCodecForwarders(SourceWriter w, TypeModel model, string codec)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static int MinEncodedSize => " + model.TypeCodecMinSize.ToString(CultureInfo.InvariantCulture) + ";");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static " + self + " Read(ref " + ReaderType + " reader) => " + codec + ".Read(ref reader);");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static void Write(ref " + WireWriterType + " writer, " + self + " value) => " + codec + ".Write(ref writer, value);");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static int GetEncodedSize(" + self + " value, " + ContextType + " context) => " + codec + ".GetEncodedSize(value, context);");
    }

    private static void EmitMinSize(SourceWriter w, TypeModel model)
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

    private static void EmitRead(SourceWriter w, TypeModel model)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public static " + self + " Read(ref " + ReaderType + " reader)"))
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
            w.WriteLine("int count = reader.ReadCount(" + value.Limit.ToString(CultureInfo.InvariantCulture) + ", " + MinSize(element) + ", " + FileHeader.Literal(field.Name) + ");");
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

    private static void EmitWrite(SourceWriter w, TypeModel model)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public static void Write(ref " + WireWriterType + " writer, " + self + " value)"))
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
                    using (w.Block("if (more && " + access + " is { } " + local + SinceCondition(field, "writer.Context") + ")"))
                    {
                        EmitWriteValue(w, field.Value, local, field.Name);
                    }

                    using (w.Block("else"))
                    {
                        w.WriteLine("more = false;");
                    }
                }
                else if (field.Since > 0)
                {
                    using (w.Block("if (" + SinceCheck(field, "writer.Context") + ")"))
                    {
                        EmitWriteValue(w, field.Value, access, field.Name);
                    }
                }
                else
                {
                    EmitWriteValue(w, field.Value, access, field.Name);
                }
            }
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

    private static void EmitSize(SourceWriter w, TypeModel model)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public static int GetEncodedSize(" + self + " value, " + ContextType + " context)"))
        {
            int constant = 0;
            var lines = new List<string>();
            foreach (var field in model.Fields)
            {
                if (!field.Optional && field.Since == 0 && FixedSize(field.Value) is { } fixedSize)
                {
                    constant += fixedSize;
                }
            }

            w.WriteLine("int size = " + constant.ToString(CultureInfo.InvariantCulture) + ";");
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
                    using (w.Block("if (more && " + access + " is { } " + local + SinceCondition(field, "context") + ")"))
                    {
                        EmitSizeValue(w, field.Value, local, field.Name);
                    }

                    using (w.Block("else"))
                    {
                        w.WriteLine("more = false;");
                    }
                }
                else if (field.Since > 0)
                {
                    using (w.Block("if (" + SinceCheck(field, "context") + ")"))
                    {
                        EmitSizeValue(w, field.Value, access, field.Name);
                    }
                }
                else if (FixedSize(field.Value) is null)
                {
                    EmitSizeValue(w, field.Value, access, field.Name);
                }
            }

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
        w.WriteLine("size += " + CompactSizeType + ".GetEncodedSize((ulong)" + access + ".Count);");
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

    private static string SinceCheck(FieldModel field, string context) =>
        context + ".ProtocolVersion >= " + field.Since.ToString(CultureInfo.InvariantCulture);

    private static string SinceCondition(FieldModel field, string context) =>
        field.Since > 0 ? " && " + SinceCheck(field, context) : string.Empty;

    private static string Local(FieldModel field) => "f_" + field.Name;

    private static string DeclaredType(FieldModel field)
    {
        string type = field.Value.Kind switch
        {
            WireKind.Array => field.Value.TypeName,
            _ => field.Value.EnumType ?? field.Value.TypeName,
        };

        return field.Optional ? type + "?" : type;
    }

    private static string ElementTypeName(ValueModel element) => element.EnumType ?? element.TypeName;

    /// <summary>The size of a value whose encoding has a fixed length, or null.</summary>
    private static int? FixedSize(ValueModel value) => value.Kind switch
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
    private static int? FixedMaxSize(TypeModel model)
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

    private static string MinSize(ValueModel value)
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

    /// <summary>
    /// A required value declared as a nullable reference cannot be written when null: the encoder (and the size,
    /// which runs first) rejects it instead of passing null on. Strings are written as empty and need no check.
    /// </summary>
    private static string NonNull(ValueModel value, string access, string field) =>
        value.IsNullableReference && value.Kind is WireKind.Nested or WireKind.Codec
            ? "(" + access + " ?? throw new global::ProtoGen.ProtocolException(global::ProtoGen.ProtocolError.EncodeLimitExceeded, "
                + FileHeader.Literal(field + ": a required value is null and cannot be encoded") + "))"
            : access;

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

    /// <summary>The length arguments of a variable-length value: "max", or "min, max" when a minimum is declared.</summary>
    private static string Limits(ValueModel value) => value.MinLimit > 0
        ? value.MinLimit.ToString(CultureInfo.InvariantCulture) + ", " + value.Limit.ToString(CultureInfo.InvariantCulture)
        : value.Limit.ToString(CultureInfo.InvariantCulture);

    private static string SizeExpression(ValueModel value, string access, string field) => SizeExpressionOf(value, NonNull(value, access, field));

    private static string SizeExpressionOf(ValueModel value, string access) => value.Kind switch
    {
        WireKind.CompactSize => CompactSizeType + ".GetEncodedSize((ulong)" + access + ")",
        WireKind.VarBytes => WireWriterType + ".GetVarBytesSize(" + access + ".Length)",
        WireKind.VarString => WireWriterType + ".GetVarStringSize(" + access + ")",
        WireKind.Nested => value.TypeName + ".GetEncodedSize(" + access + ", context)",
        WireKind.Codec => value.CodecType + ".GetEncodedSize(" + access + ", context)",
        _ => FixedSize(value)?.ToString(CultureInfo.InvariantCulture) ?? "0",
    };

    private static string DescribeLimits(TypeModel model)
    {
        var parts = new List<string>();
        foreach (var field in model.Fields)
        {
            var value = field.Value;
            switch (value.Kind)
            {
                case WireKind.Array:
                    string element = value.Element!.Kind is WireKind.VarBytes or WireKind.VarString
                        ? string.Format(CultureInfo.InvariantCulture, " (each at most {0} bytes)", value.Element.Limit)
                        : string.Empty;
                    parts.Add(string.Format(CultureInfo.InvariantCulture, "{0}: at most {1} items{2}", field.Name, value.Limit, element));
                    break;
                case WireKind.VarBytes:
                case WireKind.VarString:
                    parts.Add(value.MinLimit > 0
                        ? string.Format(CultureInfo.InvariantCulture, "{0}: {1} to {2} bytes", field.Name, value.MinLimit, value.Limit)
                        : string.Format(CultureInfo.InvariantCulture, "{0}: at most {1} bytes", field.Name, value.Limit));
                    break;
            }
        }

        return string.Join("; ", parts);
    }
}
