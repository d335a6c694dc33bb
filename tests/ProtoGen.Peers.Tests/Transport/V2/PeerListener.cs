using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// A loopback listener that starts a <see cref="Peers.Peer.Inbound"/> with a given configuration for every connection
/// it accepts (a v1-only node when its configuration has v2 off), for tests of outbound connections made with
/// <see cref="Peers.Peer.ConnectAsync"/> or <see cref="Peers.Peer.Outbound"/>.
/// </summary>
internal sealed class PeerListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly PeerConfig _config;
    private readonly Channel<Peers.Peer> _accepted = Channel.CreateUnbounded<Peers.Peer>();
    private readonly List<Peers.Peer> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PeerListener(PeerConfig config)
    {
        _config = config;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>How many connections were accepted so far.</summary>
    public int Accepted
    {
        get
        {
            lock (_all)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>The next inbound peer, in the order accepted.</summary>
    public async Task<Peers.Peer> NextAsync() => await _accepted.Reader.ReadAsync().AsTask().WaitAsync(PeerPair.Timeout);

    /// <summary>Dials the listener and returns a started outbound peer over that socket.</summary>
    public async Task<Peers.Peer> DialAsync(PeerConfig config, bool reconnectsOnV1Fallback)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(EndPoint).WaitAsync(PeerPair.Timeout);
        var peer = Peers.Peer.Outbound(config, new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint, reconnectsOnV1Fallback: reconnectsOnV1Fallback);
        peer.Start();
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop.WaitAsync(PeerPair.Timeout);
        Peers.Peer[] peers;
        lock (_all)
        {
            peers = [.. _all];
        }

        foreach (var peer in peers)
        {
            peer.Disconnect();
        }

        await Task.WhenAll(peers.Select(p => p.WaitForDisconnectAsync())).WaitAsync(PeerPair.Timeout);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                var peer = Peers.Peer.Inbound(_config, new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint);
                lock (_all)
                {
                    _all.Add(peer);
                }

                peer.Start();
                _accepted.Writer.TryWrite(peer);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
