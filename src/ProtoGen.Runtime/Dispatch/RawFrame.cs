using System;
using System.Collections.Generic;

namespace ProtoGen;

/// <summary>A frame's command and payload bytes, for commands no message set knows. Valid only during the call that receives it.</summary>
public readonly ref struct RawFrame
{
    /// <summary>Creates a raw frame.</summary>
    /// <param name="command">The command field.</param>
    /// <param name="payload">The payload bytes.</param>
    public RawFrame(MessageCommand command, ReadOnlySpan<byte> payload)
    {
        Command = command;
        Payload = payload;
    }

    /// <summary>The command field.</summary>
    public MessageCommand Command { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}

/// <summary>Receives a frame whose command no message set knows.</summary>
/// <typeparam name="TPeer">The peer type.</typeparam>
/// <param name="peer">The peer it came from.</param>
/// <param name="frame">The command and payload.</param>
public delegate void RawFrameHandler<in TPeer>(TPeer peer, RawFrame frame);

/// <summary>
/// A generated message set's dispatcher bound to a listener, so that a peer can compose several sets: the first set
/// that knows a command decodes it and calls its listener.
/// </summary>
/// <typeparam name="TPeer">The peer type.</typeparam>
public interface IMessageDispatcher<in TPeer>
{
    /// <summary>The set's catalogue.</summary>
    IReadOnlyList<MessageDescriptor> Messages { get; }

    /// <summary>Finds a command's catalogue entry, or null when the command is not in this set.</summary>
    /// <param name="command">The command.</param>
    MessageDescriptor? FindMessage(MessageCommand command);

    /// <summary>Decodes and delivers a frame of this set; returns false (reading nothing) for other commands.</summary>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="command">The command.</param>
    /// <param name="payload">A reader over the payload.</param>
    /// <exception cref="ProtocolException">The payload is malformed.</exception>
    bool TryDispatch(TPeer peer, MessageCommand command, ref WireReader payload);

    /// <summary>Passes a frame no set knows to the listener's raw-frame hook.</summary>
    /// <param name="peer">The peer it came from.</param>
    /// <param name="frame">The command and payload.</param>
    void OnUnknown(TPeer peer, RawFrame frame);
}
