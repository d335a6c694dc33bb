using System;
using Microsoft.Extensions.Logging;

namespace ProtoGen.Node;

/// <summary>The node's log messages, source-generated with <see cref="LoggerMessageAttribute"/>.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Node listening on {EndPoint} ({Network}, height {Height})")]
    public static partial void Listening(ILogger logger, string endPoint, string network, int height);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Could not connect to {Address}: {Error}; next try in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string address, string error, TimeSpan delay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Synced from peer {PeerId}: {Headers} headers, {Blocks} blocks, height {Height}, tip {Tip}")]
    public static partial void Synced(ILogger logger, long peerId, int headers, int blocks, int height, string tip);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Sync from peer {PeerId} failed: {Error}")]
    public static partial void SyncFailed(ILogger logger, long peerId, string error);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Node stopping: draining {Peers} peers")]
    public static partial void Stopping(ILogger logger, int peers);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Node stopped ({Drained} peers drained, {Cut} cut short by the shutdown timeout)")]
    public static partial void Stopped(ILogger logger, int drained, int cut);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "A node event handler failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
