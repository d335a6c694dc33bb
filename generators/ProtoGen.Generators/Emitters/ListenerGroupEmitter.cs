using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Emitters;

/// <summary>
/// Emits a message set's composite listener, <c>{Set}ListenerGroup&lt;TPeer&gt;</c>: it implements the listener
/// interface by passing every message, and every unknown frame, to each of its listeners in order, so that code which
/// fans messages out (a node's chain server, sync client and application) names no message by hand.
/// </summary>
internal static class ListenerGroupEmitter
{
    public static string ClassName(MessageSetModel set) => set.SetName + "ListenerGroup";

    public static string Emit(MessageSetModel set, EquatableArray<MessageSummary> messages)
    {
        string iface = ListenerEmitter.InterfaceName(set);
        string listener = ListenerEmitter.QualifiedInterfaceName(set) + "<TPeer>";
        string cls = ClassName(set);
        var w = new SourceWriter();
        FileHeader.Write(w);
        string ns = set.Hierarchy.Namespace;
        using (ns.Length > 0 ? w.Block("namespace " + FileHeader.Namespace(ns)) : default(Block?))
        {
            w.WriteLine("/// <summary>");
            w.WriteLine("/// A <see cref=\"" + iface + "{TPeer}\"/> that passes every message, and every unknown frame, to each of its listeners in");
            w.WriteLine("/// order. A listener that throws ends the call: the listeners after it do not see that message.");
            w.WriteLine("/// </summary>");
            w.WriteLine("/// <typeparam name=\"TPeer\">The peer type.</typeparam>");
            w.WriteLine(FileHeader.GeneratedCodeAttribute);
            using (w.Block(ListenerEmitter.Accessibility(set, messages) + " sealed partial class " + cls + "<TPeer> : " + listener))
            {
                w.WriteLine("private readonly " + listener + "[] _listeners;");
                w.WriteLine();
                w.WriteLine("/// <summary>Creates a group.</summary>");
                w.WriteLine("/// <param name=\"listeners\">The listeners, called in this order (the array is copied).</param>");
                w.WriteLine("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"listeners\"/> or one of its elements is null.</exception>");
                using (w.Block("public " + cls + "(params " + listener + "[] listeners)"))
                {
                    w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(listeners);");
                    w.WriteLine("_listeners = (" + listener + "[])listeners.Clone();");
                    using (w.Block("foreach (" + listener + " listener in _listeners)"))
                    {
                        w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(listener, nameof(listeners));");
                    }

                    w.WriteLine();
                    w.WriteLine("Listeners = global::System.Array.AsReadOnly(_listeners);");
                }

                w.WriteLine();
                w.WriteLine("/// <summary>The listeners, in call order.</summary>");
                w.WriteLine("public global::System.Collections.Generic.IReadOnlyList<" + listener + "> Listeners { get; }");
                foreach (var message in messages)
                {
                    w.WriteLine();
                    EmitForward(w, listener, "On" + message.ListenerName, message.FullyQualifiedName + " message", "message");
                }

                w.WriteLine();
                EmitForward(w, listener, "OnUnknown", "global::ProtoGen.RawFrame frame", "frame");
            }
        }

        return w.ToString();
    }

    private static void EmitForward(SourceWriter w, string listener, string method, string parameter, string argument)
    {
        w.WriteLine("/// <inheritdoc/>");
        using (w.Block("public void " + method + "(TPeer peer, " + parameter + ")"))
        {
            using (w.Block("foreach (" + listener + " listener in _listeners)"))
            {
                w.WriteLine("listener." + method + "(peer, " + argument + ");");
            }
        }
    }
}
