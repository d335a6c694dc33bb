using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Framing;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    private const int FlushThreshold = 256 * 1024;

    private readonly List<Outgoing> _heldUntilHandshake = [];
    private int _userQueued;

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

        if (Interlocked.Increment(ref _userQueued) > _config.SendQueueCapacity)
        {
            Interlocked.Decrement(ref _userQueued);
            PeerLog.QueueFull(_logger, Id, message.Command.ToString());
            sent?.TrySetException(new SendQueueFullException());
            return false;
        }

        var item = new Outgoing(message, sent, flags, user: true);
        lock (_lock)
        {
            if (!_verackReceived)
            {
                // Checked again under the lock: shutdown fails the held list under this lock, after marking the
                // peer disconnected, so nothing added here can be left without a completion.
                if (!IsConnected)
                {
                    Interlocked.Decrement(ref _userQueued);
                    sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
                    return false;
                }

                _heldUntilHandshake.Add(item);
                return true;
            }
        }

        if (!_sendQueue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _userQueued);
            sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
            return false;
        }

        return true;
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

            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The number of user messages waiting to be written.</summary>
    public int QueuedMessageCount => Volatile.Read(ref _userQueued);

    /// <summary>Queues one of the peer's own messages (never dropped, not held back by the handshake).</summary>
    private void QueueControl(IMessage message, TaskCompletionSource? sent = null)
    {
        if (!_sendQueue.Writer.TryWrite(new Outgoing(message, sent, null, user: false)))
        {
            sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
        }
    }

    /// <summary>Moves the messages held during the handshake into the send queue, in order. Called under <see cref="_lock"/>.</summary>
    private void ReleaseHeldMessagesLocked()
    {
        foreach (var item in _heldUntilHandshake)
        {
            if (!_sendQueue.Writer.TryWrite(item))
            {
                Interlocked.Decrement(ref _userQueued);
                item.Sent?.TrySetException(new PeerDisconnectedException(DisconnectReason));
            }
        }

        _heldUntilHandshake.Clear();
    }

    private async Task WriteLoopAsync()
    {
        var token = _shutdown.Token;
        var written = new List<TaskCompletionSource>();
        try
        {
            var reader = _sendQueue.Reader;
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                long unflushed = 0;
                while (reader.TryRead(out var item))
                {
                    if (item.User)
                    {
                        Interlocked.Decrement(ref _userQueued);
                    }

                    int bytes = WriteFrame(item);
                    if (bytes < 0)
                    {
                        continue;
                    }

                    unflushed += bytes;
                    if (item.Sent is not null)
                    {
                        written.Add(item.Sent);
                    }

                    if (unflushed >= FlushThreshold)
                    {
                        await FlushAsync(written, token).ConfigureAwait(false);
                        unflushed = 0;
                    }
                }

                await FlushAsync(written, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Disconnect(new DisconnectReason(DisconnectKind.TransportError, e.Message));
        }
        catch (Exception e)
        {
            PeerLog.CallbackFailed(_logger, Id, e);
            Disconnect(new DisconnectReason(DisconnectKind.TransportError, $"writer failed: {e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            foreach (var sent in written)
            {
                sent.TrySetException(new PeerDisconnectedException(DisconnectReason));
            }
        }
    }

    private async ValueTask FlushAsync(List<TaskCompletionSource> written, CancellationToken token)
    {
        var result = await _output.FlushAsync(token).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException(token);
        }

        foreach (var sent in written)
        {
            sent.TrySetResult();
        }

        written.Clear();
    }

    /// <summary>Encodes one frame into the output; returns its size, or -1 when the message cannot be sent.</summary>
    private int WriteFrame(Outgoing item)
    {
        var message = item.Message;
        var context = CurrentContext(item.Flags, message);
        int payloadLength;
        try
        {
            payloadLength = message.GetEncodedSize(context);
            if (payloadLength > FrameHeader.MaxProtocolPayloadLength)
            {
                throw new ProtocolException(ProtocolError.EncodeLimitExceeded, $"{message.Command}: payload of {payloadLength} bytes exceeds the protocol limit {FrameHeader.MaxProtocolPayloadLength}");
            }

            int total = FrameHeader.Size + payloadLength;
            var span = _output.GetSpan(total).Slice(0, total);
            Frame.Write(span, _config.Network.Magic, message, context, payloadLength);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                PeerLog.Sending(_logger, Id, message.Command.ToString(), total, MessageDescriber.Describe(message));
                if (_logger.IsEnabled(LogLevel.Trace))
                {
                    PeerLog.SentFrame(_logger, Id, message.Command.ToString(), total, HexDump.Format(span));
                }
            }

            _output.Advance(total);
            RecordSent(message, total);
            InvokeHook(_config.OnWrite, message.Command, total, message, null);
            return total;
        }
        catch (Exception e) when (e is ProtocolException or InvalidOperationException)
        {
            // The application asked to send something unencodable (over a limit, or an encoder that writes more or
            // less than its size function measured: Frame.Write refuses it before anything is advanced): fail that
            // send, keep the peer; the stream is still in sync.
            PeerLog.SendFailed(_logger, Id, message.Command.ToString(), e.Message);
            item.Sent?.TrySetException(e);
            InvokeHook(_config.OnWrite, message.Command, 0, message, e);
            return -1;
        }
        catch (Exception e)
        {
            // Anything else ends the peer (the writer loop reports it); this send's signal must not be left pending.
            item.Sent?.TrySetException(e);
            throw;
        }
    }

    private void FailPendingSends()
    {
        var error = new PeerDisconnectedException(DisconnectReason);
        while (_sendQueue.Reader.TryRead(out var item))
        {
            item.Sent?.TrySetException(error);
        }

        lock (_lock)
        {
            foreach (var item in _heldUntilHandshake)
            {
                item.Sent?.TrySetException(error);
            }

            _heldUntilHandshake.Clear();
        }

        Volatile.Write(ref _userQueued, 0);
    }

    /// <summary>The encoding context for the next message: the negotiated version, and no witness data unless the remote serves it.</summary>
    private WireContext CurrentContext(WireFlags? flags = null, IMessage? message = null)
    {
        int version;
        ServiceFlags services;
        lock (_lock)
        {
            version = _negotiatedVersion;
            services = _remoteServices;
        }

        var f = flags ?? ((message is Block or Transaction or BlockTxnMessage or CmpctBlockMessage) && (services & ServiceFlags.Witness) == 0 ? WireFlags.NoWitness : WireFlags.None);
        return new WireContext(version, f);
    }

    private readonly struct Outgoing
    {
        public Outgoing(IMessage message, TaskCompletionSource? sent, WireFlags? flags, bool user)
        {
            Message = message;
            Sent = sent;
            Flags = flags;
            User = user;
        }

        public IMessage Message { get; }

        public TaskCompletionSource? Sent { get; }

        public WireFlags? Flags { get; }

        public bool User { get; }
    }
}
