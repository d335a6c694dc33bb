using System;

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
