using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Peers.Metrics;

namespace ProtoGen.Peers.Protocol;

/// <summary>Message and byte counters of one peer, in total and per command, with the times of the last message each way.</summary>
internal readonly record struct TrafficInfo(
    long BytesSent,
    long BytesReceived,
    long MessagesSent,
    long MessagesReceived,
    long MessagesIgnored,
    DateTimeOffset? LastSend,
    DateTimeOffset? LastReceive,
    IReadOnlyDictionary<string, MessageCount> SentByCommand,
    IReadOnlyDictionary<string, MessageCount> ReceivedByCommand);

/// <summary>
/// Counts the messages and bytes a peer sends and receives (totals and per command, Bitcoin Core's
/// <c>mapSendBytesPerMsgType</c>), and publishes them as metrics. Each snapshot is consistent: its totals equal the
/// sums of its per-command counts. Thread-safe.
/// </summary>
internal sealed class PeerStatistics
{
    private readonly Lock _lock = new();
    private readonly Dictionary<MessageCommand, MessageCount> _sent = [];
    private readonly Dictionary<MessageCommand, MessageCount> _received = [];
    private long _bytesSent;
    private long _bytesReceived;
    private long _messagesSent;
    private long _messagesReceived;
    private long _messagesIgnored;
    private DateTimeOffset? _lastSend;
    private DateTimeOffset? _lastReceive;

    /// <summary>A message of <paramref name="bytes"/> on the wire arrived.</summary>
    /// <param name="command">Its command.</param>
    /// <param name="bytes">Its size on the wire.</param>
    /// <param name="now">The time.</param>
    public void Received(MessageCommand command, int bytes, DateTimeOffset now)
    {
        lock (_lock)
        {
            _bytesReceived += bytes;
            _messagesReceived++;
            _lastReceive = now;
            _received.TryGetValue(command, out var count);
            _received[command] = new MessageCount(count.Messages + 1, count.Bytes + bytes);
        }

        PeerMetrics.Received(command, bytes);
    }

    /// <summary>A message of <paramref name="bytes"/> on the wire was written.</summary>
    /// <param name="command">Its command.</param>
    /// <param name="bytes">Its size on the wire.</param>
    /// <param name="now">The time.</param>
    public void Sent(MessageCommand command, int bytes, DateTimeOffset now)
    {
        lock (_lock)
        {
            _bytesSent += bytes;
            _messagesSent++;
            _lastSend = now;
            _sent.TryGetValue(command, out var count);
            _sent[command] = new MessageCount(count.Messages + 1, count.Bytes + bytes);
        }

        PeerMetrics.Sent(command, bytes);
    }

    /// <summary>A received message was ignored.</summary>
    public void Ignored()
    {
        lock (_lock)
        {
            _messagesIgnored++;
        }
    }

    /// <summary>One consistent snapshot.</summary>
    public TrafficInfo Snapshot()
    {
        lock (_lock)
        {
            return new TrafficInfo(
                _bytesSent,
                _bytesReceived,
                _messagesSent,
                _messagesReceived,
                _messagesIgnored,
                _lastSend,
                _lastReceive,
                ByName(_sent),
                ByName(_received));
        }
    }

    private static Dictionary<string, MessageCount> ByName(Dictionary<MessageCommand, MessageCount> counts)
    {
        var copy = new Dictionary<string, MessageCount>(counts.Count, StringComparer.Ordinal);
        foreach (var (command, count) in counts)
        {
            copy[command.ToString()] = count;
        }

        return copy;
    }
}
