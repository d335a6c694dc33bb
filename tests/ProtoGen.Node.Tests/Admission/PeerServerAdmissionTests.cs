using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Node.Admission;
using ProtoGen.Node.Metrics;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Admission;

/// <summary>
/// <see cref="PeerServer"/> admission over loopback TCP, with every peer on one fake clock that never moves (so
/// connection times tie and eviction order follows the order of arrival): the inbound limit with Core's eviction
/// choice, refusal when every peer is protected, per-source incomplete handshakes (loopback exempt unless asked),
/// discouraged addresses, and the counters.
/// </summary>
public class PeerServerAdmissionTests
{
    [Fact]
    public async Task Beyond_the_inbound_limit_a_newcomer_evicts_the_one_unprotected_peer_and_the_protected_survive()
    {
        // 22 peers in one (local) group: the fixed rules protect 20 (the 12 youngest by group and ping, the 8 oldest by
        // transactions and blocks), uptime the older of the last two: the 10th to arrive is the one to go.
        await using var server = new Server(new AdmissionOptions { MaxInbound = 22 });
        var clients = await server.ConnectClientsAsync(22);

        var newcomer = await server.ConnectClientsAsync(1);
        var evicted = server.Accepted[9];
        var reason = await evicted.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout).ContinueWith(_ => evicted.DisconnectReason!);

