using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tracing;

namespace ProtoGen.Node;

/// <summary>
/// A node composed from the parts of this package: a <see cref="ChainStore"/> served by a <see cref="ChainServer"/>,
/// a <see cref="PeerServer"/> for inbound peers, outbound peers kept connected to configured addresses and synced
/// headers-first, and the application's listeners on every peer. <see cref="StartAsync"/> and <see cref="StopAsync"/>
/// match a host's lifecycle: stopping lets every peer finish what it was sending (bounded by the caller's token), then
/// disconnects all of them and waits until they have stopped.
/// </summary>
public sealed class BitcoinNode : IAsyncDisposable
{
    private readonly BitcoinNodeSettings _settings;
    private readonly PeerConfig _config;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Peer> _outbound = new();
    private readonly ConcurrentDictionary<long, Peer> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<OutboundConnection> _connections = [];
    private PeerServer? _server;
    private int _state; // 0 new, 1 started, 2 stopping

    /// <summary>Creates a node; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="settings">What to run.</param>
    public BitcoinNode(BitcoinNodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(settings.Peer);
        _settings = settings;
        _logger = settings.Logger ?? NullLogger.Instance;
        Chain = settings.Chain ?? new ChainStore(settings.Peer.Network);
        if (Chain.Network != settings.Peer.Network)
        {
            throw new ArgumentException($"the chain is on {Chain.Network.Name} but the peers on {settings.Peer.Network.Name}", nameof(settings));
        }

        ChainServer = new ChainServer(Chain);
        Metrics.NodeMetrics.Track(settings.Peer.Budget);
        var chain = Chain;
        _config = settings.Peer with
        {
            StartHeight = settings.Peer.StartHeight ?? (() => chain.Height),
            Listener = ComposeListeners(null),
        };
    }

    /// <summary>The chain served and extended.</summary>
    public ChainStore Chain { get; }

    /// <summary>The chain server every peer's messages go through first.</summary>
    public ChainServer ChainServer { get; }

    /// <summary>The settings.</summary>
    public BitcoinNodeSettings Settings => _settings;

    /// <summary>Whether the node is accepting inbound peers.</summary>
    public bool IsListening => _server is not null && Volatile.Read(ref _state) == 1;

    /// <summary>The bound address of the inbound listener (null when the node does not listen or has not started; kept after it stops).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>The peers running now, inbound and outbound (a peer leaves once it has stopped completely).</summary>
    public IReadOnlyCollection<Peer> Peers
    {
        get
        {
            var peers = new List<Peer>(_running.Count);
            foreach (var peer in _running.Values)
            {
                if (!peer.WaitForDisconnectAsync().IsCompleted)
                {
                    peers.Add(peer);
                }
            }

            return peers;
        }
    }

