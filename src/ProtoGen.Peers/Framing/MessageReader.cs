using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Framing;

/// <summary>
/// Reads v1 framed messages from a <see cref="Stream"/> or a <see cref="PipeReader"/> outside a peer (a capture file,
/// a proxy, a bridge), with the peer's checks: the network magic and the payload length limit end the stream
/// (<see cref="ProtocolException"/>), a bad checksum or a malformed command drops the frame, and each payload is
/// decoded by the generated codecs. Frames are cut from the receive buffers in place; the only allocation per frame is
/// the decoded message (and, for payloads over 16 KiB, the one array it keeps its scripts in: a large payload is
/// copied and hashed into that array as it arrives, and from a stream the rest of it is read straight into it).
/// </summary>
/// <remarks>
/// One reader is driven by one caller at a time. It has no thread or timer of its own; nothing is sent (no handshake,
/// no pong): a stream that needs answers needs a <see cref="Peer"/>. With
/// <see cref="MessageStreamOptions.ReusePayloadArrays"/> a large payload's array is reused once its message has been
/// given up, so a message is valid only until the next read (or until its listener returns).
/// </remarks>
public sealed partial class MessageReader : IAsyncDisposable
{
    private readonly PipeReader _input;
    private readonly Stream? _stream;
    private readonly MessageStreamOptions _options;
    private readonly V1MessageTransport _transport;
    private readonly PayloadArrayPool? _arrays;
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _completed;
    private bool _readDirect;
    private long _bytesRead;
    private long _framesDropped;

