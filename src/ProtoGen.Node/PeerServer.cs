using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProtoGen.Node.Admission;
using ProtoGen.Node.Limits;
using ProtoGen.Node.Policy;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// Accepts inbound TCP connections and runs an inbound <see cref="Peer"/> on each, within the limits of its
/// <see cref="AdmissionOptions"/>: at most so many inbound peers (evicting one for a newcomer as Bitcoin Core does when
/// full), per-source handshake limits and rates, discouraged addresses refused or evicted first, and a reserve of file
/// descriptors. The accept loop survives every accept error with a back-off, never spinning. The caller owns the
/// listening address; the server owns the peers it creates and stops them when it stops.
/// </summary>
public sealed class PeerServer : IAsyncDisposable
{
    private readonly PeerConfig _config;
    private readonly IPEndPoint _bind;
    private readonly ILogger _logger;
    private readonly InboundAdmission _admission;
    private readonly ConcurrentDictionary<long, InboundConnection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly DescriptorBudget _descriptors;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Creates a server.</summary>
    /// <param name="config">The configuration of every inbound peer (its logger and clock serve the server too).</param>
    /// <param name="bind">The address and port to listen on (port 0: any free port).</param>
    /// <param name="admission">The admission limits; null: the defaults.</param>
    public PeerServer(PeerConfig config, IPEndPoint bind, AdmissionOptions? admission = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(bind);
        admission ??= new AdmissionOptions();
        admission.Validate();
        _config = config;
        _bind = bind;
        _logger = config.Logger ?? NullLogger.Instance;
        Admission = admission;
        _descriptors = new DescriptorBudget(admission.DescriptorReserve, TimeProvider.System);
        Metrics.NodeMetrics.Track(config.Budget);
        _admission = new InboundAdmission(admission, admission.Discouraged ?? new DiscouragedAddresses(), admission.Activity ?? new PeerActivity(), config.TimeProvider, _logger);
    }

    /// <summary>Called when a peer is admitted (before its handshake).</summary>
    public event Action<Peer>? PeerAccepted;

    /// <summary>Called when a peer has stopped, with why.</summary>
    public event Action<Peer, DisconnectReason>? PeerStopped;

    /// <summary>Called when an accepted connection is closed without a peer, with the remote address and why.</summary>
    public event Action<EndPoint?, AdmissionRefusal>? ConnectionRefused;

    /// <summary>The admission limits.</summary>
    public AdmissionOptions Admission { get; }

    /// <summary>The discouraged addresses consulted (<see cref="AdmissionOptions.Discouraged"/>, or the server's own).</summary>
    public DiscouragedAddresses Discouraged => _admission.Discouraged;

    /// <summary>When each peer last gave this node a new block or transaction (<see cref="AdmissionOptions.Activity"/>, or the server's own); eviction protects the most recent.</summary>
    public PeerActivity Activity => _admission.Activity;

    /// <summary>The bound address (valid after <see cref="Start"/>).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("the server has not started"));

    /// <summary>The peers currently running.</summary>
    public IReadOnlyCollection<Peer> Peers
    {
        get
        {
            var peers = new List<Peer>(_connections.Count);
            foreach (var connection in _connections.Values)
            {
                peers.Add(connection.Peer);
            }

            return peers;
        }
    }

    /// <summary>A snapshot of the admission counters (admitted, refused and evicted by reason, accept errors) and the state now.</summary>
    public AdmissionStats GetAdmissionStats()
    {
        int inbound = 0;
        foreach (var connection in _connections.Values)
        {
            if (connection.Peer.IsConnected)
            {
                inbound++;
            }
        }

        return _admission.Counters.Snapshot(inbound, _admission.Limits.PendingCount, Admission.MaxInbound);
    }

