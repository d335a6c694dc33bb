using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// One connection's byte plumbing, below the protocol peer (Kestrel's <c>SocketConnection</c> to the peer's
/// <c>HttpConnection</c>): it owns the pipes over the caller's stream or duplex pipe, the read loop and the write loop,
/// the send queue and the byte counters. It hands each whole message the transport cuts from the stream up to its
/// <see cref="IConnectionHandler"/> and writes the messages queued for it. It has no thread of its own.
/// </summary>
internal sealed partial class Connection
{
    private readonly Stream? _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ConnectionOptions _options;
    private readonly IMessageTransport _transport;
    private readonly IConnectionHandler _handler;
    private readonly SendQueue _queue;
    private readonly FlowControl _flow;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TransportReadiness _readiness;
    private long _bytesRead;
    private long _bytesWritten;
    private int _flushStarted;

    public Connection(Stream? stream, IDuplexPipe? pipe, ConnectionOptions options, IMessageTransport transport, IConnectionHandler handler, SendQueue queue, FlowControl flow)
    {
        _options = options;
        _transport = transport;
        _handler = handler;
        _queue = queue;
        _flow = flow;
        _readiness = new TransportReadiness(transport);
        if (stream is not null)
        {
            _stream = stream;
            _input = PipeReader.Create(stream, new StreamPipeReaderOptions(options.Pool, bufferSize: options.ReceiveBufferSize, minimumReadSize: options.MinimumReadSize, leaveOpen: true, useZeroByteReads: options.UseZeroByteReads));
            _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(options.Pool, minimumBufferSize: options.SendBufferSize, leaveOpen: true));
        }
        else
        {
            _input = pipe!.Input;
            _output = pipe.Output;
        }
    }

    /// <summary>The transport in use.</summary>
    public IMessageTransport Transport => _transport;

    /// <summary>Bytes read from the stream so far (everything, transport bytes included).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes written to the stream so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>What the connection holds for its remote, and when it stops taking more.</summary>
    public FlowControl Flow => _flow;

    /// <summary>The bytes <paramref name="message"/> will take on the wire (0 when it cannot be encoded: the writer will refuse it).</summary>
    /// <param name="message">The message.</param>
    /// <param name="context">Its encoding context.</param>
    public int MeasureOrZero(IMessage message, WireContext context)
    {
        try
        {
            return _transport.Measure(message, context, out _);
        }
        catch (ProtocolException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Completes with true once the transport is ready for messages (at once for v1; for v2 once the remote's key is
    /// in), or with false when <paramref name="stopped"/> completes first.
    /// </summary>
    /// <param name="stopped">Completes when the peer has stopped.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<bool> WaitForTransportAsync(Task stopped, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(_readiness.Ready, stopped).WaitAsync(cancellationToken).ConfigureAwait(false);
        return first == _readiness.Ready;
    }

    /// <summary>The read loop (completed before <see cref="Start"/>).</summary>
    internal Task ReadLoop { get; private set; } = Task.CompletedTask;

    /// <summary>The write loop (completed before <see cref="Start"/>).</summary>
    internal Task WriteLoop { get; private set; } = Task.CompletedTask;

    /// <summary>Starts both loops. Call once.</summary>
    public void Start()
    {
        // Each loop moves to the thread pool at its first statement (as Task.Run would, without its wrapper task).
        ReadLoop = ReadLoopAsync();
        WriteLoop = WriteLoopAsync();
    }

    /// <summary>Stops both loops as soon as they can stop; queued messages are no longer written.</summary>
    public void Abort()
    {
        _queue.Close();
        _shutdown.Cancel();
        if (_stream is null)
        {
            _input.CancelPendingRead();
        }
    }

    /// <summary>After <see cref="Abort"/>: closes the stream (when owned), waits for both loops and completes the pipes.</summary>
    /// <param name="completion">The error the writer completes with (its unsent bytes are discarded).</param>
    public async Task StopAsync(Exception completion)
    {
        if (_stream is not null && _options.DisposeStream)
        {
            // Unblocks a read or write the stream would not cancel.
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(ReadLoop, WriteLoop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The loops end with these on shutdown; nothing to report.
        }

        _flow.Release();
        (_transport as IDisposable)?.Dispose();
        await _input.CompleteAsync().ConfigureAwait(false);
        try
        {
            // A stream writer completed without an error flushes what is still buffered to the stream, which is
            // closed (or whose remote stopped reading) by now: that throws, skips the rest of this shutdown and
            // keeps the pooled buffers. Completing it with an error discards those bytes and returns the buffers.
            await _output.CompleteAsync(_stream is null ? null : completion).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The transport is gone; nothing left to write.
        }

        _shutdown.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var token = _shutdown.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (_flow.SendBufferFull)
                {
                    // Bitcoin Core's fPauseSend: while we owe this peer more than its send buffer holds, its requests
                    // wait and its socket is not read, so TCP backpressure holds the sender.
                    await _flow.WaitForSendRoomAsync(_options.Time.GetUtcNow(), token).ConfigureAwait(false);
                }

                var result = await _input.ReadAsync(token).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                long available = buffer.Length;
                bool paused = false;
                try
                {
                    while (_handler.IsActive)
                    {
                        if (_flow.SendBufferFull)
                        {
                            paused = true;
                            break;
                        }

                        bool got = _transport.TryRead(ref buffer, out var message);
                        if (!got)
                        {
                            break;
                        }

                        _handler.OnReceived(message);

                        // A payload filled over the budget is whole now: its deadline stops.
                        _flow.NotFillingOverBudget();
                    }
                }
                finally
                {
                    Interlocked.Add(ref _bytesRead, available - buffer.Length);
                    _readiness.AfterRead();

                    // Paused with whole messages still buffered: mark nothing examined, so the next read returns them at once.
                    _input.AdvanceTo(buffer.Start, paused ? buffer.Start : buffer.End);
                }

                if (paused)
                {
                    continue;
                }

                // What is left is the start of an incomplete message: it counts against the shared receive budget, and
                // while that is exhausted a peer holding bytes nobody asked for is not read, unless it is filling a
                // large payload that already counts whole (see CheckReceiveBudgetAsync).
                _flow.Holding(buffer.Length + _transport.HeldBytes);
                await CheckReceiveBudgetAsync(buffer, token).ConfigureAwait(false);

                if (result.IsCompleted)
                {
                    _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.RemoteClosed, RemoteClosedDetail(buffer)));
                    break;
                }

                if (buffer.IsEmpty && _stream is not null && !_transport.DirectReadTarget.IsEmpty)
                {
                    if (!await ReadDirectAsync(_stream, token).ConfigureAwait(false))
                    {
                        break;
                    }

                    // Before the pipe reader's next read, which must not wait in a receive buffer (see LateReadiness).
                    // Here and not in ReadDirectAsync, whose state would keep the delivered payload's array alive
                    // for as long as the wait lasts.
                    await LateReadiness.WaitForDataAsync(_stream, _options.UseZeroByteReads, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ProtocolException e)
        {
            _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.ProtocolViolation, e.Message, e.Error));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.TransportError, e.Message));
        }
        catch (Exception e)
        {
            // Contain anything else to this connection: log it, end the peer, never the process.
            _handler.OnUnexpectedError(e);
            _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.TransportError, $"reader failed: {e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>
    /// After a read, while the shared receive budget is exhausted and the incomplete message held is one nobody asked
    /// for: pauses, except while a large payload is being filled, which already counts whole (reading its rest adds
    /// nothing, and only its end gives the count back, so pausing it would hold the budget until the deadline). The
    /// deadline runs for such a payload all the same.
    /// </summary>
    private ValueTask CheckReceiveBudgetAsync(in ReadOnlySequence<byte> unread, CancellationToken token)
    {
        bool pause = _flow.MustPauseReceiving(_handler.IsAwaited(_transport.PendingCommand(unread)));
        if (pause && !_transport.DirectReadTarget.IsEmpty)
        {
            _flow.FillingOverBudget(_options.Time.GetUtcNow());
            return ValueTask.CompletedTask;
        }

        _flow.NotFillingOverBudget();
        return pause ? new ValueTask(_flow.WaitForReceiveRoomAsync(_options.Time.GetUtcNow(), token)) : ValueTask.CompletedTask;
    }

    private string RemoteClosedDetail(in ReadOnlySequence<byte> unread)
    {
        if (!unread.IsEmpty || _transport.HeldBytes > 0)
        {
            return "the remote closed the connection in the middle of a frame";
        }

        // A node of another network (or one that does not speak this transport) closes without a word: say so.
        return BytesRead == 0 && Volatile.Read(ref _flushStarted) != 0
            ? "the remote closed the connection before sending anything (a node on another network, or one that does not speak Bitcoin, closes without a reply)"
            : "the remote closed the connection";
    }
}
