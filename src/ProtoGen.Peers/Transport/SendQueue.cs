using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;

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
internal sealed class SendQueue
{
    private readonly Channel<OutgoingMessage> _channel = Channel.CreateUnbounded<OutgoingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<OutgoingMessage> _held = [];
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private int _userCount;
    private bool _open;
    private bool _closed;

    public SendQueue(int capacity) => _capacity = capacity;

    /// <summary>The reader side, for the writer loop.</summary>
    public ChannelReader<OutgoingMessage> Reader => _channel.Reader;

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
                _held.Add(item);
                return EnqueueResult.Held;
            }
        }

        if (!_channel.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _userCount);
            return EnqueueResult.Closed;
        }

        return EnqueueResult.Queued;
    }

    /// <summary>Queues one of the peer's own messages; false when the queue is closed.</summary>
    /// <param name="item">The message.</param>
    public bool EnqueueControl(in OutgoingMessage item) => _channel.Writer.TryWrite(item);

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
            foreach (var item in _held)
            {
                if (!_channel.Writer.TryWrite(item))
                {
                    Interlocked.Decrement(ref _userCount);
                    item.Sent?.TrySetException(disconnected());
                }
            }

            _held.Clear();
        }
    }

    /// <summary>Called by the writer for each message it takes.</summary>
    /// <param name="item">The message taken.</param>
    public void Taken(in OutgoingMessage item)
    {
        if (item.User)
        {
            Interlocked.Decrement(ref _userCount);
        }
    }

    /// <summary>Stops accepting messages; the writer drains what is queued.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }

        _channel.Writer.TryComplete();
    }

    /// <summary>Fails every message still queued or held with <paramref name="error"/> (after the writer has stopped).</summary>
    /// <param name="error">The error.</param>
    public void FailPending(Exception error)
    {
        while (_channel.Reader.TryRead(out var item))
        {
            item.Sent?.TrySetException(error);
        }

        lock (_lock)
        {
            foreach (var item in _held)
            {
                item.Sent?.TrySetException(error);
            }

            _held.Clear();
        }

        Volatile.Write(ref _userCount, 0);
    }
}
