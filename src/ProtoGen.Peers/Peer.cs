using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Logging;
using ProtoGen.Peers.Metrics;
using ProtoGen.Peers.Protocol;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers;

/// <summary>
/// A Bitcoin peer over any caller-provided stream or duplex pipe. Below it a connection owns the pipes, one async
/// read loop and one async write loop (no thread of its own), the transport's framing and the send queue; the peer
/// above it performs the version handshake, answers pings and pings back, trickles inventory, detects stalls and
/// idleness, enforces the admission and bloom rules, keeps statistics, and hands every message to the configured
/// listener. Every public member is safe to call from any thread, including from inside listeners.
/// </summary>
/// <remarks>
/// Listeners run one after another on the read loop: they must not block (queue replies with
/// <see cref="QueueMessage(IMessage, TaskCompletionSource?, WireFlags?)"/>, never wait for them).
/// </remarks>
public sealed partial class Peer
{
    private static long s_nextId;

    private readonly PeerConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PeerScheduler _scheduler;
    private readonly NextDeadline _nextDeadline = new();
    private readonly SendQueue _queue;
    private readonly FlowControl _flow;
    private readonly Connection _connection;
    private readonly HandshakeState _handshake;
    private readonly KeepAlive _keepAlive;
    private readonly StallDetector _stalls;
    private readonly InventoryRelay _inventory;
    private readonly PeerStatistics _statistics;
    private readonly CoreRules _rules;
    private readonly TaskCompletionSource _handshakeDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _remoteText;
    private int _started;
    private int _disconnecting;
    private DisconnectReason? _disconnectReason;

    private Peer(PeerConfig config, PeerDirection direction, Stream? stream, IDuplexPipe? pipe, EndPoint? remoteEndPoint, bool tryV2)
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
        ConnectedAt = _time.GetUtcNow();

        _handshake = new HandshakeState(config.ProtocolVersion, _nextDeadline);
        _keepAlive = new KeepAlive(_time, config.PingInterval, config.PingTimeout, config.IdleTimeout, _nextDeadline);
        _stalls = new StallDetector(config.StallResponseTimeout, _nextDeadline);
        var trickle = config.TrickleInterval ?? (direction == PeerDirection.Outbound ? PeerDefaults.OutboundTrickleInterval : PeerDefaults.InboundTrickleInterval);
        _inventory = new InventoryRelay(config.KnownInventoryCapacity, config.MaxPendingInventory, trickle, _nextDeadline);
        _queue = new SendQueue(config.SendQueueCapacity);
        _flow = new FlowControl(config.Budget, config.MaxSendBuffer, _nextDeadline);
        _statistics = new PeerStatistics(config.MessageSets);
        _rules = new CoreRules(this);
        var options = new ConnectionOptions(
            config.MemoryPool ?? MemoryPool<byte>.Shared,
            config.ReceiveBufferSize,
            PeerDefaults.MinimumReadSize,
            config.SendBufferSize,
            PeerDefaults.FlushThreshold,
            config.DisposeStream,
            _time);
        _connection = new Connection(stream, pipe, options, TransportChoice.Create(config, direction, tryV2), new MessageRouter(this), _queue, _flow);
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

    /// <summary>The transport in use (<c>v1</c> or <c>v2</c>; an inbound peer shows <c>v2</c> until its first bytes say v1).</summary>
    public string TransportName => _connection.Transport.Name;

    /// <summary>The v2 session id in hex (equal on both ends: compare it out of band), once the v2 handshake is done; else null.</summary>
    public string? SessionId => _connection.Transport.SessionId is { IsEmpty: false } id ? Convert.ToHexStringLower(id.Span) : null;

    internal ILogger Logger => _logger;

    internal TimeProvider Time => _time;

    internal HandshakeState Handshake => _handshake;

    internal KeepAlive KeepAliveState => _keepAlive;

    internal StallDetector Stalls => _stalls;

    internal InventoryRelay Inventory => _inventory;

    internal PeerStatistics Statistics => _statistics;

    internal SendQueue Queue => _queue;

    internal CoreRules Rules => _rules;

    internal string RemoteText => _remoteText;

    /// <summary>The earliest time any component may have work: the scheduler passes over the peer until then.</summary>
    internal NextDeadline NextDeadline => _nextDeadline;

    /// <summary>The connection's loops, for tests that prove nothing is left running.</summary>
    internal (Task Read, Task Write) Loops => (_connection.ReadLoop, _connection.WriteLoop);

