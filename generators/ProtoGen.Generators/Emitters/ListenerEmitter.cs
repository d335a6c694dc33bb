using System.Linq;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters;

/// <summary>
/// Emits a message set's listener interface (one method per message, no-op defaults, plus <c>OnUnknown</c>) and the
/// delegate-based listeners class for closure-style configuration.
/// </summary>
internal static class ListenerEmitter
{
    public static string InterfaceName(MessageSetModel set) => "I" + set.SetName + "Listener";

    public static string ClassName(MessageSetModel set) => set.SetName + "Listeners";

    /// <summary>
    /// The listener types' accessibility: the set's, but internal as soon as one message is internal (a public
    /// interface cannot name an internal type). The dispatcher's methods that take a listener follow it.
    /// </summary>
    public static string Accessibility(MessageSetModel set, EquatableArray<MessageSummary> messages) =>
        set.Accessibility == "public" && messages.All(m => m.IsPublic) ? "public" : "internal";

    /// <summary>The listener interface's <c>global::</c>-qualified name (it is declared in the set's namespace, outside any containing type).</summary>
    public static string QualifiedInterfaceName(MessageSetModel set) =>
        set.Hierarchy.Namespace.Length > 0 ? "global::" + FileHeader.Namespace(set.Hierarchy.Namespace) + "." + InterfaceName(set) : "global::" + InterfaceName(set);

    public static string Emit(MessageSetModel set, EquatableArray<MessageSummary> messages)
    {
        string iface = InterfaceName(set);
        string qualified = QualifiedInterfaceName(set);
        string cls = ClassName(set);
        string access = Accessibility(set, messages);
        var w = new SourceWriter();
        FileHeader.Write(w);
        string ns = set.Hierarchy.Namespace;
        using (ns.Length > 0 ? w.Block("namespace " + FileHeader.Namespace(ns)) : default(Block?))
        {
            w.WriteLine("/// <summary>");
            w.WriteLine("/// Receives the messages of the " + set.SetName + " set, one method per message. Every method has an empty default, so");
            w.WriteLine("/// implement only what you need. Methods run one after another on the peer's read loop: they must not block.");
            w.WriteLine("/// </summary>");
            w.WriteLine("/// <typeparam name=\"TPeer\">The peer type.</typeparam>");
            w.WriteLine(FileHeader.GeneratedCodeAttribute);
            using (w.Block(access + " partial interface " + iface + "<in TPeer>"))
            {
                foreach (var message in messages)
                {
                    w.WriteLine("/// <summary>Called for each <c>" + FileHeader.XmlText(message.Command) + "</c> message.</summary>");
                    w.WriteLine("/// <param name=\"peer\">The peer it came from.</param>");
                    w.WriteLine("/// <param name=\"message\">The decoded message.</param>");
                    w.WriteLine("void On" + message.ListenerName + "(TPeer peer, " + message.FullyQualifiedName + " message)");
                    w.WriteLine("{");
                    w.WriteLine("}");
                    w.WriteLine();
                }

                w.WriteLine("/// <summary>Called for a frame whose command is in no known message set, with its raw payload (valid only during the call).</summary>");
                w.WriteLine("/// <param name=\"peer\">The peer it came from.</param>");
                w.WriteLine("/// <param name=\"frame\">The command and payload bytes.</param>");
                w.WriteLine("void OnUnknown(TPeer peer, global::ProtoGen.RawFrame frame)");
                w.WriteLine("{");
                w.WriteLine("}");
            }

            w.WriteLine();
            w.WriteLine("/// <summary>");
            w.WriteLine("/// A <see cref=\"" + iface + "{TPeer}\"/> configured with delegates: set the properties for the messages you handle.");
            w.WriteLine("/// </summary>");
            w.WriteLine("/// <typeparam name=\"TPeer\">The peer type.</typeparam>");
            w.WriteLine(FileHeader.GeneratedCodeAttribute);
            using (w.Block(access + " partial class " + cls + "<TPeer> : " + qualified + "<TPeer>"))
            {
                foreach (var message in messages)
                {
                    w.WriteLine("/// <summary>Called for each <c>" + FileHeader.XmlText(message.Command) + "</c> message.</summary>");
                    w.WriteLine("public global::System.Action<TPeer, " + message.FullyQualifiedName + ">? On" + message.ListenerName + " { get; set; }");
                    w.WriteLine();
                }

                w.WriteLine("/// <summary>Called for a frame whose command is in no known message set.</summary>");
                w.WriteLine("public global::ProtoGen.RawFrameHandler<TPeer>? OnUnknown { get; set; }");
                w.WriteLine();
                foreach (var message in messages)
                {
                    w.WriteLine("void " + qualified + "<TPeer>.On" + message.ListenerName + "(TPeer peer, " + message.FullyQualifiedName + " message) => On" + message.ListenerName + "?.Invoke(peer, message);");
                    w.WriteLine();
                }

                w.WriteLine("void " + qualified + "<TPeer>.OnUnknown(TPeer peer, global::ProtoGen.RawFrame frame) => OnUnknown?.Invoke(peer, frame);");
            }
        }

        return w.ToString();
    }
}