    /// <summary>Binds and starts accepting. Throws <see cref="SocketException"/> when the address is in use.</summary>
    public void Start()
    {
        var socket = new Socket(_bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(_bind);
            socket.Listen(Admission.ListenBacklog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        _admission.Discouraged.AddressDiscouraged += OnAddressDiscouraged;
        AdmissionLog.Listening(_logger, socket.LocalEndPoint?.ToString() ?? string.Empty, Admission.MaxInbound, Admission.ListenBacklog);
        var config = _config with { OnDisconnected = OnPeerStopped };
        var loop = new AcceptLoop(socket.AcceptAsync, accepted => Admit(accepted, config), ShedForDescriptors, _admission.Counters, _logger, TimeProvider.System);
        _acceptLoop = Task.Run(() => loop.RunAsync(_stop.Token));
    }

    /// <summary>Stops accepting, disconnects every peer and waits until they have stopped.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _admission.Discouraged.AddressDiscouraged -= OnAddressDiscouraged;
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        var peers = Peers;
        var waits = new List<Task>(peers.Count);
        foreach (var peer in peers)
        {
            peer.Disconnect(DisconnectKind.Requested, "server stopping");
            waits.Add(peer.WaitForDisconnectAsync());
        }

        await Task.WhenAll(waits).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void ShedForDescriptors()
    {
        var count = DescriptorBudget.Measure();
        int reserve = Math.Max(1, Admission.DescriptorReserve);
        if (count.IsKnown && count.Free >= reserve)
        {
            return; // Another process took the system's descriptors (ENFILE), or ours came back meanwhile.
        }

        // Unmeasured (not Linux) means at least one is needed; exhausted means the whole reserve is.
        int needed = count.IsKnown ? (int)(reserve - count.Free) : 1;
        AdmissionLog.Shedding(_logger, count.IsKnown ? count.Describe() : "not measured", needed);
        _admission.Shed(Connections(), needed, count.IsKnown ? count.Describe() + string.Create(CultureInfo.InvariantCulture, $", {reserve} kept") : "accept failed for want of file descriptors");
    }

    /// <summary>Admits or refuses an accepted connection; false when refused for want of file descriptors.</summary>
    private bool Admit(Socket socket, PeerConfig config)
    {
        _admission.Counters.Accepted();
        EndPoint? remote = null;
        try
        {
            remote = socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            // Reset before we looked: refused below as unknown.
        }

        if (remote is not IPEndPoint ip || _stop.IsCancellationRequested)
        {
            socket.Dispose();
            return true;
        }

        if (!_descriptors.HasHeadroom(out var count))
        {
            Refuse(socket, ip, AdmissionRefusal.DescriptorsLow, count.Describe() + string.Create(CultureInfo.InvariantCulture, $", {Admission.DescriptorReserve} kept"));
            return false;
        }

        var address = AddressGroups.Normalize(ip.Address);
        if (_admission.Decide(address, Connections(), out var ticket, out bool preferEvict, out string detail) is { } refusal)
        {
            Refuse(socket, ip, refusal, detail);
            return true;
        }

        socket.NoDelay = true;
        var peer = Peer.Inbound(config, new NetworkStream(socket, ownsSocket: true), ip);
        var connection = new InboundConnection(peer, address, _admission.KeyedNetGroup(address), preferEvict, ticket);
        _connections[peer.Id] = connection;
        _admission.Counters.Admitted();
        connection.WatchHandshake();
        try
        {
            PeerAccepted?.Invoke(peer);
        }
        catch (Exception e)
        {
            AdmissionLog.HandlerFailed(_logger, e);
        }
        finally
        {
            peer.Start();
        }

        return true;
    }

    private void Refuse(Socket socket, IPEndPoint remote, AdmissionRefusal reason, string detail)
    {
        // Counted and reported before the remote can see the connection close.
        _admission.Refused(remote, reason, detail);
        try
        {
            ConnectionRefused?.Invoke(remote, reason);
        }
        catch (Exception e)
        {
            AdmissionLog.HandlerFailed(_logger, e);
        }
        finally
        {
            socket.Dispose();
        }
    }

    private List<InboundConnection> Connections() => new(_connections.Values);

    private void OnAddressDiscouraged(IPAddress address)
    {
        // Bitcoin Core disconnects every peer at a discouraged address, not only the one that misbehaved.
        foreach (var connection in _connections.Values)
        {
            if (connection.Address.Equals(address) && connection.Peer.IsConnected)
            {
                AdmissionLog.DisconnectingDiscouraged(_logger, connection.Peer.Id, connection.Peer.RemoteEndPoint?.ToString() ?? string.Empty);
                connection.Peer.Disconnect(DisconnectKind.Misbehaving, "its address was discouraged");
            }
        }
    }

    private void OnPeerStopped(Peer peer, DisconnectReason reason)
    {
        if (_connections.TryRemove(peer.Id, out var connection))
        {
            connection.HandshakeEnded();
        }

        try
        {
            _config.OnDisconnected?.Invoke(peer, reason);
        }
        finally
        {
            PeerStopped?.Invoke(peer, reason);
        }
    }
}
