using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>
/// A Bitcoin peer over any caller-provided stream or duplex pipe: one async reader loop and one async writer loop,
/// no thread of its own. It performs the version handshake, answers pings and pings back, trickles inventory, detects
/// stalls and idleness, enforces the bloom-filter rules, keeps statistics, and hands every message to the configured
/// listener. Every public member is safe to call from any thread, including from inside listeners.
/// </summary>
/// <remarks>
/// Listeners run one after another on the reader loop: they must not block (queue replies with
/// <see cref="QueueMessage(IMessage, TaskCompletionSource?, WireFlags?)"/>, never wait for them).
/// </remarks>
public sealed partial class Peer
{
    private static long s_nextId;

    private readonly PeerConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PeerScheduler _scheduler;
    private readonly Stream? _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly CoreListener _core;
    private readonly Channel<Outgoing> _sendQueue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly string _remoteText;
    private int _started;
    private int _disconnecting;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private DisconnectReason? _disconnectReason;

    private Peer(PeerConfig config, PeerDirection direction, Stream? stream, IDuplexPipe? pipe, EndPoint? remoteEndPoint)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _logger = config.Logger ?? NullLogger.Instance;
        _time = config.TimeProvider;
        _scheduler = config.Scheduler ?? PeerScheduler.GetShared(_time);
        Id = Interlocked.Increment(ref s_nextId);
        Direction = direction;
        RemoteEndPoint = remoteEndPoint;
        _remoteText = remoteEndPoint?.ToString() ?? "(stream)";
        _core = new CoreListener(this);
        if (stream is not null)
        {
            _stream = stream;
            var pool = config.MemoryPool ?? MemoryPool<byte>.Shared;
            _input = PipeReader.Create(stream, new StreamPipeReaderOptions(pool, bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
            _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(pool, minimumBufferSize: 16 * 1024, leaveOpen: true));
        }
        else
        {
            _input = pipe!.Input;
            _output = pipe.Output;
        }

        ConnectedAt = _time.GetUtcNow();
        _lastReceive = ConnectedAt;
        _trickleInterval = config.TrickleInterval ?? (direction == PeerDirection.Outbound ? PeerDefaults.OutboundTrickleInterval : PeerDefaults.InboundTrickleInterval);
        _knownInventory = new KnownInventory(config.KnownInventoryCapacity);
        _negotiatedVersion = config.ProtocolVersion;
    }

    /// <summary>A process-unique id.</summary>
    public long Id { get; }

    /// <summary>Who opened the connection.</summary>
    public PeerDirection Direction { get; }

    /// <summary>Whether the remote connected to us.</summary>
    public bool IsInbound => Direction == PeerDirection.Inbound;

    /// <summary>The remote address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>When the peer was created.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The configuration.</summary>
    public PeerConfig Config => _config;

    /// <summary>Whether the peer has not been disconnected.</summary>
    public bool IsConnected => Volatile.Read(ref _disconnecting) == 0;

    /// <summary>Why the peer ended, once it has.</summary>
    public DisconnectReason? DisconnectReason => Volatile.Read(ref _disconnectReason);

    /// <summary>Completes when the version handshake has finished; faults with <see cref="PeerDisconnectedException"/> if the peer ends first.</summary>
    public Task HandshakeCompleted => _handshake.Task;

    /// <summary>Creates an outbound peer over a connected stream. Call <see cref="Start"/> to begin (it sends our version).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="stream">The connection (TCP, proxy, in-memory).</param>
    /// <param name="remoteEndPoint">The remote address, for statistics and logs.</param>
    public static Peer Outbound(PeerConfig config, Stream stream, EndPoint? remoteEndPoint = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new Peer(config, PeerDirection.Outbound, stream, null, remoteEndPoint);
    }

    /// <summary>Creates an inbound peer over an accepted stream. Call <see cref="Start"/> to begin (it waits for the remote's version).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="stream">The connection.</param>
    /// <param name="remoteEndPoint">The remote address, for statistics and logs.</param>
    public static Peer Inbound(PeerConfig config, Stream stream, EndPoint? remoteEndPoint = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new Peer(config, PeerDirection.Inbound, stream, null, remoteEndPoint);
    }

