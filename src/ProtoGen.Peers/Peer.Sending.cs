using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Logging;
using ProtoGen.Peers.Protocol;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    /// <summary>The number of user messages waiting to be written.</summary>
    public int QueuedMessageCount => _queue.UserCount;

    /// <summary>Inventory waiting for the next trickle.</summary>
    public int PendingInventoryCount => _inventory.PendingCount;

    /// <summary>
    /// Queues a message for sending and returns at once, never waiting for the network. <paramref name="sent"/>, if
    /// given, completes when the message has actually been written to the transport (or fails with
    /// <see cref="SendQueueFullException"/> or <see cref="PeerDisconnectedException"/>). Messages queued before the
    /// handshake completes are held and sent after it, in order.
    /// </summary>
    /// <remarks>
    /// The queue holds at most <see cref="PeerConfig.SendQueueCapacity"/> user messages. When it is full the new
    /// message is dropped: this method returns false and <paramref name="sent"/> fails with
    /// <see cref="SendQueueFullException"/>. Use <see cref="SendAsync"/> to wait for room instead. The peer's own
    /// messages (handshake, pong, ping, trickled inventory) have their own lane and are never dropped.
    /// </remarks>
    /// <param name="message">The message.</param>
    /// <param name="sent">Completed when the message has been written; may be null.</param>
    /// <param name="flags">Encoding flags for this message; null chooses witness encoding from the remote's NODE_WITNESS service.</param>
    /// <returns>Whether the message was queued.</returns>
    public bool QueueMessage(IMessage message, TaskCompletionSource? sent = null, WireFlags? flags = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsConnected)
        {
            sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
            return false;
        }

        int bytes = _connection.MeasureOrZero(message, _handshake.WriteContext(flags, message));
        _flow.Queued(bytes);
        switch (_queue.EnqueueUser(new OutgoingMessage(message, sent, flags, User: true, bytes)))
        {
            case EnqueueResult.Full:
                _flow.Sent(bytes);
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    // The command's text is built only when it is logged: a sender retrying on a full queue allocates nothing.
                    PeerLog.QueueFull(_logger, Id, message.Command.ToString());
                }

                sent?.TrySetException(new SendQueueFullException());
                return false;
            case EnqueueResult.Closed:
                _flow.Sent(bytes);
                sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
                return false;
            default:
                return true;
        }
    }

    /// <summary>
    /// Bytes queued for this peer and not yet handed to the socket (user and own messages). While it is at least
    /// <see cref="PeerConfig.MaxSendBuffer"/>, the peer's requests wait (Bitcoin Core's send buffer).
    /// </summary>
    public long QueuedBytes => _flow.QueuedBytes;

    /// <summary>Whether the send buffer is full: answer more of the remote's requests once <see cref="WaitForSendBufferAsync"/> completes.</summary>
    public bool IsSendBufferFull => _flow.SendBufferFull;

    /// <summary>
    /// Completes when the send buffer has room again (at once if it has), so that a server answering a long request
    /// (a getdata of many blocks) sends as the remote reads rather than queueing everything at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="PeerDisconnectedException">The peer ended first.</exception>
    public async Task WaitForSendBufferAsync(CancellationToken cancellationToken = default)
    {
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = _flow.WaitUntilSendRoomAsync(stopped.Token);
        var ended = await Task.WhenAny(waiting, _stopped.Task).ConfigureAwait(false);
        if (ended != waiting)
        {
            await stopped.CancelAsync().ConfigureAwait(false);
            throw new PeerDisconnectedException(DisconnectReason);
        }

        await waiting.ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a message and completes when it has been written, waiting for room when the send queue is full
    /// (back-pressure instead of dropping).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels waiting for room (a queued message is still sent).</param>
    public async Task SendAsync(IMessage message, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (QueueMessage(message, sent))
            {
                await sent.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!IsConnected)
            {
                throw new PeerDisconnectedException(DisconnectReason);
            }

            // Woken when the writer takes a message (or the peer ends), not by polling.
            await _queue.WaitForRoomAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues an inventory announcement. Transactions are batched and trickled every
    /// <see cref="PeerConfig.TrickleInterval"/>; blocks go out at the next scheduler tick. Inventory the remote is
    /// known to have (it announced it, or we already did; a bounded most-recently-used set) is skipped, and
    /// transactions are not announced to a peer whose version asked for no relay.
    /// </summary>
    /// <param name="inventory">The item.</param>
    /// <returns>False when the item was skipped (known to the remote, a transaction for a remote that asked for no relay) or the pending list is full.</returns>
    public bool QueueInventory(InventoryVector inventory) =>
        IsConnected && _inventory.Enqueue(inventory, _handshake.RemoteRelaysTransactions, _time.GetUtcNow());

    /// <summary>Whether the remote is known to have <paramref name="inventory"/>.</summary>
    /// <param name="inventory">The item.</param>
    public bool IsKnownInventory(InventoryVector inventory) => _inventory.IsKnown(inventory);

    /// <summary>
    /// Pings now (or joins the ping already in flight) and completes with the round-trip time when the matching pong
    /// arrives. Needs a negotiated version above 60000 (BIP31).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var view = _handshake.View;
        if (!view.VerackReceived || view.NegotiatedVersion <= ProtocolVersions.Bip31)
        {
            throw new InvalidOperationException("ping round trips need a completed handshake and protocol version above 60000");
        }

        var waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool send = _keepAlive.AddWaiter(waiter);
        if (!IsConnected)
        {
            waiter.TrySetException(new PeerDisconnectedException(DisconnectReason));
        }
        else if (send)
        {
            QueueControl(new PingMessage { Nonce = KeepAlive.RandomNonce() });
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues one of the peer's own messages (never dropped, not held back by the handshake).</summary>
    /// <param name="message">The message.</param>
    /// <param name="sent">Completed when written; may be null.</param>
    internal void QueueControl(IMessage message, TaskCompletionSource? sent = null)
    {
        int bytes = _connection.MeasureOrZero(message, _handshake.WriteContext(null, message));
        _flow.Queued(bytes);
        if (!_queue.EnqueueControl(new OutgoingMessage(message, sent, null, User: false, bytes)))
        {
            _flow.Sent(bytes);
            sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
        }
    }
}
