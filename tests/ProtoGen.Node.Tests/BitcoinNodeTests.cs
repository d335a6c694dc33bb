using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests;

/// <summary>
/// <see cref="BitcoinNode"/> over loopback TCP: a serving node and a syncing node, user listeners, the outbound
/// connection loop, and a stop that drains what peers were sending before it disconnects them.
/// </summary>
public class BitcoinNodeTests
{
    private static readonly IPEndPoint s_anyLoopbackPort = new(IPAddress.Loopback, 0);

    [Fact]
    public async Task A_node_syncs_the_mainnet_blocks_from_another_and_both_stop_with_no_peer_left()
    {
        var serving = Settings(TestChains.Mainnet255()) with { Listen = s_anyLoopbackPort };
        await using var server = new BitcoinNode(serving);
        await server.StartAsync();
        Assert.True(server.IsListening);

        var synced = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new BitcoinNode(Settings() with { Connect = [Loopback(server)] });
        client.Synced += (_, result) => synced.TrySetResult(result);
        await client.StartAsync();

        var result = await synced.Task.WaitAsync(NodeTestConfig.Timeout);
        Assert.Equal(255, result.HeadersReceived);
        Assert.Equal(255, result.BlocksReceived);
        Assert.Equal(TestChains.Tip255, client.Chain.TipHash.ToString());
        Assert.Equal(255, client.Chain.BlockHeight);
        Assert.False(client.IsListening);
        Assert.Null(client.LocalEndPoint);
        await Poll.UntilAsync(() => client.HandshakenPeerCount == 1 && server.HandshakenPeerCount == 1, "a handshaken peer on each side");
        var outbound = Assert.Single(client.Peers);
        Assert.False(outbound.IsInbound);
        Assert.True(Assert.Single(server.Peers).IsInbound);

        await client.StopAsync();
        Assert.Empty(client.Peers);
        Assert.False(outbound.IsConnected);
        Assert.Equal(DisconnectKind.Requested, outbound.DisconnectReason!.Kind);
        Assert.Equal("node stopping", outbound.DisconnectReason.Detail);
        await Poll.UntilAsync(() => server.Peers.Count == 0, "the server to lose its inbound peer");

        await server.StopAsync();
        Assert.False(server.IsListening);
        await client.StopAsync(); // idempotent
    }

    [Fact]
    public async Task Stopping_drains_every_message_a_peer_had_queued_before_disconnecting_it()
    {
        const int Queued = 200;
        var pings = new ConcurrentQueue<ulong>();
        var counting = new BitcoinListeners<Peer> { OnPing = (_, ping) => pings.Enqueue(ping.Nonce) };
        await using var server = new BitcoinNode(Settings() with { Listen = s_anyLoopbackPort, Listeners = [counting] });
        await server.StartAsync();
        var handshaken = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new BitcoinNode(Settings() with { Connect = [Loopback(server)], Sync = false });
        client.PeerStarted += peer => _ = peer.WaitForHandshakeAsync().ContinueWith(t => handshaken.TrySetResult(peer), TaskScheduler.Default);
        await client.StartAsync();
        var peer = await handshaken.Task.WaitAsync(NodeTestConfig.Timeout);

        for (ulong i = 1; i <= Queued; i++)
        {
            Assert.True(peer.QueueMessage(new PingMessage { Nonce = i }));
        }

        await client.StopAsync(new CancellationTokenSource(NodeTestConfig.Timeout).Token);
        await client.DisposeAsync();

        // Every queued ping reached the server, in order, before the connection closed.
        Assert.Equal(Enumerable.Range(1, Queued).Select(i => (ulong)i), pings.Take(Queued));
        Assert.Equal(DisconnectKind.Requested, peer.DisconnectReason!.Kind);
    }

    [Fact]
    public async Task User_listeners_run_in_order_after_the_chain_server_on_inbound_and_outbound_peers()
    {
        var calls = new ConcurrentQueue<string>();
        IBitcoinListener<Peer> Recorder(string name) => new BitcoinListeners<Peer>
        {
            OnVerAck = (peer, _) => calls.Enqueue($"{(peer.IsInbound ? "in" : "out")}:{name}"),
        };

        await using var server = new BitcoinNode(Settings() with { Listen = s_anyLoopbackPort, Listeners = [Recorder("a"), Recorder("b")] });
        await server.StartAsync();
        await using var client = new BitcoinNode(Settings() with { Connect = [Loopback(server)], Sync = false, Listeners = [Recorder("c")] });
        await client.StartAsync();

        await Poll.UntilAsync(() => calls.Count == 3, "verack seen by the three listeners");
        var seen = calls.ToArray();
        Assert.Equal(["in:a", "in:b"], seen.Where(c => c.StartsWith("in:", StringComparison.Ordinal)));
        Assert.Equal(["out:c"], seen.Where(c => c.StartsWith("out:", StringComparison.Ordinal)));
        Assert.Single(server.ChainServer.Peers);
    }

    [Fact]
    public async Task An_outbound_peer_that_ends_is_connected_again()
    {
        await using var server = new BitcoinNode(Settings() with { Listen = s_anyLoopbackPort });
        await server.StartAsync();
        var started = new ConcurrentQueue<Peer>();
        await using var client = new BitcoinNode(Settings() with { Connect = [Loopback(server)], Sync = false, ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        client.PeerStarted += started.Enqueue;
        await client.StartAsync();

        await Poll.UntilAsync(() => server.HandshakenPeerCount == 1, "the first connection");
        var first = Assert.Single(server.Peers);
        first.Disconnect(DisconnectKind.Requested, "test drops the peer");
        await Poll.UntilAsync(() => started.Count == 2 && client.HandshakenPeerCount == 1, "the second connection");
        Assert.DoesNotContain(client.Peers, p => p.Id == started.First().Id);
    }

    [Fact]
    public async Task An_unreachable_address_is_retried_until_the_node_stops()
    {
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(s_anyLoopbackPort); // bound, never listening: connections are refused
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        await using var client = new BitcoinNode(Settings() with { Connect = [new DnsEndPoint("127.0.0.1", port)], ReconnectDelay = TimeSpan.FromMilliseconds(10) });
        await client.StartAsync();

        Assert.Empty(client.Peers);
        await client.StopAsync();
        Assert.Empty(client.Peers);
    }

    [Fact]
    public async Task Starting_on_a_port_in_use_fails_with_the_socket_error()
    {
        await using var first = new BitcoinNode(Settings() with { Listen = s_anyLoopbackPort });
        await first.StartAsync();
        await using var second = new BitcoinNode(Settings() with { Listen = first.LocalEndPoint });

        var error = await Assert.ThrowsAsync<SocketException>(() => second.StartAsync());
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public void A_chain_of_another_network_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new BitcoinNode(Settings() with { Chain = new ChainStore(BitcoinNetwork.Regtest) }));
        Assert.Contains("the chain is on regtest but the peers on mainnet", error.Message, StringComparison.Ordinal);
    }

    private static BitcoinNodeSettings Settings(ChainStore? chain = null) => new()
    {
        Peer = NodeTestConfig.Create() with { Network = BitcoinNetwork.Mainnet },
        Chain = chain,
    };

    private static DnsEndPoint Loopback(BitcoinNode server) => new("127.0.0.1", server.LocalEndPoint!.Port);
}
