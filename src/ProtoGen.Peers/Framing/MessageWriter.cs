using System;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Framing;

/// <summary>
/// Writes v1 framed messages to a <see cref="Stream"/> or a <see cref="PipeWriter"/> outside a peer, as a peer's
/// writer does: each payload is encoded once straight into the output buffer after room for its header, checksummed
/// in place, and refused (<see cref="ProtocolException"/>, nothing written) when it is over the payload limit. Frames
/// are buffered until <see cref="FlushAsync"/>.
/// </summary>
/// <remarks>One writer is driven by one caller at a time.</remarks>
public sealed class MessageWriter : IAsyncDisposable
{
    private readonly PipeWriter _output;
    private readonly MessageStreamOptions _options;
    private readonly V1MessageTransport _transport;
    private long _bytesWritten;

    /// <summary>Writes to <paramref name="stream"/>, buffering with <paramref name="options"/>' send buffer size and pool.</summary>
    /// <param name="stream">The stream (a file, a socket).</param>
    /// <param name="network">The network whose magic every frame carries.</param>
    /// <param name="options">Buffering, limits and context; null for <see cref="MessageStreamOptions.Default"/>.</param>
    public MessageWriter(Stream stream, BitcoinNetwork network, MessageStreamOptions? options = null)
        : this(network, options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(_options.Pool, minimumBufferSize: _options.SendBufferSize, leaveOpen: _options.LeaveOpen));
    }

    /// <summary>Writes to <paramref name="output"/> (its own buffers are used; the send buffer option does not apply).</summary>
    /// <param name="output">The pipe.</param>
    /// <param name="network">The network whose magic every frame carries.</param>
    /// <param name="options">Limits and context; null for <see cref="MessageStreamOptions.Default"/>.</param>
    public MessageWriter(PipeWriter output, BitcoinNetwork network, MessageStreamOptions? options = null)
        : this(network, options)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    private MessageWriter(BitcoinNetwork network, MessageStreamOptions? options)
    {
        ArgumentNullException.ThrowIfNull(network);
        _options = options ?? MessageStreamOptions.Default;
        _options.Validate();
        _transport = new V1MessageTransport(network, _options.MaxPayloadLength);
        _output = null!;
    }

    /// <summary>Bytes of frames written so far (flushed or not).</summary>
    public long BytesWritten => _bytesWritten;

    /// <summary>Buffers one frame in the options' context; returns its size on the wire.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="ProtocolException">The payload is over the limit (<see cref="ProtocolError.EncodeLimitExceeded"/>); nothing was written.</exception>
    public int Write(IMessage message) => Write(message, _options.Context);

    /// <summary>Buffers one frame in <paramref name="context"/>; returns its size on the wire.</summary>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context (for example <see cref="WireFlags.NoWitness"/> for a peer without witness).</param>
    /// <exception cref="ProtocolException">The payload is over the limit (<see cref="ProtocolError.EncodeLimitExceeded"/>); nothing was written.</exception>
    public int Write(IMessage message, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        int total = _transport.Measure(message, context, out int payloadLength);
        var span = _output.GetSpan(total).Slice(0, total);
        _transport.Write(span, message, context, payloadLength);
        _output.Advance(total);
        _bytesWritten += total;
        return total;
    }

    /// <summary>Sends what is buffered.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        var flush = _output.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return default;
        }

        return AwaitFlushAsync(flush);
    }

    /// <summary>Writes one frame and flushes.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    public ValueTask WriteAsync(IMessage message, CancellationToken cancellationToken = default)
    {
        Write(message);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Flushes what is buffered and completes the writer (disposing the stream unless <see cref="MessageStreamOptions.LeaveOpen"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await _output.FlushAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>A flush that waits for the stream; pooled, so that it allocates no state machine.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);
}
