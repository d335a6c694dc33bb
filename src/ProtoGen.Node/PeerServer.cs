using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// Accepts inbound TCP connections and runs an inbound <see cref="Peer"/> on each. The caller owns the listening
/// address; the server owns the peers it creates and stops them when it stops.
/// </summary>
public sealed class PeerServer : IAsyncDisposable
{
    private readonly PeerConfig _config;
    private readonly IPEndPoint _bind;
    private readonly ConcurrentDictionary<long, Peer> _peers = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Creates a server.</summary>
    /// <param name="config">The configuration of every inbound peer.</param>
    /// <param name="bind">The address and port to listen on (port 0: any free port).</param>
    public PeerServer(PeerConfig config, IPEndPoint bind)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(bind);
        _config = config;
        _bind = bind;
    }

    /// <summary>Called when a peer is accepted (before its handshake).</summary>
    public event Action<Peer>? PeerAccepted;

    /// <summary>Called when a peer has stopped, with why.</summary>
    public event Action<Peer, DisconnectReason>? PeerStopped;

    /// <summary>The bound address (valid after <see cref="Start"/>).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("the server has not started"));

    /// <summary>The peers currently running.</summary>
    public IReadOnlyCollection<Peer> Peers => new List<Peer>(_peers.Values);

    /// <summary>Binds and starts accepting. Throws <see cref="SocketException"/> when the address is in use.</summary>
    public void Start()
    {
        var socket = new Socket(_bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(_bind);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        var config = _config with { OnDisconnected = OnPeerStopped };
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            var peer = Peer.Inbound(config, new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint);
            _peers[peer.Id] = peer;
            try
            {
                PeerAccepted?.Invoke(peer);
            }
            finally
            {
                peer.Start();
            }
        }
    }

    private void OnPeerStopped(Peer peer, DisconnectReason reason)
    {
        _peers.TryRemove(peer.Id, out _);
        _config.OnDisconnected?.Invoke(peer, reason);
        PeerStopped?.Invoke(peer, reason);
    }

    /// <summary>Stops accepting, disconnects every peer and waits until they have stopped.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        var peers = new List<Peer>(_peers.Values);
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
}
