using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>The write loop: the transport's own output, then the queued messages, encoded into the output and flushed.</summary>
internal sealed partial class Connection
{
    private async Task WriteLoopAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var token = _shutdown.Token;
        var written = new List<TaskCompletionSource>();
        try
        {
            await WriteTransportOutputAsync(written, token).ConfigureAwait(false);
            // Not cancelled by the token: Abort closes the queue first, which ends the wait.
            while (await _queue.WaitToReadAsync().ConfigureAwait(false))
            {
                token.ThrowIfCancellationRequested();
                long unflushed = _transport.WritePendingOutput(_output);
                long accounted = 0;
                while (_queue.TryRead(out var item))
                {
                    _queue.Taken(item);
                    int bytes = Write(item);
                    if (bytes < 0)
                    {
                        _flow.Sent(item.Bytes);
                        continue;
                    }

                    unflushed += bytes;
                    accounted += item.Bytes;
                    if (item.Sent is not null)
                    {
                        written.Add(item.Sent);
                    }

                    if (unflushed >= _options.FlushThreshold)
                    {
                        await FlushAsync(written, unflushed, token).ConfigureAwait(false);
                        _flow.Sent(accounted);
                        (unflushed, accounted) = (0, 0);
                    }
                }

                await FlushAsync(written, unflushed, token).ConfigureAwait(false);
                _flow.Sent(accounted);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.TransportError, e.Message));
        }
        catch (Exception e)
        {
            _handler.OnUnexpectedError(e);
            _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.TransportError, $"writer failed: {e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            if (written.Count > 0)
            {
                var error = _handler.CreateDisconnectedError();
                foreach (var sent in written)
                {
                    sent.TrySetException(error);
                }
            }
        }
    }

    /// <summary>
    /// Until the transport is ready for messages, writes its own bytes as they become due (a key exchange: some at
    /// once, the rest once the remote's bytes have been read); queued messages wait meanwhile.
    /// </summary>
    private async ValueTask WriteTransportOutputAsync(List<TaskCompletionSource> written, CancellationToken token)
    {
        while (true)
        {
            // Read first: everything the transport queued before it became ready is written below.
            bool ready = _transport.IsReady;
            int bytes = _transport.WritePendingOutput(_output);
            if (bytes > 0)
            {
                await FlushAsync(written, bytes, token).ConfigureAwait(false);
            }

            if (ready)
            {
                return;
            }

            await _readiness.WaitForProgressAsync(token).ConfigureAwait(false);
        }
    }

    // Pooled: a flush that waits for the socket would otherwise allocate its state machine each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(List<TaskCompletionSource> written, long bytes, CancellationToken token)
    {
        // Set before the flush: the remote may read our bytes and close before the flush's continuation runs.
        Volatile.Write(ref _flushStarted, 1);
        var result = await _output.FlushAsync(token).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException(token);
        }

        Interlocked.Add(ref _bytesWritten, bytes);
        foreach (var sent in written)
        {
            sent.TrySetResult();
        }

        written.Clear();
    }

    /// <summary>Encodes one message into the output; returns its size, or -1 when it cannot be sent.</summary>
    private int Write(in OutgoingMessage item)
    {
        var message = item.Message;
        try
        {
            var context = _handler.GetWriteContext(item);
            int total = _transport.Measure(message, context, out int payloadLength);
            var span = _output.GetSpan(total).Slice(0, total);
            _transport.Write(span, message, context, payloadLength);
            _handler.OnWritten(item, span);
            _output.Advance(total);
            return total;
        }
        catch (Exception e) when (e is ProtocolException or InvalidOperationException)
        {
            // The application asked to send something unencodable (over a limit, or an encoder that writes more or
            // less than its size function measured: the transport refuses it before anything is advanced): fail that
            // send, keep the connection; the stream is still in sync.
            item.Sent?.TrySetException(e);
            _handler.OnWriteRefused(item, e);
            return -1;
        }
        catch (Exception e)
        {
            // Anything else ends the connection (the loop reports it); this send's signal must not be left pending.
            item.Sent?.TrySetException(e);
            throw;
        }
    }
}
