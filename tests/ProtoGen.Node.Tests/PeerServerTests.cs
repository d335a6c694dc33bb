using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests;

/// <summary>
/// <see cref="PeerServer"/> over real loopback TCP: it accepts connections as started inbound peers, reports them
/// (<see cref="PeerServer.PeerAccepted"/>, <see cref="PeerServer.PeerStopped"/>, <see cref="PeerServer.Peers"/>), and
/// <see cref="PeerServer.StopAsync"/> ends every peer and waits for them.
/// </summary>
public class PeerServerTests
{
    private const int Clients = 3;

    [Fact]
    public async Task Accepted_peers_are_reported_listed_while_running_and_dropped_with_their_reason_when_stopped()
    {
        await using var server = new Server();
        var clients = await server.ConnectClientsAsync(Clients);
        try
        {
            // Each accepted peer was reported once, inbound, before its handshake, and is listed while it runs.
            var peers = await server.PeersByClientAsync(Clients);
            Assert.Equal(Clients, server.Accepted.Count);
            Assert.All(server.Accepted, a => Assert.False(a.HandshakeCompleteWhenAccepted));
            Assert.Equal(server.Accepted.Select(a => a.Peer.Id).Order(), server.PeerServer.Peers.Select(p => p.Id).Order());
            Assert.All(server.PeerServer.Peers, p => Assert.True(p.IsInbound && p.IsConnected && p.IsHandshakeComplete));
            Assert.Equal(Enumerable.Range(0, Clients).Select(Agent), peers.Keys.Order());
            Assert.Empty(server.Stopped);

            // The server ends one peer: once it has stopped, the event has reported it with its reason and the list has lost it.
            var ended = peers[Agent(1)];
            var reason = new DisconnectReason(DisconnectKind.Requested, "pinned by the test");
            ended.Disconnect(reason);
            await ended.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
            var stopped = Assert.Single(server.Stopped);
            Assert.Same(ended, stopped.Peer);
            Assert.Same(reason, stopped.Reason);
            Assert.Equal([reason], server.ConfigCallbacks);
            Assert.DoesNotContain(server.PeerServer.Peers, p => p.Id == ended.Id);
            Assert.Equal(Clients - 1, server.PeerServer.Peers.Count);

            // The client at the other end sees the connection close; the other peers are undisturbed.
            await clients[1].WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
            Assert.True(clients[0].IsConnected && clients[2].IsConnected);
            Assert.True(peers[Agent(0)].IsConnected && peers[Agent(2)].IsConnected);

            // A remote that hangs up: its peer stops as RemoteClosed and leaves the list.
            clients[2].Disconnect();
            await peers[Agent(2)].WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
            var hungUp = server.Stopped.Single(s => s.Peer == peers[Agent(2)]).Reason;
            Assert.Equal(new DisconnectReason(DisconnectKind.RemoteClosed, "the remote closed the connection"), hungUp);
            Assert.Same(peers[Agent(2)].DisconnectReason, hungUp);
            Assert.Equal([peers[Agent(0)].Id], server.PeerServer.Peers.Select(p => p.Id));
        }
        finally
        {
            await DisconnectAsync(clients);
        }
    }

    [Fact]
    public async Task StopAsync_disconnects_every_peer_as_requested_waits_for_them_and_is_idempotent()
    {
        var server = new Server();
        var clients = await server.ConnectClientsAsync(Clients);
        try
        {
            var peers = (await server.PeersByClientAsync(Clients)).Values.ToList();

            await server.PeerServer.StopAsync().WaitAsync(NodeTestConfig.Timeout);

            // When it returns, every peer has stopped, with the server's reason, and has been reported.
            var expected = new DisconnectReason(DisconnectKind.Requested, "server stopping");
            Assert.All(peers, p =>
            {
                // WaitForDisconnectAsync completes only once both of the peer's loops have ended (the peer tests
                // check the loops themselves): a stopped peer has nothing left running.
                Assert.True(p.WaitForDisconnectAsync().IsCompletedSuccessfully);
                Assert.False(p.IsConnected);
                Assert.Equal(expected, p.DisconnectReason);
            });
            Assert.Empty(server.PeerServer.Peers);
            Assert.Equal(peers.Select(p => p.Id).Order(), server.Stopped.Select(s => s.Peer.Id).Order());
            Assert.All(server.Stopped, s => Assert.Equal(expected, s.Reason));
            Assert.Equal(Clients, server.ConfigCallbacks.Count);

            // The clients see their connections close.
            await Task.WhenAll(clients.Select(c => c.WaitForDisconnectAsync())).WaitAsync(NodeTestConfig.Timeout);

            // Again: nothing more happens, and it returns at once.
            var again = server.PeerServer.StopAsync();
            Assert.True(again.IsCompletedSuccessfully);
            await server.PeerServer.DisposeAsync();
            Assert.Equal(Clients, server.Stopped.Count);
            Assert.Equal(Clients, server.Accepted.Count);
        }
        finally
        {
            await DisconnectAsync(clients);
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stopped_server_refuses_new_connections()
    {
        await using var server = new Server();
        var port = server.PeerServer.LocalEndPoint.Port;
        var clients = await server.ConnectClientsAsync(1);
        await server.PeersByClientAsync(1);
        await DisconnectAsync(clients);

        await server.PeerServer.StopAsync().WaitAsync(NodeTestConfig.Timeout);

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NodeTestConfig.Timeout));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Single(server.Accepted);
        Assert.Empty(server.PeerServer.Peers);
    }

