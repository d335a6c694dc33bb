using System;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Logging;

/// <summary>The peer's log messages, source-generated with <see cref="LoggerMessageAttribute"/> (no boxing, no formatting unless enabled).</summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Received {Command} ({Bytes} bytes) from peer {PeerId}: {Summary}")]
    public static partial void Received(ILogger logger, string command, int bytes, long peerId, string summary);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Sending {Command} ({Bytes} bytes) to peer {PeerId}: {Summary}")]
    public static partial void Sending(ILogger logger, long peerId, string command, int bytes, string summary);

    [LoggerMessage(EventId = 3, Level = LogLevel.Trace, Message = "Received frame {Command} ({Bytes} bytes) from peer {PeerId}:\n{Hexdump}")]
    public static partial void ReceivedFrame(ILogger logger, long peerId, string command, int bytes, string hexdump);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "Sent frame {Command} ({Bytes} bytes) to peer {PeerId}:\n{Hexdump}")]
    public static partial void SentFrame(ILogger logger, long peerId, string command, int bytes, string hexdump);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Peer {PeerId} {Remote} connected ({Direction})")]
    public static partial void Connected(ILogger logger, long peerId, string remote, PeerDirection direction);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Peer {PeerId} {Remote} handshake complete: agent {UserAgent}, protocol {Version}, services {Services}, height {Height}")]
    public static partial void HandshakeComplete(ILogger logger, long peerId, string remote, string userAgent, int version, ServiceFlags services, int height);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Peer {PeerId} {Remote} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, long peerId, string remote, DisconnectReason reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Ignoring {Command} from peer {PeerId}: {Why}")]
    public static partial void Ignored(ILogger logger, long peerId, string command, string why);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Unknown command {Command} ({Bytes} bytes) from peer {PeerId}")]
    public static partial void Unknown(ILogger logger, long peerId, string command, int bytes);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Send queue of peer {PeerId} is full; dropped {Command}")]
    public static partial void QueueFull(ILogger logger, long peerId, string command);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Could not send {Command} to peer {PeerId}: {Error}")]
    public static partial void SendFailed(ILogger logger, long peerId, string command, string error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "A callback of peer {PeerId} failed")]
    public static partial void CallbackFailed(ILogger logger, long peerId, Exception exception);
}
