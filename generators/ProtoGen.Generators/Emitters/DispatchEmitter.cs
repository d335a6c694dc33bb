using System.Collections.Generic;
using System.Linq;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters;

/// <summary>
/// Emits a message set's dispatcher: a switch on the two integers of the 12 command bytes (never a string) that
/// decodes the payload and calls the typed listener (<c>TryDispatch</c>, <c>Dispatch</c>) or a generic handler
/// (<c>TryHandle</c>); the reverse switch from a decoded message to its listener method (<c>Deliver</c>); the message
/// catalogue; a decode-to-<c>IMessage</c> switch; and the object form for peers that compose sets.
/// </summary>
internal static class DispatchEmitter
{
    private const string CommandType = RuntimeTypeRefs.MessageCommand;
    private const string ReaderType = RuntimeTypeRefs.WireReader;
    private const string DescriptorType = RuntimeTypeRefs.MessageDescriptor;
    private const string MessageType = RuntimeTypeRefs.IMessage;
    private const string HandlerType = RuntimeTypeRefs.IMessageHandler;

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
                EmitSwitchMethod(w, "public static " + DescriptorType + "? FindMessage(" + CommandType + " command)", messages, static (writer, m) => writer.WriteLine("return " + m.FullyQualifiedName + ".Descriptor;"), "null");

                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Decodes the payload of <paramref name=\"command\"/> and calls the listener's method for it. Returns false, without");
                w.WriteLine("/// reading anything or calling the listener, when the command is not in this set.");
                w.WriteLine("/// </summary>");
                WriteFrameListenerDocs(w);
                EmitSwitchMethod(
                    w,
                    access + " static bool TryDispatch<TPeer>(TPeer peer, " + CommandType + " command, ref " + ReaderType + " payload, " + listener + " listener)",
                    messages,
                    static (writer, m) => writer.WriteLine("listener.On" + m.ListenerName + "(peer, " + m.FullyQualifiedName + ".Read(ref payload));\nreturn true;"),
                    "false");

                w.WriteLine();
                w.WriteLine("/// <summary>");
                w.WriteLine("/// Decodes and delivers one frame: a command of this set goes to its typed listener method, any other command to");
                w.WriteLine("/// <c>OnUnknown</c> with the raw payload. Returns whether the command was in this set.");
                w.WriteLine("/// </summary>");
                WriteFrameListenerDocs(w);
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
                EmitSwitchMethod(w, "public static global::ProtoGen.IMessage? Decode(" + CommandType + " command, ref " + ReaderType + " payload)", messages, static (writer, m) => writer.WriteLine("return " + m.FullyQualifiedName + ".Read(ref payload);"), "null");

                w.WriteLine();
                EmitTryHandle(w, messages);
                w.WriteLine();
                EmitDeliver(w, messages, listener, access);
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
                    w.WriteLine("public bool TryHandle(TPeer peer, " + CommandType + " command, ref " + ReaderType + " payload, " + HandlerType + "<TPeer> handler) => " + self + ".TryHandle(peer, command, ref payload, handler);");
                    w.WriteLine();
                    w.WriteLine("public bool Deliver(TPeer peer, " + MessageType + " message) => " + self + ".Deliver(peer, message, _listener);");
                    w.WriteLine();
                    w.WriteLine("public void OnUnknown(TPeer peer, global::ProtoGen.RawFrame frame) => _listener.OnUnknown(peer, frame);");
                }
            }
        }

        return w.ToString();
    }

    private static void EmitTryHandle(SourceWriter w, EquatableArray<MessageSummary> messages)
    {
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Decodes the payload of <paramref name=\"command\"/> and passes the message, with its static type, to the handler's");
        w.WriteLine("/// <see cref=\"" + HandlerType + "{TPeer}.OnMessage{TMessage}\"/>. Returns false, without reading anything or");
        w.WriteLine("/// calling the handler, when the command is not in this set.");
        w.WriteLine("/// </summary>");
        w.WriteLine("/// <typeparam name=\"TPeer\">The peer type passed to the handler.</typeparam>");
        w.WriteLine("/// <typeparam name=\"THandler\">The handler type; a struct is called directly, with no interface dispatch.</typeparam>");
        w.WriteLine("/// <param name=\"peer\">The peer the message came from.</param>");
        w.WriteLine("/// <param name=\"command\">The command field of the frame.</param>");
        w.WriteLine("/// <param name=\"payload\">A reader over the payload.</param>");
        w.WriteLine("/// <param name=\"handler\">Receives the decoded message.</param>");
        w.WriteLine("/// <exception cref=\"global::ProtoGen.ProtocolException\">The payload is malformed.</exception>");
        w.WriteLine("public static bool TryHandle<TPeer, THandler>(TPeer peer, " + CommandType + " command, ref " + ReaderType + " payload, THandler handler)");
        w.Indentation++;
        w.WriteLine("where THandler : " + HandlerType + "<TPeer>");
        w.Indentation--;
        EmitSwitchMethod(w, null, messages, static (writer, m) => writer.WriteLine("handler.OnMessage(peer, " + m.FullyQualifiedName + ".Read(ref payload));\nreturn true;"), "false");
    }

    private static void EmitDeliver(SourceWriter w, EquatableArray<MessageSummary> messages, string listener, string access)
    {
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Calls the listener's typed method for <paramref name=\"message\"/>, found by a switch on its command. Returns false,");
        w.WriteLine("/// calling nothing, when the message is not of this set.");
        w.WriteLine("/// </summary>");
        w.WriteLine("/// <typeparam name=\"TPeer\">The peer type passed to the listener.</typeparam>");
        w.WriteLine("/// <param name=\"peer\">The peer the message came from.</param>");
        w.WriteLine("/// <param name=\"message\">A decoded message.</param>");
        w.WriteLine("/// <param name=\"listener\">The listener.</param>");
        w.WriteLine("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"message\"/> is null.</exception>");
        using (w.Block(access + " static bool Deliver<TPeer>(TPeer peer, " + MessageType + " message, " + listener + " listener)"))
        {
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(message);");
            if (messages.Count > 0)
            {
                w.WriteLine(CommandType + " command = message.Command;");
            }

            // The command picks the case; the one type test per case keeps a foreign message type that reuses a command
            // of this set (another assembly's) from being cast to the wrong type.
            EmitSwitch(w, messages, static (writer, m) =>
            {
                using (writer.Block())
                {
                    using (writer.Block("if (message is " + m.FullyQualifiedName + " typed)"))
                    {
                        writer.WriteLine("listener.On" + m.ListenerName + "(peer, typed);");
                        writer.WriteLine("return true;");
                    }

                    writer.WriteLine();
                    writer.WriteLine("return false;");
                }
            });
            w.WriteLine("return false;");
        }
    }

    /// <summary>The documentation of a typed-listener dispatch method's type parameter, parameters and exception.</summary>
    private static void WriteFrameListenerDocs(SourceWriter w)
    {
        w.WriteLine("/// <typeparam name=\"TPeer\">The peer type passed to the listener.</typeparam>");
        w.WriteLine("/// <param name=\"peer\">The peer the message came from.</param>");
        w.WriteLine("/// <param name=\"command\">The command field of the frame.</param>");
        w.WriteLine("/// <param name=\"payload\">A reader over the payload.</param>");
        w.WriteLine("/// <param name=\"listener\">The listener.</param>");
        w.WriteLine("/// <exception cref=\"global::ProtoGen.ProtocolException\">The payload is malformed.</exception>");
    }

    /// <summary>Writes a method whose body is the command switch and, for a command not in the set, <c>return {fallback};</c>.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="signature">The method's declaration line, or null when it has been written already.</param>
    /// <param name="messages">The set's messages.</param>
    /// <param name="body">Writes one command's case body; it must end in <c>return</c>.</param>
    /// <param name="fallback">The value returned for other commands.</param>
    private static void EmitSwitchMethod(SourceWriter w, string? signature, EquatableArray<MessageSummary> messages, System.Action<SourceWriter, MessageSummary> body, string fallback)
    {
        using (w.Block(signature))
        {
            EmitSwitch(w, messages, body);
            w.WriteLine("return " + fallback + ";");
        }
    }

    /// <summary>Writes <c>switch (command.Head) { case ...: switch (command.Tail) { case ...: body } }</c>; every body must end in <c>return</c>.</summary>
    private static void EmitSwitch(SourceWriter w, EquatableArray<MessageSummary> messages, System.Action<SourceWriter, MessageSummary> body)
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
                        body(w, entry.Message);
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
