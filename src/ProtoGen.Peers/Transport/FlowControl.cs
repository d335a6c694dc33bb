using System;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// What one connection holds on behalf of its remote, and when it must stop taking more: the bytes queued for sending
/// but not yet handed to the socket (Bitcoin Core's send buffer: while it is over <c>maxSendBuffer</c>, or the shared
/// send budget is exhausted, the peer's requests wait and its socket is not read, so TCP backpressure holds the
/// sender), and the bytes of an incomplete message in the receive buffer (while the shared receive budget is
/// exhausted, a peer holding bytes nobody asked for is not read). Reports to the shared <see cref="PeerBudget"/>.
/// Thread-safe.
/// </summary>
internal sealed class FlowControl
{
    private readonly Lock _lock = new();
    private readonly PeerBudget _budget;
    private readonly long _maxSendBuffer;
    private readonly NextDeadline _next;
    private long _queued;
    private long _held;
    private TaskCompletionSource? _sendRoom;
    private DateTimeOffset? _receivePausedSince;
    // UTC ticks since a payload counted whole has been filled over the budget; 0 when not (read without the lock).
    private long _fillingOverBudgetSince;
    private DateTimeOffset? _sendPausedSince;
    private bool _released;

    public FlowControl(PeerBudget budget, long maxSendBuffer, NextDeadline next)
    {
        _next = next;
        _budget = budget;
        _maxSendBuffer = maxSendBuffer;
    }

    /// <summary>Bytes queued for sending and not yet handed to the socket.</summary>
    public long QueuedBytes => Volatile.Read(ref _queued);

    /// <summary>Bytes of an incomplete message held in the receive buffer.</summary>
    public long HeldBytes => Volatile.Read(ref _held);

    /// <summary>Whether the remote's requests must wait: our send buffer to it is full, or the shared send budget is exhausted and we still owe it bytes.</summary>
    public bool SendBufferFull
    {
        get
        {
            long queued = Volatile.Read(ref _queued);
            return queued >= _maxSendBuffer || (queued > 0 && _budget.SendOverBudget);
        }
    }

    /// <summary>A message of <paramref name="bytes"/> on the wire was queued.</summary>
    /// <param name="bytes">Its size.</param>
    public void Queued(long bytes)
    {
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            _queued += bytes;
        }

