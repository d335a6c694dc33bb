using System.Collections.Generic;
using System.Linq;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters;

/// <summary>
/// Emits a message set's dispatcher: a switch on the two integers of the 12 command bytes (never a string) that
/// decodes the payload and calls the typed listener; plus the message catalogue and a decode-to-<c>IMessage</c> switch.
/// </summary>
internal static class DispatchEmitter
{
    private const string CommandType = "global::ProtoGen.MessageCommand";
    private const string ReaderType = "global::ProtoGen.WireReader";
    private const string DescriptorType = "global::ProtoGen.MessageDescriptor";

    public static string Emit(MessageSetModel set, EquatableArray<MessageSummary> messages)
    {
        string listener = ListenerEmitter.QualifiedInterfaceName(set) + "<TPeer>";
        string self = FileHeader.QualifiedName(set.Hierarchy, set.ClassName);
        string access = ListenerEmitter.Accessibility(set, messages);
        var w = new SourceWriter();
        FileHeader.Write(w);
        using (FileHeader.OpenHierarchy(w, set.Hierarchy))
        {
            w.WriteLine(FileHeader.GeneratedCodeAttribute);
            using (w.Block("static partial class " + FileHeader.Identifier(set.ClassName)))
            {
                w.WriteLine("/// <summary>Every message of the set, ordered by command: command, type, minimum protocol version and limits.</summary>");
                w.WriteLine("public static global::System.Collections.Generic.IReadOnlyList<" + DescriptorType + "> Messages { get; } = new " + DescriptorType + "[]");
                w.WriteLine("{");
                w.Indentation++;
                foreach (var message in messages)
                {
                    w.WriteLine(message.FullyQualifiedName + ".Descriptor,");
                }

                w.Indentation--;
                w.WriteLine("};");
                w.WriteLine();

                w.WriteLine("/// <summary>Finds the catalogue entry of <paramref name=\"command\"/>, or null when the command is not in this set.</summary>");
                w.WriteLine("/// <param name=\"command\">The command field.</param>");
                using (w.Block("public static " + DescriptorType + "? FindMessage(" + CommandType + " command)"))
                {
                    EmitSwitch(w, messages, m => "return " + m.FullyQualifiedName + ".Descriptor;");
                    w.WriteLine("return null;");
                }

                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Decodes the payload of <paramref name=\"command\"/> and calls the listener's method for it. Returns false, without");
                w.WriteLine("/// reading anything or calling the listener, when the command is not in this set.");
                w.WriteLine("/// </summary>");
                w.WriteLine("/// <typeparam name=\"TPeer\">The peer type passed to the listener.</typeparam>");
                w.WriteLine("/// <param name=\"peer\">The peer the message came from.</param>");
                w.WriteLine("/// <param name=\"command\">The command field of the frame.</param>");
                w.WriteLine("/// <param name=\"payload\">A reader over the payload.</param>");
                w.WriteLine("/// <param name=\"listener\">The listener.</param>");
                w.WriteLine("/// <exception cref=\"global::ProtoGen.ProtocolException\">The payload is malformed.</exception>");
                using (w.Block(access + " static bool TryDispatch<TPeer>(TPeer peer, " + CommandType + " command, ref " + ReaderType + " payload, " + listener + " listener)"))
                {
                    EmitSwitch(w, messages, m => "listener.On" + m.ListenerName + "(peer, " + m.FullyQualifiedName + ".Read(ref payload));\nreturn true;");
                    w.WriteLine("return false;");
                }

                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Decodes and delivers one frame: a command of this set goes to its typed listener method, any other command to");
                w.WriteLine("/// <c>OnUnknown</c> with the raw payload. Returns whether the command was in this set.");
                w.WriteLine("/// </summary>");
                w.WriteLine("/// <typeparam name=\"TPeer\">The peer type passed to the listener.</typeparam>");
                w.WriteLine("/// <param name=\"peer\">The peer the message came from.</param>");
                w.WriteLine("/// <param name=\"command\">The command field of the frame.</param>");
                w.WriteLine("/// <param name=\"payload\">A reader over the payload.</param>");
                w.WriteLine("/// <param name=\"listener\">The listener.</param>");
                w.WriteLine("/// <exception cref=\"global::ProtoGen.ProtocolException\">The payload is malformed.</exception>");
                using (w.Block(access + " static bool Dispatch<TPeer>(TPeer peer, " + CommandType + " command, ref " + ReaderType + " payload, " + listener + " listener)"))
                {
                    using (w.Block("if (TryDispatch(peer, command, ref payload, listener))"))
                    {
                        w.WriteLine("return true;");
                    }

                    w.WriteLine();
                    w.WriteLine("listener.OnUnknown(peer, new global::ProtoGen.RawFrame(command, payload.UnreadSpan));");
                    w.WriteLine("return false;");
                }

                w.WriteLine();
                w.WriteLine("/// <summary>Decodes the payload of <paramref name=\"command\"/> into its message type, or returns null when the command is not in this set.</summary>");
                w.WriteLine("/// <param name=\"command\">The command field of the frame.</param>");
                w.WriteLine("/// <param name=\"payload\">A reader over the payload.</param>");
                w.WriteLine("/// <exception cref=\"global::ProtoGen.ProtocolException\">The payload is malformed.</exception>");
                using (w.Block("public static global::ProtoGen.IMessage? Decode(" + CommandType + " command, ref " + ReaderType + " payload)"))
                {
                    EmitSwitch(w, messages, m => "return " + m.FullyQualifiedName + ".Read(ref payload);");
                    w.WriteLine("return null;");
                }

                w.WriteLine();
                w.WriteLine("/// <summary>Wraps this set's dispatcher and <paramref name=\"listener\"/> as an object, for peers that compose several message sets.</summary>");
                w.WriteLine("/// <typeparam name=\"TPeer\">The peer type passed to the listener.</typeparam>");
                w.WriteLine("/// <param name=\"listener\">The listener.</param>");
                w.WriteLine(access + " static global::ProtoGen.IMessageDispatcher<TPeer> CreateDispatcher<TPeer>(" + listener + " listener) => new Dispatcher<TPeer>(listener);");
                w.WriteLine();
                using (w.Block("private sealed class Dispatcher<TPeer> : global::ProtoGen.IMessageDispatcher<TPeer>"))
                {
                    w.WriteLine("private readonly " + listener + " _listener;");
                    w.WriteLine();
                    w.WriteLine("public Dispatcher(" + listener + " listener) => _listener = listener ?? throw new global::System.ArgumentNullException(nameof(listener));");
                    w.WriteLine();
                    w.WriteLine("public global::System.Collections.Generic.IReadOnlyList<" + DescriptorType + "> Messages => " + self + ".Messages;");
                    w.WriteLine();
                    w.WriteLine("public " + DescriptorType + "? FindMessage(" + CommandType + " command) => " + self + ".FindMessage(command);");
                    w.WriteLine();
                    w.WriteLine("public bool TryDispatch(TPeer peer, " + CommandType + " command, ref " + ReaderType + " payload) => " + self + ".TryDispatch(peer, command, ref payload, _listener);");
                    w.WriteLine();
                    w.WriteLine("public void OnUnknown(TPeer peer, global::ProtoGen.RawFrame frame) => _listener.OnUnknown(peer, frame);");
                }
            }
        }

        return w.ToString();
    }

    /// <summary>Writes <c>switch (command.Head) { case ...: switch (command.Tail) { case ...: body } }</c>.</summary>
    private static void EmitSwitch(SourceWriter w, EquatableArray<MessageSummary> messages, System.Func<MessageSummary, string> body)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var groups = messages
            .Select(m => (Parts: FileHeader.CommandParts(m.Command), Message: m))
            .GroupBy(x => x.Parts.Head)
            .OrderBy(g => g.Key)
            .ToList();
        using (w.Block("switch (command.Head)"))
        {
            foreach (var group in groups)
            {
                w.WriteLine("case " + FileHeader.Hex(group.Key) + ":");
                w.Indentation++;
                using (w.Block("switch (command.Tail)"))
                {
                    foreach (var entry in group.OrderBy(x => x.Parts.Tail))
                    {
                        w.WriteLine("case " + FileHeader.Hex(entry.Parts.Tail) + ": // " + entry.Message.Command);
                        w.Indentation++;
                        w.WriteLine(body(entry.Message));
                        w.Indentation--;
                    }
                }

                w.WriteLine("break;");
                w.Indentation--;
            }
        }

        w.WriteLine();
    }
}
