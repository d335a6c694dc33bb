using System.Collections.Generic;

namespace ProtoGen;

/// <summary>
/// A generated message set's dispatcher bound to a listener, as an object, so that a peer can compose several sets:
/// the first set that knows a command decodes it. Created by the set's generated <c>CreateDispatcher</c>.
/// </summary>
/// <typeparam name="TPeer">
/// The peer type. Invariant: <see cref="TryHandle"/> passes peers of this type to a handler, and a handler's peer type
/// is contravariant. A dispatcher for another peer type is made by <c>CreateDispatcher</c> from the same listener, whose
/// interface is contravariant.
/// </typeparam>
public interface IMessageDispatcher<TPeer>
{
    /// <summary>The set's catalogue.</summary>
    IReadOnlyList<MessageDescriptor> Messages { get; }

    /// <summary>Finds a command's catalogue entry, or null when the command is not in this set.</summary>
    /// <param name="command">The command.</param>
    MessageDescriptor? FindMessage(MessageCommand command);

    /// <summary>Decodes and delivers a frame of this set to the listener; returns false (reading nothing) for other commands.</summary>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="command">The command.</param>
    /// <param name="payload">A reader over the payload.</param>
    /// <exception cref="ProtocolException">The payload is malformed.</exception>
    bool TryDispatch(TPeer peer, MessageCommand command, ref WireReader payload);

    /// <summary>
    /// Decodes a frame of this set and passes the message, with its static type, to <paramref name="handler"/> (not to
    /// the listener); returns false (reading nothing, calling nothing) for other commands. A handler that wants the
    /// listener to see the message calls <see cref="Deliver"/>.
    /// </summary>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="command">The command.</param>
    /// <param name="payload">A reader over the payload.</param>
    /// <param name="handler">Receives the decoded message.</param>
    /// <exception cref="ProtocolException">The payload is malformed.</exception>
    bool TryHandle(TPeer peer, MessageCommand command, ref WireReader payload, IMessageHandler<TPeer> handler);

    /// <summary>
    /// Calls the listener's typed method for a message of this set; returns false, calling nothing, for any other
    /// message.
    /// </summary>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="message">The decoded message.</param>
    bool Deliver(TPeer peer, IMessage message);

    /// <summary>Passes a frame no set knows to the listener's raw-frame hook.</summary>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="frame">The command and payload.</param>
    void OnUnknown(TPeer peer, RawFrame frame);
}