    /// <summary>The peers running now whose version handshake has completed.</summary>
    public int HandshakenPeerCount
    {
        get
        {
            int count = 0;
            foreach (var peer in Peers)
            {
                if (peer.IsConnected && peer.IsHandshakeComplete)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>What the peers' budget (<see cref="PeerConfig.Budget"/> of <see cref="BitcoinNodeSettings.Peer"/>) holds now and has held at most.</summary>
    public PeerBudgetStats GetBudgetStats() => _config.Budget.GetStats();

    /// <summary>The inbound admission counters; null when the node does not listen or has not started.</summary>
    public Admission.AdmissionStats? GetAdmissionStats() => _server?.GetAdmissionStats();

    /// <summary>Raised when a peer starts (inbound: accepted; outbound: connected), before its handshake.</summary>
    public event Action<Peer>? PeerStarted;

    /// <summary>Raised when a peer has stopped, with why.</summary>
    public event Action<Peer, DisconnectReason>? PeerStopped;

    /// <summary>Raised after each completed sync from an outbound peer.</summary>
    public event Action<Peer, SyncResult>? Synced;

    /// <summary>
    /// Starts listening (when <see cref="BitcoinNodeSettings.Listen"/> is set) and connecting to the outbound
    /// addresses; returns once the listener is bound, without waiting for any peer.
    /// </summary>
    /// <param name="cancellationToken">Not used: starting does not wait.</param>
    /// <exception cref="System.Net.Sockets.SocketException">The listening address is in use or not available.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the node has already been started");
        }

        if (_settings.Listen is { } listen)
        {
            var server = new PeerServer(_config with { OnDisconnected = OnInboundStopped }, listen, _settings.Admission);
            server.PeerAccepted += OnStarted;
            server.Start();
            _server = server;
            LocalEndPoint = server.LocalEndPoint;
            NodeLog.Listening(_logger, server.LocalEndPoint.ToString(), Chain.Network.Name, Chain.Height);
        }

        foreach (var address in _settings.Connect)
        {
            var connection = new OutboundConnection(this, address);
            _connections.Add(connection);
            connection.Start(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the node: no new connections; every running peer first drains (its send queue empties and a ping round
    /// trip confirms the remote read it) until <paramref name="cancellationToken"/> fires, then every peer is
    /// disconnected (Requested) and awaited. Idempotent; concurrent calls wait for the first.
    /// </summary>
    /// <param name="cancellationToken">Ends the draining (for example the host's shutdown timeout); disconnecting still completes.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        int previous = Interlocked.Exchange(ref _state, 2);
        if (previous == 2)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            _stopping.Cancel();
            var loops = new List<Task>(_connections.Count);
            foreach (var connection in _connections)
            {
                loops.Add(connection.Completion);
            }

            await Task.WhenAll(loops).ConfigureAwait(false);
            var peers = Peers;
            NodeLog.Stopping(_logger, peers.Count);
            var drains = new List<Task<bool>>(peers.Count);
            foreach (var peer in peers)
            {
                drains.Add(PeerDrain.DrainAsync(peer, _config.TimeProvider, cancellationToken));
            }

            var drained = await Task.WhenAll(drains).ConfigureAwait(false);
            if (_server is { } server)
            {
                await server.StopAsync().ConfigureAwait(false);
            }

            var waits = new List<Task>();
            foreach (var peer in _outbound.Values)
            {
                peer.Disconnect(DisconnectKind.Requested, "node stopping");
                waits.Add(peer.WaitForDisconnectAsync());
            }

            await Task.WhenAll(waits).ConfigureAwait(false);

            // Inbound peers that ended on their own just before may still be finishing: none outlives the node.
            var finishing = new List<Task>();
            foreach (var peer in _running.Values)
            {
                finishing.Add(peer.WaitForDisconnectAsync());
            }

            await Task.WhenAll(finishing).ConfigureAwait(false);
            int ok = Array.FindAll(drained, d => d).Length;
            NodeLog.Stopped(_logger, ok, drained.Length - ok);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) != 0)
        {
            await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        }

        if (_server is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>The listener of one peer: chain server, then the node's extra listener (a sync), then the application's.</summary>
    internal IBitcoinListener<Peer> ComposeListeners(IBitcoinListener<Peer>[]? node)
    {
        var listeners = new List<IBitcoinListener<Peer>> { ChainServer };
        if (node is not null)
        {
            listeners.AddRange(node);
        }

        listeners.AddRange(_settings.Listeners);
        if (_settings.Peer.Listener is { } configured)
        {
            listeners.Add(configured);
        }

        return new BitcoinListenerGroup<Peer>([.. listeners]);
    }

    /// <summary>The configuration of an outbound peer with its own listener group.</summary>
    internal PeerConfig OutboundConfig(IBitcoinListener<Peer>[] node) =>
        _config with { Listener = ComposeListeners(node), OnDisconnected = OnOutboundStopped };

    internal ILogger Logger => _logger;

    internal TimeProvider Time => _config.TimeProvider;

    internal TimeSpan ReconnectDelay => _settings.ReconnectDelay;

    internal bool SyncOutbound => _settings.Sync;

    /// <summary>Registers a connected outbound peer and starts it; false when the node is stopping (the peer is then disconnected).</summary>
    internal bool StartOutbound(Peer peer)
    {
        _outbound[peer.Id] = peer;
        OnStarted(peer);
        peer.Start();
        if (Volatile.Read(ref _state) == 2)
        {
            peer.Disconnect(DisconnectKind.Requested, "node stopping");
            return false;
        }

        return true;
    }

    internal void OnSynced(Peer peer, SyncResult result)
    {
        NodeLog.Synced(_logger, peer.Id, result.HeadersReceived, result.BlocksReceived, result.Height, result.Tip.ToString());
        Raise(() => Synced?.Invoke(peer, result));
    }

    private void OnStarted(Peer peer)
    {
        _running[peer.Id] = peer;
        _ = peer.WaitForDisconnectAsync().ContinueWith(_ => _running.TryRemove(peer.Id, out Peer? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        PeerTracing.TraceHandshake(peer);
        Raise(() => PeerStarted?.Invoke(peer));
    }

    private void OnInboundStopped(Peer peer, DisconnectReason reason) => OnStopped(peer, reason);

    private void OnOutboundStopped(Peer peer, DisconnectReason reason)
    {
        _outbound.TryRemove(peer.Id, out _);
        OnStopped(peer, reason);
    }

    private void OnStopped(Peer peer, DisconnectReason reason)
    {
        _settings.Peer.OnDisconnected?.Invoke(peer, reason);
        Raise(() => PeerStopped?.Invoke(peer, reason));
    }

    private void Raise(Action raise)
    {
        try
        {
            raise();
        }
        catch (Exception e)
        {
            NodeLog.HandlerFailed(_logger, e);
        }
    }
}
