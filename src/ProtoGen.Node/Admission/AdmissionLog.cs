using System;
using Microsoft.Extensions.Logging;

namespace ProtoGen.Node.Admission;

/// <summary>The server's log messages, source-generated (no boxing, no formatting unless enabled).</summary>
internal static partial class AdmissionLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Listening on {EndPoint}: at most {MaxInbound} inbound peers, backlog {Backlog}")]
    public static partial void Listening(ILogger logger, string endPoint, int maxInbound, int backlog);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Refused inbound connection from {Remote}: {Reason} ({Detail}); {Suppressed} more refusals not logged")]
    public static partial void Refused(ILogger logger, string remote, AdmissionRefusal reason, string detail, long suppressed);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Evicting peer {PeerId} {Remote} ({Reason}): {Detail}")]
    public static partial void Evicting(ILogger logger, long peerId, string remote, EvictionReason reason, string detail);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Accepting failed ({Error}: {Message}); backing off {DelayMs} ms before accepting again; {Suppressed} more accept errors not logged")]
    public static partial void AcceptFailed(ILogger logger, string error, string message, long delayMs, long suppressed);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "File descriptors low, refusing connections: backing off {DelayMs} ms before accepting again; {Suppressed} more back-offs not logged")]
    public static partial void DescriptorsLow(ILogger logger, long delayMs, long suppressed);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "File descriptors exhausted ({Measured}): shedding {Count} inbound peers")]
    public static partial void Shedding(ILogger logger, string measured, int count);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Disconnecting peer {PeerId} {Remote}: its address was discouraged")]
    public static partial void DisconnectingDiscouraged(ILogger logger, long peerId, string remote);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "A handler of the server failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