    /// <summary>Creates a peer over a duplex pipe (for example an in-memory pipe pair, or a transport of your own).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="direction">Who opened the connection.</param>
    /// <param name="pipe">The transport.</param>
    /// <param name="remoteEndPoint">The remote address, for statistics and logs.</param>
    public static Peer Create(PeerConfig config, PeerDirection direction, IDuplexPipe pipe, EndPoint? remoteEndPoint = null)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        return new Peer(config, direction, null, pipe, remoteEndPoint);
    }

    /// <summary>Connects over TCP to <paramref name="host"/>:<paramref name="port"/>, starts an outbound peer and returns it (the handshake continues in the background).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="host">The host name or address.</param>
    /// <param name="port">The port.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    public static async Task<Peer> ConnectAsync(PeerConfig config, string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var peer = Outbound(config, new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint);
        peer.Start();
        return peer;
    }

    /// <summary>Starts the reader and writer loops and the timers; an outbound peer sends its version at once. Call once.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the peer has already been started");
        }

        if (!IsConnected)
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            _handshakeDeadline = now + _config.HandshakeTimeout;
            _lastReceive = now;
        }

        PeerMetrics.Connected(Direction, +1);
        PeerLog.Connected(_logger, Id, _remoteText, Direction);
        _scheduler.Register(this);
        if (Direction == PeerDirection.Outbound)
        {
            SendVersion();
        }

        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Disconnects the peer with a reason. Idempotent and safe from any thread and from inside listeners: only the
    /// first reason is kept. Pending sends fail with <see cref="PeerDisconnectedException"/>.
    /// </summary>
    /// <param name="reason">Why; null means the application asked for it.</param>
    public void Disconnect(DisconnectReason? reason = null)
    {
        reason ??= new DisconnectReason(DisconnectKind.Requested, "disconnect requested");
        if (Interlocked.CompareExchange(ref _disconnecting, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _disconnectReason, reason);
        PeerLog.Disconnected(_logger, Id, _remoteText, reason);
        _scheduler.Unregister(this);
        _handshake.TrySetException(new PeerDisconnectedException(reason));
        _ = _handshake.Task.Exception; // observed: nobody may be waiting for it
        _sendQueue.Writer.TryComplete();
        _shutdown.Cancel();
        if (_stream is null)
        {
            _input.CancelPendingRead();
        }

        _ = Task.Run(StopAsync);
    }

    /// <summary>Disconnects with a reason of the given kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="detail">What happened.</param>
    public void Disconnect(DisconnectKind kind, string detail) => Disconnect(new DisconnectReason(kind, detail));

    /// <summary>Completes once the peer has stopped: both loops ended, the timer registration removed, the stream closed and every pending send completed.</summary>
    public Task WaitForDisconnectAsync() => _stopped.Task;

    /// <summary>Waits for the handshake, with a cancellation token.</summary>
    /// <param name="cancellationToken">Cancels the wait (not the peer).</param>
    public Task WaitForHandshakeAsync(CancellationToken cancellationToken = default) => _handshake.Task.WaitAsync(cancellationToken);

    private async Task StopAsync()
    {
        try
        {
            if (_stream is not null && _config.DisposeStream)
            {
                // Unblocks a read or write the stream would not cancel.
                await _stream.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The loops end with these on shutdown; nothing to report.
            }

            await _input.CompleteAsync().ConfigureAwait(false);
            try
            {
                // A stream writer completed without an error flushes what is still buffered to the stream, which is
                // closed (or whose remote stopped reading) by now: that throws, skips the rest of this shutdown and
                // keeps the pooled buffers. Completing it with an error discards those bytes and returns the buffers.
                await _output.CompleteAsync(_stream is null ? null : new PeerDisconnectedException(_disconnectReason)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The transport is gone; nothing left to write.
            }

            FailPendingSends();
            FailPingWaiters();
            _shutdown.Dispose();
            if (Volatile.Read(ref _started) != 0)
            {
                PeerMetrics.Connected(Direction, -1);
            }

            PeerMetrics.Disconnected(_disconnectReason!.Kind);
            try
            {
                _config.OnDisconnected?.Invoke(this, _disconnectReason!);
            }
            catch (Exception e)
            {
                PeerLog.CallbackFailed(_logger, Id, e);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>The peer as text: id, address, direction.</summary>
    public override string ToString() => $"peer {Id} {_remoteText} ({Direction.ToString().ToLowerInvariant()})";
}
