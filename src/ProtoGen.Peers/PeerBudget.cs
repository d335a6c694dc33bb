using System;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers;

/// <summary>
/// A process-wide (or node-wide) budget for what remote peers can make us hold: the bytes of incomplete messages
/// waiting in receive buffers, and the bytes queued for sending but not yet handed to the socket. Every peer also has
/// its own bound (<see cref="PeerConfig.MaxSendBuffer"/>, and one message of at most 4,000,000 bytes being received).
/// When a total is over its budget, peers holding bytes nobody asked for stop being read (TCP backpressure then holds
/// the sender), except a peer filling a large payload that already counts whole (reading its rest adds nothing, and
/// its end gives the count back); a peer still paused, or still filling, after <see cref="Deadline"/> while the budget
/// is still exceeded is disconnected (<see cref="DisconnectKind.ResourceLimit"/>). Data we asked for (a block answering our getdata)
/// is never paused. Peers of one node share one budget; <see cref="Shared"/> is the default for every configuration.
/// Thread-safe.
/// </summary>
public sealed class PeerBudget
{
    private readonly Lock _lock = new();
    private long _partialBytes;
    private long _queuedBytes;
    private long _peakPartialBytes;
    private long _peakQueuedBytes;
    private long _pausedReceivers;
    private long _pausedSenders;
    private long _disconnects;
    private TaskCompletionSource? _receiveRoom;
    private TaskCompletionSource? _sendRoom;

    /// <summary>Creates a budget.</summary>
    /// <param name="maxPartialMessageBytes">Bytes of incomplete messages all peers together may hold.</param>
    /// <param name="maxQueuedSendBytes">Bytes queued for sending to all peers together.</param>
    /// <param name="deadline">How long a peer may stay paused over the budget before it is disconnected (default 30 s).</param>
    public PeerBudget(long maxPartialMessageBytes = PeerDefaults.MaxPartialMessageBytes, long maxQueuedSendBytes = PeerDefaults.MaxQueuedSendBytes, TimeSpan? deadline = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartialMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueuedSendBytes, 1);
        MaxPartialMessageBytes = maxPartialMessageBytes;
        MaxQueuedSendBytes = maxQueuedSendBytes;
        Deadline = deadline ?? PeerDefaults.OverBudgetDeadline;
        ArgumentOutOfRangeException.ThrowIfLessThan(Deadline, TimeSpan.Zero);
    }

    /// <summary>The budget every configuration uses unless it names another (one per process).</summary>
    public static PeerBudget Shared { get; } = new();

    /// <summary>Bytes of incomplete messages all peers together may hold.</summary>
    public long MaxPartialMessageBytes { get; }

    /// <summary>Bytes queued for sending to all peers together.</summary>
    public long MaxQueuedSendBytes { get; }

    /// <summary>How long a peer may stay paused over the budget before it is disconnected.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>A snapshot of the budget's counters.</summary>
    public PeerBudgetStats GetStats()
    {
        lock (_lock)
        {
            return new PeerBudgetStats(_partialBytes, _peakPartialBytes, _queuedBytes, _peakQueuedBytes, _pausedReceivers, _pausedSenders, _disconnects);
        }
    }

    /// <summary>Whether the incomplete messages of all peers hold more than the budget.</summary>
    internal bool ReceiveOverBudget => Volatile.Read(ref _partialBytes) > MaxPartialMessageBytes;

    /// <summary>Whether the queued sends of all peers hold more than the budget.</summary>
    internal bool SendOverBudget => Volatile.Read(ref _queuedBytes) > MaxQueuedSendBytes;

    internal void AddPartial(long delta)
    {
        if (delta == 0)
        {
            return;
        }

        TaskCompletionSource? room = null;
        lock (_lock)
        {
            _partialBytes += delta;
            _peakPartialBytes = Math.Max(_peakPartialBytes, _partialBytes);
            if (_partialBytes <= MaxPartialMessageBytes)
            {
                room = _receiveRoom;
                _receiveRoom = null;
            }
        }

        room?.TrySetResult();
    }

    internal void AddQueued(long delta)
    {
        if (delta == 0)
        {
            return;
        }

        TaskCompletionSource? room = null;
        lock (_lock)
        {
            _queuedBytes += delta;
            _peakQueuedBytes = Math.Max(_peakQueuedBytes, _queuedBytes);
            if (_queuedBytes <= MaxQueuedSendBytes)
            {
                room = _sendRoom;
                _sendRoom = null;
            }
        }

        room?.TrySetResult();
    }

    /// <summary>Completes once the queued sends of all peers fit the budget again.</summary>
    internal Task WaitForSendRoomAsync()
    {
        lock (_lock)
        {
            if (_queuedBytes <= MaxQueuedSendBytes)
            {
                return Task.CompletedTask;
            }

            _sendRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _sendRoom.Task;
        }
    }

    /// <summary>Completes once the incomplete messages of all peers fit the budget again.</summary>
    internal Task WaitForReceiveRoomAsync()
    {
        lock (_lock)
        {
            if (_partialBytes <= MaxPartialMessageBytes)
            {
                return Task.CompletedTask;
            }

            _receiveRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _receiveRoom.Task;
        }
    }

    internal void Paused(bool receiving, int delta)
    {
        lock (_lock)
        {
            if (receiving)
            {
                _pausedReceivers += delta;
            }
            else
            {
                _pausedSenders += delta;
            }
        }
    }

    internal void Disconnected()
    {
        lock (_lock)
        {
            _disconnects++;
        }
    }
}

/// <summary>A snapshot of a <see cref="PeerBudget"/>'s counters.</summary>
/// <param name="PartialMessageBytes">Bytes of incomplete messages held now.</param>
/// <param name="PeakPartialMessageBytes">The most ever held at once.</param>
/// <param name="QueuedSendBytes">Bytes queued for sending now.</param>
/// <param name="PeakQueuedSendBytes">The most ever queued at once.</param>
/// <param name="PausedReceivers">Peers not being read now because the receive budget is exhausted.</param>
/// <param name="PausedSenders">Peers whose requests are not being processed now because their send buffer (or the send budget) is full.</param>
/// <param name="Disconnects">Peers disconnected for staying over the budget past the deadline.</param>
public readonly record struct PeerBudgetStats(
    long PartialMessageBytes,
    long PeakPartialMessageBytes,
    long QueuedSendBytes,
    long PeakQueuedSendBytes,
    long PausedReceivers,
    long PausedSenders,
    long Disconnects);
