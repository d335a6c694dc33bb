using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace ProtoGen.Peers.Transport;

/// <summary>What happened to a message offered to the user lane of a <see cref="SendQueue"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued for the writer.</summary>
    Queued,

    /// <summary>Held until the queue opens (the handshake completes), then queued in order.</summary>
    Held,

    /// <summary>Refused: the user lane is at capacity.</summary>
    Full,

    /// <summary>Refused: the queue is closed (the peer is ending).</summary>
    Closed,
}

/// <summary>
/// A peer's send queue, read by one writer loop. Two lanes share it in order: the user lane holds at most
/// <c>capacity</c> messages and keeps them back until <see cref="Open"/> (the handshake); the peer's own messages
/// (handshake, pong, ping, trickled inventory) are never refused while the queue is open for writing.
/// Every message offered is either written by the reader or failed by <see cref="FailPending"/>: none is lost.
/// </summary>
/// <remarks>
/// One lock, a <see cref="PooledQueue{T}"/> created with the first message whose storage is rented from the shared
/// array pool and handed back whenever the writer has drained it (a queue that was dropped and
/// allocated again instead cost a steady stream of arrays to a peer sending bursts of small messages), and the
/// writer's waiter in the object itself: an idle peer holds a few hundred bytes here, where a channel held about two
/// kilobytes (its first segment, 32 slots, and its waiter objects).
/// </remarks>
internal sealed class SendQueue : IValueTaskSource<bool>
{
    /// <summary>A drained queue returns its storage to the pool (rented again with the next message): an idle peer holds no array.</summary>
    private const int KeptCapacity = 0;

    private readonly Lock _lock = new();
    private readonly int _capacity;
    private PooledQueue<OutgoingMessage>? _items;
    private List<OutgoingMessage>? _held;
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;

    // Senders waiting for room in the user lane (SendAsync on a full queue); created only when one waits.
    private TaskCompletionSource? _room;
    private int _userCount;
    private bool _open;
    private bool _closed;

    public SendQueue(int capacity) => _capacity = capacity;

    /// <summary>User messages queued or held and not yet taken by the writer.</summary>
    public int UserCount => Volatile.Read(ref _userCount);

    /// <summary>Offers a user message.</summary>
    /// <param name="item">The message.</param>
    public EnqueueResult EnqueueUser(in OutgoingMessage item)
    {
        if (Interlocked.Increment(ref _userCount) > _capacity)
        {
            Interlocked.Decrement(ref _userCount);
            return EnqueueResult.Full;
        }

        lock (_lock)
        {
            if (_closed)
            {
                Interlocked.Decrement(ref _userCount);
                return EnqueueResult.Closed;
            }

            if (!_open)
            {
                (_held ??= []).Add(item);
                return EnqueueResult.Held;
            }

            Add(item);
        }

        return EnqueueResult.Queued;
    }

    /// <summary>Queues one of the peer's own messages; false when the queue is closed.</summary>
    /// <param name="item">The message.</param>
    public bool EnqueueControl(in OutgoingMessage item)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            Add(item);
            return true;
        }
    }

    /// <summary>Releases the held user messages in order and queues later ones directly. Idempotent.</summary>
    /// <param name="disconnected">The error for held messages that can no longer be queued.</param>
    public void Open(Func<Exception> disconnected)
    {
        lock (_lock)
        {
            if (_open)
            {
                return;
            }

            _open = true;
            if (_held is null)
            {
                return;
            }

            foreach (var item in _held)
            {
                if (_closed)
                {
                    Interlocked.Decrement(ref _userCount);
                    item.Sent?.TrySetException(disconnected());
                }
                else
                {
                    Add(item);
                }
            }

            _held = null;
        }
    }

    /// <summary>
    /// For the writer (one at a time): completes with true once a message can be taken, with false once the queue is
    /// closed and empty.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_items is { Count: > 0 })
            {
                return new ValueTask<bool>(true);
            }

            if (_closed)
            {
                return new ValueTask<bool>(false);
            }

            _waiter.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    /// <summary>For the writer: takes the next message, if any.</summary>
    /// <param name="item">The message taken.</param>
    public bool TryRead(out OutgoingMessage item)
    {
        lock (_lock)
        {
            if (_items is not { } items || !items.TryDequeue(out item))
            {
                item = default;
                return false;
            }

            items.ReleaseIfLarger(KeptCapacity);

            return true;
        }
    }

    /// <summary>Called by the writer for each message it takes.</summary>
    /// <param name="item">The message taken.</param>
    public void Taken(in OutgoingMessage item)
    {
        // The decrement is a full fence: a sender that published its wait before it is seen here.
        if (item.User && Interlocked.Decrement(ref _userCount) < _capacity && Volatile.Read(ref _room) is not null)
        {
            WakeRoom();
        }
    }

    /// <summary>
    /// Completes once the user lane has room (at once if it has) or the queue is closed: a sender offers its message
    /// again then, and may find the room taken by another sender and wait again.
    /// </summary>
    public Task WaitForRoomAsync()
    {
        if (Volatile.Read(ref _userCount) < _capacity)
        {
            return Task.CompletedTask;
        }

        Task room;
        lock (_lock)
        {
            if (_closed)
            {
                return Task.CompletedTask;
            }

            room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        // A full fence between publishing the wait and reading the count (the writer decrements, then looks for a
        // waiter): a message taken before the wait was published is seen here.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _userCount) < _capacity)
        {
            WakeRoom();
        }

        return room;
    }

    /// <summary>Stops accepting messages; the writer drains what is queued.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Wake(false);
        }

        WakeRoom();
    }

    /// <summary>Fails every message still queued or held with <paramref name="error"/> (after the writer has stopped).</summary>
    /// <param name="error">The error.</param>
    public void FailPending(Exception error)
    {
        // Each failed user message gives back its count (zeroing the count instead would race with a sender that
        // has counted its message but not yet seen the queue closed, and leave the count at -1).
        while (TryRead(out var item))
        {
            Taken(item);
            item.Sent?.TrySetException(error);
        }

        lock (_lock)
        {
            if (_held is not null)
            {
                foreach (var item in _held)
                {
                    Taken(item);
                    item.Sent?.TrySetException(error);
                }

                _held = null;
            }
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);

    /// <summary>Queues a message and wakes the writer; under the lock, the queue open for writing.</summary>
    private void Add(in OutgoingMessage item)
    {
        (_items ??= new PooledQueue<OutgoingMessage>()).Enqueue(item);
        Wake(true);
    }

    /// <summary>Completes the senders' wait for room, if any waits (their continuations run on the thread pool).</summary>
    private void WakeRoom()
    {
        TaskCompletionSource? room;
        lock (_lock)
        {
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    /// <summary>Completes the writer's wait, if it waits (its continuation runs on the thread pool, not under the lock).</summary>
    private void Wake(bool result)
    {
        if (_waiting)
        {
            _waiting = false;
            _waiter.SetResult(result);
        }
    }
}