    [Fact]
    public async Task StopAsync_on_a_server_without_peers_returns()
    {
        await using var server = new Server();

        await server.PeerServer.StopAsync().WaitAsync(NodeTestConfig.Timeout);

        Assert.Empty(server.PeerServer.Peers);
        Assert.Empty(server.Accepted);
        Assert.Empty(server.Stopped);
    }

    private static string Agent(int client) => $"/PinClient{client}:1.0/";

    private static async Task DisconnectAsync(IEnumerable<Peer> peers)
    {
        foreach (var peer in peers)
        {
            peer.Disconnect();
        }

        await Task.WhenAll(peers.Select(p => p.WaitForDisconnectAsync())).WaitAsync(NodeTestConfig.Timeout);
    }

    /// <summary>
    /// A started <see cref="PeerServer"/> on 127.0.0.1 (any free port) that records its events. Peers on both sides
    /// run on a fake clock that never moves, so nothing but the test's own actions crosses the connections.
    /// </summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(Peer Peer, bool HandshakeCompleteWhenAccepted)> _accepted = new();
        private readonly ConcurrentQueue<(Peer Peer, DisconnectReason Reason)> _stopped = new();
        private readonly ConcurrentQueue<DisconnectReason> _configCallbacks = new();
        private readonly ManualTimeProvider _time;
        private readonly PeerScheduler _scheduler;

        public Server()
        {
            (_time, _scheduler) = NodeTestConfig.FakeClock();
            var config = NodeTestConfig.Create(time: _time, scheduler: _scheduler) with { OnDisconnected = (_, reason) => _configCallbacks.Enqueue(reason) };
            PeerServer = new PeerServer(config, new IPEndPoint(IPAddress.Loopback, 0));
            PeerServer.PeerAccepted += peer => _accepted.Enqueue((peer, peer.IsHandshakeComplete));
            PeerServer.PeerStopped += (peer, reason) => _stopped.Enqueue((peer, reason));
            PeerServer.Start();
        }

        public PeerServer PeerServer { get; }

        public IReadOnlyList<(Peer Peer, bool HandshakeCompleteWhenAccepted)> Accepted => [.. _accepted];

        public IReadOnlyList<(Peer Peer, DisconnectReason Reason)> Stopped => [.. _stopped];

        /// <summary>What the configuration's own OnDisconnected saw (the server calls it before its event).</summary>
        public IReadOnlyList<DisconnectReason> ConfigCallbacks => [.. _configCallbacks];

        /// <summary>Connects <paramref name="count"/> outbound peers, each with its own user agent (<see cref="Agent"/>), and waits for their handshakes.</summary>
        public async Task<List<Peer>> ConnectClientsAsync(int count)
        {
            var clients = new List<Peer>();
            for (int i = 0; i < count; i++)
            {
                var config = NodeTestConfig.Create(time: _time, scheduler: _scheduler) with { UserAgentName = $"PinClient{i}", UserAgentVersion = "1.0" };
                clients.Add(await Peer.ConnectAsync(config, "127.0.0.1", PeerServer.LocalEndPoint.Port).WaitAsync(NodeTestConfig.Timeout));
            }

            await Task.WhenAll(clients.Select(c => c.WaitForHandshakeAsync())).WaitAsync(NodeTestConfig.Timeout);
            return clients;
        }

        /// <summary>Waits until <paramref name="count"/> server-side peers have completed their handshakes; returns them by their client's user agent.</summary>
        public async Task<Dictionary<string, Peer>> PeersByClientAsync(int count)
        {
            await Poll.UntilAsync(() => Accepted.Count == count, $"{count} peers accepted (now {Accepted.Count})");
            var peers = Accepted.Select(a => a.Peer).ToList();
            await Task.WhenAll(peers.Select(p => p.WaitForHandshakeAsync())).WaitAsync(NodeTestConfig.Timeout);
            return peers.ToDictionary(p => p.RemoteVersion!.UserAgent!);
        }

        public async ValueTask DisposeAsync() => await PeerServer.DisposeAsync();
    }
}
