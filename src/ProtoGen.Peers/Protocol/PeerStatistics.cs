using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;
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
/// sums of its per-command counts. Commands that neither the Bitcoin set nor a configured message set knows are counted
/// together as <see cref="PeerMetrics.OtherCommand"/> (Core's <c>*other*</c>): a remote sending ever new commands
/// cannot grow the counters. Thread-safe.
/// </summary>
internal sealed class PeerStatistics
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<IMessageDispatcher<Peer>> _messageSets;
    private readonly Dictionary<MessageCommand, MessageCount> _sent = [];
    private readonly Dictionary<MessageCommand, MessageCount> _received = [];
    private MessageCount _otherSent;
    private MessageCount _otherReceived;
    private long _bytesSent;
    private long _bytesReceived;
    private long _messagesSent;
    private long _messagesReceived;
    private long _messagesIgnored;
    private DateTimeOffset? _lastSend;
    private DateTimeOffset? _lastReceive;

    /// <summary>Creates the counters of one peer.</summary>
    /// <param name="messageSets">The configured message sets beside the Bitcoin set (their commands are counted by name).</param>
    public PeerStatistics(IReadOnlyList<IMessageDispatcher<Peer>> messageSets) => _messageSets = messageSets;

    /// <summary>A message of <paramref name="bytes"/> on the wire arrived.</summary>
    /// <param name="command">Its command.</param>
    /// <param name="bytes">Its size on the wire.</param>
    /// <param name="now">The time.</param>
    public void Received(MessageCommand command, int bytes, DateTimeOffset now)
    {
        bool known = IsKnown(command);
        lock (_lock)
        {
            _bytesReceived += bytes;
            _messagesReceived++;
            _lastReceive = now;
            Count(_received, ref _otherReceived, known, command, bytes);
        }

        PeerMetrics.Received(command, bytes);
    }

    /// <summary>A message of <paramref name="bytes"/> on the wire was written.</summary>
    /// <param name="command">Its command.</param>
    /// <param name="bytes">Its size on the wire.</param>
    /// <param name="now">The time.</param>
    public void Sent(MessageCommand command, int bytes, DateTimeOffset now)
    {
        bool known = IsKnown(command);
        lock (_lock)
        {
            _bytesSent += bytes;
            _messagesSent++;
            _lastSend = now;
            Count(_sent, ref _otherSent, known, command, bytes);
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
                ByName(_sent, _otherSent),
                ByName(_received, _otherReceived));
        }
    }

    private static void Count(Dictionary<MessageCommand, MessageCount> counts, ref MessageCount other, bool known, MessageCommand command, int bytes)
    {
        if (!known)
        {
            other = new MessageCount(other.Messages + 1, other.Bytes + bytes);
            return;
        }

        counts.TryGetValue(command, out var count);
        counts[command] = new MessageCount(count.Messages + 1, count.Bytes + bytes);
    }

    private static Dictionary<string, MessageCount> ByName(Dictionary<MessageCommand, MessageCount> counts, MessageCount other)
    {
        var copy = new Dictionary<string, MessageCount>(counts.Count + 1, StringComparer.Ordinal);
        foreach (var (command, count) in counts)
        {
            copy[command.ToString()] = count;
        }

        if (other.Messages > 0)
        {
            // A message set may name a command "other" too: the two add up.
            var named = copy.GetValueOrDefault(PeerMetrics.OtherCommand);
            copy[PeerMetrics.OtherCommand] = new MessageCount(named.Messages + other.Messages, named.Bytes + other.Bytes);
        }

        return copy;
    }

    private bool IsKnown(MessageCommand command)
    {
        if (BitcoinMessages.FindMessage(command) is not null)
        {
            return true;
        }

        for (int i = 0; i < _messageSets.Count; i++)
        {
            if (_messageSets[i].FindMessage(command) is not null)
            {
                return true;
            }
        }

        return false;
    }
}