        Assert.Equal(DisconnectKind.Evicted, reason.Kind);
        Assert.StartsWith("evicted: 22 of 22 inbound slots taken; making room for 127.0.0.1", reason.Detail, StringComparison.Ordinal);
        Assert.All(server.Accepted.Where(p => p != evicted), p => Assert.True(p.IsConnected));
        Assert.True(newcomer[0].IsConnected);
        var stats = server.PeerServer.GetAdmissionStats();
        Assert.Equal(1, stats.Evicted[EvictionReason.InboundFull]);
        Assert.Equal(23, stats.Admitted);
        Assert.Equal(22, stats.Inbound);
        Assert.Equal(0, stats.RefusedTotal);
        await server.DisconnectAsync(clients.Concat(newcomer));
    }

    [Fact]
    public async Task A_peer_that_recently_gave_us_a_new_block_is_protected_from_eviction()
    {
        await using var server = new Server(new AdmissionOptions { MaxInbound = 22 });
        var clients = await server.ConnectClientsAsync(22);
        server.PeerServer.Activity.BlockReceived(server.Accepted[9]);

        var newcomer = await server.ConnectClientsAsync(1);
        await server.Accepted[8].WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);

        Assert.Equal(DisconnectKind.Evicted, server.Accepted[8].DisconnectReason!.Kind);
        Assert.True(server.Accepted[9].IsConnected);
        await server.DisconnectAsync(clients.Concat(newcomer));
    }

    [Fact]
    public async Task When_every_peer_is_protected_a_newcomer_is_refused_as_inbound_full()
    {
        await using var server = new Server(new AdmissionOptions { MaxInbound = 3 });
        var clients = await server.ConnectClientsAsync(3);

        using var refused = await server.ConnectRawAsync();
        Assert.True(await server.IsClosedByServerAsync(refused));

        var (endPoint, why) = Assert.Single(server.Refusals);
        Assert.Equal(AdmissionRefusal.InboundFull, why);
        Assert.Equal(refused.LocalEndPoint, endPoint);
        Assert.All(server.Accepted, p => Assert.True(p.IsConnected));
        Assert.Equal(1, server.PeerServer.GetAdmissionStats().Refused[AdmissionRefusal.InboundFull]);
        await server.DisconnectAsync(clients);
    }

    [Fact]
    public async Task Loopback_sources_may_hold_many_incomplete_handshakes_by_default()
    {
        await using var server = new Server(new AdmissionOptions());
        var sockets = new List<Socket>();
        for (int i = 0; i < 12; i++)
        {
            sockets.Add(await server.ConnectRawAsync());
        }

        await Poll.UntilAsync(() => server.Accepted.Count == 12, "12 incomplete handshakes admitted");
        Assert.Equal(0, server.PeerServer.GetAdmissionStats().PendingHandshakes);
        Assert.Empty(server.Refusals);
        sockets.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task With_LimitLoopback_a_source_may_hold_8_incomplete_handshakes_and_a_slot_frees_when_one_ends()
    {
        await using var server = new Server(new AdmissionOptions { LimitLoopback = true, SourceHandshakeBurst = 100 });
        var sockets = new List<Socket>();
        for (int i = 0; i < AdmissionOptions.DefaultMaxPendingHandshakesPerSource; i++)
        {
            sockets.Add(await server.ConnectRawAsync());
        }

        await Poll.UntilAsync(() => server.PeerServer.GetAdmissionStats().PendingHandshakes == 8, "8 pending handshakes");
        using (var ninth = await server.ConnectRawAsync())
        {
            Assert.True(await server.IsClosedByServerAsync(ninth));
        }

        Assert.Equal(AdmissionRefusal.SourcePendingHandshakes, Assert.Single(server.Refusals).Reason);

        // One gives up: its slot comes back, and a peer that completes its handshake frees its slot at once.
        sockets[0].Dispose();
        await Poll.UntilAsync(() => server.PeerServer.GetAdmissionStats().PendingHandshakes == 7, "a slot freed");
        var client = await server.ConnectClientsAsync(1);
        await Poll.UntilAsync(() => server.PeerServer.GetAdmissionStats().PendingHandshakes == 7, "the handshake gave its slot back");
        Assert.Single(server.Refusals);
        sockets.ForEach(s => s.Dispose());
        await server.DisconnectAsync(client);
    }

    [Fact]
    public async Task With_LimitLoopback_a_source_may_start_4_handshakes_in_a_burst()
    {
        await using var server = new Server(new AdmissionOptions { LimitLoopback = true });
        var sockets = new List<Socket>();
        for (int i = 0; i < AdmissionOptions.DefaultSourceHandshakeBurst; i++)
        {
            sockets.Add(await server.ConnectRawAsync());
        }

        using var fifth = await server.ConnectRawAsync();
        Assert.True(await server.IsClosedByServerAsync(fifth));
        Assert.Equal(AdmissionRefusal.SourceHandshakeRate, Assert.Single(server.Refusals).Reason);
        sockets.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_discouraged_address_is_admitted_while_there_is_room_and_refused_when_the_slots_are_almost_full()
    {
        await using var server = new Server(new AdmissionOptions { MaxInbound = 3 });
        server.PeerServer.Discouraged.Discourage(IPAddress.Loopback);

        var clients = await server.ConnectClientsAsync(2);
        using var third = await server.ConnectRawAsync();

        Assert.True(await server.IsClosedByServerAsync(third));
        Assert.Equal(AdmissionRefusal.Discouraged, Assert.Single(server.Refusals).Reason);
        await server.DisconnectAsync(clients);
    }

    [Fact]
    public async Task Peers_at_an_address_discouraged_later_are_disconnected()
    {
        await using var server = new Server(new AdmissionOptions());
        var clients = await server.ConnectClientsAsync(2);

        server.PeerServer.Discouraged.Discourage(IPAddress.Parse("::ffff:127.0.0.1"));

        foreach (var peer in server.Accepted)
        {
            await peer.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
            Assert.Equal(new DisconnectReason(DisconnectKind.Misbehaving, "its address was discouraged"), peer.DisconnectReason);
        }

        await server.DisconnectAsync(clients);
    }

    [Fact]
    public async Task Admission_is_counted_on_the_ProtoGen_Node_meter()
    {
        var seen = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NodeMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string reason = tags.Length > 0 ? "/" + tags[0].Value : string.Empty;
            seen.AddOrUpdate(instrument.Name + reason, value, (_, total) => total + value);
        });
        listener.Start();

        await using var server = new Server(new AdmissionOptions { MaxInbound = 1 });
        var clients = await server.ConnectClientsAsync(1);
        using var refused = await server.ConnectRawAsync();
        Assert.True(await server.IsClosedByServerAsync(refused));

        Assert.True(seen.GetValueOrDefault("protogen.node.inbound.admitted") >= 1);
        Assert.True(seen.GetValueOrDefault("protogen.node.inbound.refused/InboundFull") >= 1);
        await server.DisconnectAsync(clients);
    }

    /// <summary>A started server on 127.0.0.1 and its clients, all on one fake clock; records what the server reports.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly ConcurrentQueue<Peer> _accepted = new();
        private readonly ConcurrentQueue<(EndPoint? EndPoint, AdmissionRefusal Reason)> _refusals = new();
        private readonly ManualTimeProvider _time;
        private readonly PeerScheduler _scheduler;
        private int _clients;

        public Server(AdmissionOptions options)
        {
            (_time, _scheduler) = NodeTestConfig.FakeClock();
            PeerServer = new PeerServer(NodeTestConfig.Create(time: _time, scheduler: _scheduler), new IPEndPoint(IPAddress.Loopback, 0), options);
            PeerServer.PeerAccepted += _accepted.Enqueue;
            PeerServer.ConnectionRefused += (endPoint, reason) => _refusals.Enqueue((endPoint, reason));
            PeerServer.Start();
        }

        public PeerServer PeerServer { get; }

        /// <summary>The server's peers in the order they were admitted.</summary>
        public IReadOnlyList<Peer> Accepted => [.. _accepted];

        public IReadOnlyList<(EndPoint? EndPoint, AdmissionRefusal Reason)> Refusals => [.. _refusals];

        /// <summary>Connects clients one after another, each waiting for its handshake, so the server admits them in this order.</summary>
        public async Task<List<Peer>> ConnectClientsAsync(int count)
        {
            var clients = new List<Peer>();
            for (int i = 0; i < count; i++)
            {
                int n = Interlocked.Increment(ref _clients);
                var config = NodeTestConfig.Create(time: _time, scheduler: _scheduler) with { UserAgentName = $"Client{n}" };
                var client = await Peer.ConnectAsync(config, "127.0.0.1", PeerServer.LocalEndPoint.Port).WaitAsync(NodeTestConfig.Timeout);
                await client.WaitForHandshakeAsync().WaitAsync(NodeTestConfig.Timeout);
                clients.Add(client);
            }

            return clients;
        }

        /// <summary>A TCP connection that never speaks (an incomplete handshake).</summary>
        public async Task<Socket> ConnectRawAsync()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, PeerServer.LocalEndPoint.Port).WaitAsync(NodeTestConfig.Timeout);
            return socket;
        }

        /// <summary>Whether the server closed <paramref name="socket"/> without a word (a refusal).</summary>
        public async Task<bool> IsClosedByServerAsync(Socket socket)
        {
            var buffer = new byte[24];
            try
            {
                return await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(NodeTestConfig.Timeout) == 0;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return true;
            }
        }

        public async Task DisconnectAsync(IEnumerable<Peer> clients)
        {
            foreach (var client in clients)
            {
                client.Disconnect();
                await client.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await PeerServer.DisposeAsync();
            _scheduler.Dispose();
        }
    }
}
