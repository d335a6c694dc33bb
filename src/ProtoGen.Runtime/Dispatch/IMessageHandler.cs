namespace ProtoGen;

/// <summary>
/// Receives any decoded message of a set with its static type: one generic method in place of one method per
/// message. A generated set's <c>TryHandle</c> decodes a frame and calls it; the set's <c>Deliver</c> then passes the
/// message on to a typed listener. Code that applies a rule to every message (logging, statistics, a peer's own
/// protocol rules) implements this once, and a message added to the set reaches it with no other edit.
/// </summary>
/// <typeparam name="TPeer">The peer type.</typeparam>
/// <remarks>
/// The generated code calls <see cref="OnMessage{TMessage}"/> only with the set's own message types, all known at
/// compile time, so the generic virtual call is AOT-safe. The generated static <c>TryHandle</c> is generic in the
/// handler type as well: a struct handler is called directly, with no interface dispatch.
/// </remarks>
public interface IMessageHandler<in TPeer>
{
    /// <summary>Called with one decoded message.</summary>
    /// <typeparam name="TMessage">The message's static type; <c>TMessage.Descriptor</c> is its catalogue entry.</typeparam>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="message">The decoded message.</param>
    void OnMessage<TMessage>(TPeer peer, TMessage message)
        where TMessage : IMessage<TMessage>;
}