        _budget.AddQueued(bytes);
    }

    /// <summary>Queued bytes were handed to the socket (or dropped): room may open for the remote's requests.</summary>
    /// <param name="bytes">How many.</param>
    public void Sent(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        TaskCompletionSource? room = null;
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            _queued -= bytes;
            if (!SendBufferFull)
            {
                room = _sendRoom;
                _sendRoom = null;
            }
        }

        _budget.AddQueued(-bytes);
        room?.TrySetResult();
    }

    /// <summary>The read loop waits until the remote's requests may be processed again; the pause counts toward the deadline.</summary>
    /// <param name="now">The time, for the pause's deadline.</param>
    /// <param name="cancellationToken">Ends the wait when the connection stops.</param>
    public async Task WaitForSendRoomAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!SendBufferFull)
            {
                return;
            }

            _sendPausedSince = now;
            _next.Lower(NextDeadline.Add(now.UtcTicks, _budget.Deadline));
        }

        _budget.Paused(receiving: false, +1);
        try
        {
            await WaitUntilSendRoomAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _sendPausedSince = null;
            }

            _budget.Paused(receiving: false, -1);
        }
    }

    /// <summary>Completes when the send buffer has room (at once if it has).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task WaitUntilSendRoomAsync(CancellationToken cancellationToken)
    {
        // Room opens when our own bytes drain, or when the shared budget falls back under its limit.
        while (SendBufferFull)
        {
            Task own;
            lock (_lock)
            {
                if (_released)
                {
                    return;
                }

                _sendRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                own = _sendRoom.Task;
            }

            if (!SendBufferFull)
            {
                return;
            }

            // Over our own limit only our own bytes draining helps; under it, the shared budget falling back under its
            // limit helps too (its task is already complete when it has room, so it is awaited only when it has none).
            var room = Volatile.Read(ref _queued) < _maxSendBuffer && _budget.SendOverBudget
                ? Task.WhenAny(own, _budget.WaitForSendRoomAsync())
                : own;
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>After a read: the connection holds <paramref name="bytes"/> of an incomplete message.</summary>
    /// <param name="bytes">How many.</param>
    public void Holding(long bytes)
    {
        long delta;
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            delta = bytes - _held;
            _held = bytes;
        }

        _budget.AddPartial(delta);
    }

    /// <summary>Whether reading must pause: the shared receive budget is exhausted and the incomplete message held is one nobody asked for.</summary>
    /// <param name="requested">Whether the incomplete message answers one of our requests.</param>
    public bool MustPauseReceiving(bool requested) => !requested && Volatile.Read(ref _held) > 0 && _budget.ReceiveOverBudget;

    /// <summary>
    /// Instead of a pause while the shared receive budget is exhausted: the connection is filling a large payload that
    /// already counts whole, so reading the rest adds nothing and its end gives the count back. It goes on reading, but
    /// the deadline runs for it from the first such call as for a paused one (a remote that stops sending in the middle
    /// is still ended). <see cref="NotFillingOverBudget"/> stops the clock.
    /// </summary>
    /// <param name="now">The time.</param>
    public void FillingOverBudget(DateTimeOffset now)
    {
        if (Interlocked.CompareExchange(ref _fillingOverBudgetSince, now.UtcTicks, 0) == 0)
        {
            _next.Lower(NextDeadline.Add(now.UtcTicks, _budget.Deadline));
        }
    }

    /// <summary>The connection is no longer filling a counted payload over the budget (it finished it, or the budget has room).</summary>
    public void NotFillingOverBudget()
    {
        // The read loop calls this after every read: write only when the clock runs.
        if (Volatile.Read(ref _fillingOverBudgetSince) != 0)
        {
            Volatile.Write(ref _fillingOverBudgetSince, 0);
        }
    }

    private DateTimeOffset? FillingOverBudgetSince() =>
        Volatile.Read(ref _fillingOverBudgetSince) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Waits until the shared receive budget has room again (or the connection stops).</summary>
    /// <param name="now">The time, for the pause's deadline.</param>
    /// <param name="cancellationToken">Ends the wait when the connection stops.</param>
    public async Task WaitForReceiveRoomAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _receivePausedSince = now;
            _next.Lower(NextDeadline.Add(now.UtcTicks, _budget.Deadline));
        }

        _budget.Paused(receiving: true, +1);
        try
        {
            await _budget.WaitForReceiveRoomAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _receivePausedSince = null;
            }

            _budget.Paused(receiving: true, -1);
        }
    }

    /// <summary>
    /// The earliest time (UTC ticks) <see cref="Check"/> may act: a pause's deadline (once past, every tick while the
    /// pause lasts, since the budget may be exceeded again at any time).
    /// </summary>
    public long NextDue()
    {
        long due = NextDeadline.Never;
        lock (_lock)
        {
            if ((_receivePausedSince ?? FillingOverBudgetSince()) is { } r)
            {
                due = Math.Min(due, NextDeadline.Add(r.UtcTicks, _budget.Deadline));
            }

            if (_sendPausedSince is { } s)
            {
                due = Math.Min(due, NextDeadline.Add(s.UtcTicks, _budget.Deadline));
            }
        }

        return due;
    }

    /// <summary>Why the peer must end now because it stayed paused over an exhausted budget past the deadline, or null.</summary>
    /// <param name="now">The time.</param>
    public DisconnectReason? Check(DateTimeOffset now)
    {
        DateTimeOffset? receiving;
        DateTimeOffset? sending;
        lock (_lock)
        {
            receiving = _receivePausedSince ?? FillingOverBudgetSince();
            sending = _sendPausedSince;
        }

        var deadline = _budget.Deadline;
        if (receiving is { } r && now - r >= deadline && _budget.ReceiveOverBudget)
        {
            _budget.Disconnected();
            return new DisconnectReason(DisconnectKind.ResourceLimit, $"held {HeldBytes} bytes of an unrequested incomplete message for {deadline} while the receive budget ({_budget.MaxPartialMessageBytes} bytes) was exhausted");
        }

        if (sending is { } s && now - s >= deadline && _budget.SendOverBudget)
        {
            _budget.Disconnected();
            return new DisconnectReason(DisconnectKind.ResourceLimit, $"did not read {QueuedBytes} queued bytes for {deadline} while the send budget ({_budget.MaxQueuedSendBytes} bytes) was exhausted");
        }

        return null;
    }

    /// <summary>The connection stopped: everything it held is given back to the shared budget.</summary>
    public void Release()
    {
        long queued;
        long held;
        TaskCompletionSource? room;
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            (queued, held, room) = (_queued, _held, _sendRoom);
            (_queued, _held, _sendRoom) = (0, 0, null);
        }

        _budget.AddQueued(-queued);
        _budget.AddPartial(-held);
        room?.TrySetResult();
    }
}