    /// <summary>Creates an outbound peer over a connected stream. Call <see cref="Start"/> to begin (it sends our version).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="stream">The connection (TCP, proxy, in-memory).</param>
    /// <param name="remoteEndPoint">The remote address, for statistics, logs and <see cref="PeerConfig.V1OnlyAddresses"/>.</param>
    /// <param name="remoteServices">
    /// What we know of the remote's services (for example from an address message): with
    /// <see cref="V2TransportMode.Preferred"/> the peer speaks v2 when they include NODE_P2P_V2 and the address is not
    /// known to be v1-only.
    /// </param>
    /// <param name="reconnectsOnV1Fallback">
    /// Whether the caller connects again when this peer ends with <see cref="DisconnectKind.V1Fallback"/>: then, with
    /// <see cref="V2TransportMode.Preferred"/>, v2 is also tried on a remote whose services are unknown (as Bitcoin Core
    /// does for the connections it is told to make). Otherwise such a remote is spoken to in v1.
    /// </param>
    public static Peer Outbound(PeerConfig config, Stream stream, EndPoint? remoteEndPoint = null, ServiceFlags? remoteServices = null, bool reconnectsOnV1Fallback = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(config);
        return new Peer(config, PeerDirection.Outbound, stream, null, remoteEndPoint, TransportChoice.ShouldTryV2(config, remoteEndPoint, remoteServices, reconnectsOnV1Fallback));
    }

    /// <summary>Creates an inbound peer over an accepted stream. Call <see cref="Start"/> to begin (it waits for the remote's version).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="stream">The connection.</param>
    /// <param name="remoteEndPoint">The remote address, for statistics and logs.</param>
    public static Peer Inbound(PeerConfig config, Stream stream, EndPoint? remoteEndPoint = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new Peer(config, PeerDirection.Inbound, stream, null, remoteEndPoint, tryV2: false);
    }

