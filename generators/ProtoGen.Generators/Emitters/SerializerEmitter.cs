using System.Collections.Generic;
using System.Globalization;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Emitters.Serializer;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters;

/// <summary>
/// Emits one message's or wire type's codec: command and descriptor here; minimum size, exact size, encoder and
/// decoder through <see cref="SizeEmitter"/>, <see cref="WriteEmitter"/> and <see cref="ReadEmitter"/>.
/// </summary>
internal static class SerializerEmitter
{
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
                    SizeEmitter.EmitMinSize(w, model);
                    ReadEmitter.EmitRead(w, model);
                    WriteEmitter.EmitWrite(w, model);
                    SizeEmitter.EmitSize(w, model);
                }
            }
        }

        return w.ToString();
    }

    private static void EmitMessageMembers(SourceWriter w, TypeModel model, MessageInfo message, int payloadLimit)
    {
        var (head, tail) = FileHeader.CommandParts(message.Command);
        int ownLimit = message.MaxPayloadLength > 0 ? message.MaxPayloadLength : (SizeEmitter.FixedMaxSize(model) ?? payloadLimit);
        int maxPayload = System.Math.Min(ownLimit, payloadLimit);
        w.WriteLine("/// <summary>The command name carried in the message header.</summary>");
        w.WriteLine("public const string CommandName = " + FileHeader.Literal(message.Command) + ";");
        w.WriteLine();
        w.WriteLine("/// <summary>The 12-byte command field of the message header.</summary>");
        w.WriteLine("public static " + RuntimeTypeRefs.MessageCommand + " Command => new " + RuntimeTypeRefs.MessageCommand + "(" + FileHeader.Hex(head) + ", " + FileHeader.Hex(tail) + ");");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static " + RuntimeTypeRefs.MessageDescriptor + " Descriptor { get; } = new " + RuntimeTypeRefs.MessageDescriptor + "(");
        w.Indentation++;
        w.WriteLine("CommandName,");
        w.WriteLine("Command,");
        w.WriteLine("typeof(" + model.FullyQualifiedName + "),");
        w.WriteLine(message.MinProtocolVersion.ToString(CultureInfo.InvariantCulture) + ",");
        w.WriteLine(maxPayload.ToString(CultureInfo.InvariantCulture) + ",");
        w.WriteLine(FileHeader.Literal(DescribeLimits(model)) + (message.V2ShortId == 0 ? string.Empty : ", " + message.V2ShortId.ToString(CultureInfo.InvariantCulture)) + ");");
        w.Indentation--;
        w.WriteLine();
        w.WriteLine(RuntimeTypeRefs.MessageCommand + " global::ProtoGen.IMessage.Command => Command;");
        w.WriteLine();
        w.WriteLine("int global::ProtoGen.IMessage.GetEncodedSize(" + RuntimeTypeRefs.WireContext + " context) => GetEncodedSize(this, context);");
        w.WriteLine();
        w.WriteLine("void global::ProtoGen.IMessage.WriteTo(ref " + RuntimeTypeRefs.WireWriter + " writer) => Write(ref writer, this);");
        w.WriteLine();
    }

    private static void EmitCodecForwarders(SourceWriter w, TypeModel model, string codec)
    {
        string self = model.FullyQualifiedName;
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static int MinEncodedSize => " + model.TypeCodecMinSize.ToString(CultureInfo.InvariantCulture) + ";");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static " + self + " Read(ref " + RuntimeTypeRefs.WireReader + " reader) => " + codec + ".Read(ref reader);");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static void Write(ref " + RuntimeTypeRefs.WireWriter + " writer, " + self + " value) => " + codec + ".Write(ref writer, value);");
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine("public static int GetEncodedSize(" + self + " value, " + RuntimeTypeRefs.WireContext + " context) => " + codec + ".GetEncodedSize(value, context);");
    }

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