    /// <summary>Reads <paramref name="stream"/>, buffering it with <paramref name="options"/>' receive buffer size and pool.</summary>
    /// <param name="stream">The stream (a file, a socket).</param>
    /// <param name="network">The network whose magic every frame must carry.</param>
    /// <param name="options">Buffering, limits and context; null for <see cref="MessageStreamOptions.Default"/>.</param>
    public MessageReader(Stream stream, BitcoinNetwork network, MessageStreamOptions? options = null)
        : this(network, options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(
            _options.Pool,
            bufferSize: _options.ReceiveBufferSize,
            minimumReadSize: Math.Min(PeerDefaults.MinimumReadSize, _options.ReceiveBufferSize),
            leaveOpen: _options.LeaveOpen,
            useZeroByteReads: _options.UseZeroByteReads));
    }

    /// <summary>Reads <paramref name="input"/> (its own buffers are used; the receive buffer options do not apply).</summary>
    /// <param name="input">The pipe.</param>
    /// <param name="network">The network whose magic every frame must carry.</param>
    /// <param name="options">Limits and context; null for <see cref="MessageStreamOptions.Default"/>.</param>
    public MessageReader(PipeReader input, BitcoinNetwork network, MessageStreamOptions? options = null)
        : this(network, options)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
    }

    private MessageReader(BitcoinNetwork network, MessageStreamOptions? options)
    {
        ArgumentNullException.ThrowIfNull(network);
        _options = options ?? MessageStreamOptions.Default;
        _options.Validate();
        _arrays = _options.ReusePayloadArrays ? new PayloadArrayPool() : null;
        _transport = new V1MessageTransport(network, _options.MaxPayloadLength, _arrays);
        _input = null!;
    }

    /// <summary>Bytes of whole frames taken from the stream so far.</summary>
    public long BytesRead => _bytesRead;

    /// <summary>Frames dropped so far for a bad checksum or a malformed command.</summary>
    public long FramesDropped => _framesDropped;

    /// <summary>
    /// Reads the next frame and decodes its payload. Returns null at the end of the stream. Completes synchronously
    /// while whole frames are buffered. With <see cref="MessageStreamOptions.ReusePayloadArrays"/>, the message of the
    /// previous frame may be overwritten from this call on.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for more bytes.</param>
    /// <exception cref="ProtocolException">
    /// A wrong magic or an oversized length (<see cref="ProtocolError.BadMagic"/>, <see cref="ProtocolError.PayloadTooLarge"/>),
    /// a stream that ends in the middle of a frame (<see cref="ProtocolError.Truncated"/>), or a malformed payload.
    /// </exception>
    public ValueTask<FramedMessage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        _arrays?.ReclaimLent();
        if (_holding && TryTake(out var frame))
        {
            return new ValueTask<FramedMessage?>(frame);
        }

        return ReadMoreAsync(cancellationToken);
    }

    /// <summary>
    /// Reads to the end of the stream, handing every message to <paramref name="listener"/> through the generated
    /// dispatch (a command that is not a Bitcoin message goes to <c>OnUnknown</c>); dropped frames are counted in
    /// <see cref="FramesDropped"/>. Returns the number of frames delivered.
    /// </summary>
    /// <typeparam name="TPeer">The peer type the listener takes.</typeparam>
    /// <param name="peer">Passed to the listener as the message's origin.</param>
    /// <param name="listener">The listener.</param>
    /// <param name="cancellationToken">Cancels the wait for more bytes.</param>
    /// <exception cref="ProtocolException">As for <see cref="ReadAsync"/>.</exception>
    public async Task<long> DispatchAllAsync<TPeer>(TPeer peer, IBitcoinListener<TPeer> listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _arrays?.ReclaimLent();
        long delivered = 0;
        while (true)
        {
            if (_holding)
            {
                delivered += DispatchBuffered(peer, listener);
                if (!Release())
                {
                    return delivered;
                }
            }

            if (CanReadDirect)
            {
                var message = await ReadRestDirectAsync(cancellationToken).ConfigureAwait(false);
                delivered += DispatchOne(peer, listener, message) ? 1 : 0;
                continue;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes the reader (and disposes the stream unless <see cref="MessageStreamOptions.LeaveOpen"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_holding)
        {
            _input.AdvanceTo(_buffer.Start);
            _holding = false;
        }

        // Over a stream, completing the pipe disposes the stream too unless LeaveOpen.
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    // The slow paths are pooled: each one that waits for the stream would otherwise allocate its state machine.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FramedMessage?> ReadMoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_holding)
            {
                if (TryTake(out var frame))
                {
                    return frame;
                }

                if (!Release())
                {
                    return null;
                }
            }

            if (CanReadDirect)
            {
                return ToFrame(await ReadRestDirectAsync(cancellationToken).ConfigureAwait(false));
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the rest of a large payload can be read from the stream straight into its array: nothing is buffered,
    /// and the transport fills a payload.
    /// </summary>
    private bool CanReadDirect => _stream is not null && !_holding && !_transport.DirectReadTarget.IsEmpty;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TransportMessage> ReadRestDirectAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var target = _transport.DirectReadTarget;
            int read = await _stream!.ReadAsync(target.Slice(0, Math.Min(target.Length, PeerDefaults.DirectReadSize)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ProtocolException(ProtocolError.Truncated, $"the stream ended in the middle of a frame ({target.Length} bytes of its payload missing)");
            }

            if (_transport.Filled(read, out var message))
            {
                _readDirect = true;
                return message;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_readDirect)
        {
            // The pipe reader must not wait for the next bytes in a receive buffer (see LateReadiness).
            _readDirect = false;
            await LateReadiness.WaitForDataAsync(_stream!, _options.UseZeroByteReads, cancellationToken).ConfigureAwait(false);
        }

        var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        _buffer = result.Buffer;
        _completed = result.IsCompleted;
        _holding = true;
    }

    /// <summary>Hands the unread rest back to the pipe; false at the end of the stream.</summary>
    private bool Release()
    {
        long left = _buffer.Length + _transport.HeldBytes;
        _input.AdvanceTo(_buffer.Start, _buffer.End);
        _holding = false;
        if (!_completed)
        {
            return true;
        }

        if (left > 0)
        {
            throw new ProtocolException(ProtocolError.Truncated, $"the stream ended in the middle of a frame ({left} bytes left)");
        }

        return false;
    }

    private bool TryTake(out FramedMessage frame)
    {
        if (!_transport.TryRead(ref _buffer, out var message))
        {
            frame = default;
            return false;
        }

        frame = ToFrame(message);
        return true;
    }
}