    /// <summary>Creates a peer over a duplex pipe (for example an in-memory pipe pair, or a transport of your own).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="direction">Who opened the connection.</param>
    /// <param name="pipe">The transport.</param>
    /// <param name="remoteEndPoint">The remote address, for statistics and logs.</param>
    /// <param name="remoteServices">For an outbound peer, what we know of the remote's services (see <see cref="Outbound"/>).</param>
    public static Peer Create(PeerConfig config, PeerDirection direction, IDuplexPipe pipe, EndPoint? remoteEndPoint = null, ServiceFlags? remoteServices = null)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(config);
        bool tryV2 = direction == PeerDirection.Outbound && TransportChoice.ShouldTryV2(config, remoteEndPoint, remoteServices);
        return new Peer(config, direction, null, pipe, remoteEndPoint, tryV2);
    }

    /// <summary>
    /// Connects over TCP to <paramref name="host"/>:<paramref name="port"/>, starts an outbound peer and returns it (the
    /// version handshake continues in the background). With <see cref="V2TransportMode.Preferred"/> it tries the v2
    /// transport first unless the address is in <see cref="PeerConfig.V1OnlyAddresses"/> or
    /// <paramref name="remoteServices"/> lacks NODE_P2P_V2, waits for the remote's key, and when the attempt fails by
    /// Bitcoin Core's rule (<see cref="DisconnectKind.V1Fallback"/>) connects again with v1 and returns that peer.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="host">The host name or address.</param>
    /// <param name="port">The port.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <param name="remoteServices">What we know of the remote's services, if anything.</param>
    public static async Task<Peer> ConnectAsync(PeerConfig config, string host, int port, CancellationToken cancellationToken = default, ServiceFlags? remoteServices = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        bool tryV2 = TransportChoice.ShouldTryV2(config, null, remoteServices, canReconnect: true);
        var peer = await ConnectOnceAsync(config, host, port, tryV2, cancellationToken).ConfigureAwait(false);
        if (!tryV2 || config.V2Transport != V2TransportMode.Preferred || peer.TransportName != "v2")
        {
            return peer;
        }

        // Wait for the remote's key: a v1-only remote closes on it instead, and is then tried again with v1.
        bool established;
        try
        {
            established = await peer._connection.WaitForTransportAsync(peer._stopped.Task, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            peer.Disconnect(DisconnectKind.Requested, "the connection attempt was cancelled");
            throw;
        }

        if (!established && peer.DisconnectReason?.Kind == DisconnectKind.V1Fallback)
        {
            peer = await ConnectOnceAsync(config, host, port, tryV2: false, cancellationToken).ConfigureAwait(false);
        }

        return peer;
    }

    private static async Task<Peer> ConnectOnceAsync(PeerConfig config, string host, int port, bool tryV2, CancellationToken cancellationToken)
    {
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

        var remote = socket.RemoteEndPoint;
        var peer = new Peer(config, PeerDirection.Outbound, new NetworkStream(socket, ownsSocket: true), null, remote, tryV2 && !config.V1OnlyAddresses.Contains(remote));
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
        _handshake.StartDeadline(now + _config.HandshakeTimeout);
        _keepAlive.Received(now);
        PeerMetrics.Connected(Direction, +1);
        PeerLog.Connected(_logger, Id, _remoteText, Direction);
        _scheduler.Register(this);
        if (Direction == PeerDirection.Outbound)
        {
            _rules.SendVersion();
        }

        _connection.Start();
    }

    /// <summary>
    /// Disconnects the peer with a reason. Idempotent and safe from any thread and from inside listeners: only the
    /// first reason is kept. Pending sends fail with <see cref="PeerDisconnectedException"/>.
    /// </summary>
    /// <param name="reason">Why; null means the application asked for it.</param>
    public void Disconnect(DisconnectReason? reason = null)
    {
        reason = TransportChoice.ExplainEnd(this, _connection, reason ?? new DisconnectReason(DisconnectKind.Requested, "disconnect requested"));
        if (Interlocked.CompareExchange(ref _disconnecting, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _disconnectReason, reason);
        if (reason.Kind == DisconnectKind.V1Fallback && RemoteEndPoint is { } remote)
        {
            _config.V1OnlyAddresses.Add(remote);
        }
        PeerLog.Disconnected(_logger, Id, _remoteText, reason);
        _scheduler.Unregister(this);
        _handshakeDone.TrySetException(new PeerDisconnectedException(reason));
        _ = _handshakeDone.Task.Exception; // observed: nobody may be waiting for it
        _connection.Abort();
        _ = Task.Run(StopAsync);
    }

    /// <summary>Disconnects with a reason of the given kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="detail">What happened.</param>
    public void Disconnect(DisconnectKind kind, string detail) => Disconnect(new DisconnectReason(kind, detail));

    /// <summary>Completes once the peer has stopped: both loops ended, the timer registration removed, the stream closed and every pending send completed.</summary>
    public Task WaitForDisconnectAsync() => _stopped.Task;

    /// <summary>
    /// Completes when the version handshake has finished and the listener has been given the remote's verack; faults
    /// with <see cref="PeerDisconnectedException"/> if the peer ends first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait (not the peer).</param>
    public Task WaitForHandshakeAsync(CancellationToken cancellationToken = default) => _handshakeDone.Task.WaitAsync(cancellationToken);

    /// <summary>The peer as text: id, address, direction.</summary>
    public override string ToString() => $"peer {Id} {_remoteText} ({Direction.ToString().ToLowerInvariant()})";

    /// <summary>The handshake completed (called once by the core rules).</summary>
    internal void HandshakeSucceeded() => _handshakeDone.TrySetResult();

    /// <summary>
    /// Called by the scheduler on a tick at or after <see cref="NextDeadline"/>: deadlines, keep-alive ping and
    /// inventory trickle; then the next deadline becomes the earliest time any component reports work due.
    /// </summary>
    /// <param name="now">The time.</param>
    internal void OnTick(DateTimeOffset now)
    {
        if (!IsConnected)
        {
            return;
        }

        // Reset first: whatever starts a deadline from here on (on another thread too) lowers it again.
        _nextDeadline.Reset();
        if (_flow.Check(now) is { } overBudget)
        {
            Disconnect(overBudget);
            return;
        }

        _rules.OnTick(now);
        if (!IsConnected)
        {
            return;
        }

        long due = Math.Min(_flow.NextDue(), _handshake.NextDue());
        due = Math.Min(due, _keepAlive.NextDue());
        due = Math.Min(due, _stalls.NextDue());
        due = Math.Min(due, _inventory.NextDue());
        _nextDeadline.Lower(due);
    }

    private async Task StopAsync()
    {
        try
        {
            var error = new PeerDisconnectedException(_disconnectReason);
            await _connection.StopAsync(error).ConfigureAwait(false);
            _queue.FailPending(error);
            _keepAlive.FailWaiters(error);
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
}
