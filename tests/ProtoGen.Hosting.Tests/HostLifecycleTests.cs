using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProtoGen.Bitcoin;
using ProtoGen.Hosting.Tests.Infrastructure;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Hosting.Tests;

/// <summary>The node starts and stops with its host; nothing it made outlives it.</summary>
public class HostLifecycleTests
{
    [Fact]
    public async Task A_host_syncs_from_another_and_stopping_both_leaves_no_peer_socket_or_timer()
    {
        using var server = TestHosts.Serving();
        await server.StartAsync();
        Assert.True(server.Node().IsListening);

        var blocks = new CountingListener();
        var client = ClientBuilder(server, blocks).Build();
        await client.StartAsync();
        var node = client.Node();
        await Poll.UntilAsync(() => node.Chain.BlockHeight == 255, "the client to sync 255 blocks");
        Assert.Equal("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c", node.Chain.TipHash.ToString());
        Assert.Equal(255, blocks.Blocks);
        var peers = node.Peers.Concat(server.Node().Peers).ToArray();
        Assert.Equal(2, peers.Length);

        var clocks = new[] { client, server }.Select(h => h.Services.GetRequiredService<TimeProvider>()).ToArray();
        await client.StopAsync();
        client.Dispose();
        await server.StopAsync();

        // Every peer has stopped (loops, timers, sockets), each scheduler is idle, and the listening port is free again.
        Assert.All(peers, p => Assert.True(p.WaitForDisconnectAsync().IsCompleted));
        Assert.Empty(node.Peers);
        Assert.Empty(server.Node().Peers);
        Assert.False(server.Node().IsListening);
        foreach (var clock in clocks)
        {
            var scheduler = PeerScheduler.GetShared(clock);
            Assert.Equal(0, scheduler.Count);
            Assert.False(scheduler.IsTimerActive);
        }

        using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        rebind.Bind(server.EndPoint());
    }

    [Fact]
    public async Task Stopping_the_host_drains_what_a_listener_queued_before_the_peers_are_disconnected()
    {
        const int Replies = 100;
        int pings = 0;
        var server = TestHosts.Serving(services => services.AddSingleton<IBitcoinListener<Peer>>(new BitcoinListeners<Peer> { OnPing = (_, _) => Interlocked.Increment(ref pings) }));
        using var _ = server;
        await server.StartAsync();
        var client = ClientBuilder(server, new CountingListener()).Build();
        await client.StartAsync();
        await Poll.UntilAsync(() => client.Node().HandshakenPeerCount == 1, "the client's handshake");
        var peer = client.Node().Peers.Single();
        for (ulong i = 0; i < Replies; i++)
        {
            peer.QueueMessage(new PingMessage { Nonce = i + 1 });
        }

        await client.StopAsync();
        client.Dispose();

        // The host's shutdown let the queue drain (and the node's own barrier ping) before disconnecting.
        Assert.True(Volatile.Read(ref pings) >= Replies, $"{pings} pings arrived");
        Assert.Equal(new DisconnectReason(DisconnectKind.Requested, "node stopping"), peer.DisconnectReason);
        await server.StopAsync();
    }

    [Fact]
    public async Task Listeners_registered_in_the_container_are_composed_in_registration_order()
    {
        var order = new List<string>();
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Listen"] = "127.0.0.1:0" });
        builder.Services.AddBitcoinNode();
        builder.Services.AddSingleton<IBitcoinListener<Peer>>(new BitcoinListeners<Peer> { OnVerAck = (_, _) => { lock (order) { order.Add("first"); } } });
        builder.Services.AddSingleton<IBitcoinListener<Peer>>(new BitcoinListeners<Peer> { OnVerAck = (_, _) => { lock (order) { order.Add("second"); } } });
        using var host = builder.Build();
        await host.StartAsync();
        var remote = await Peer.ConnectAsync(new PeerConfig(), "127.0.0.1", host.EndPoint().Port);
        await remote.WaitForHandshakeAsync().WaitAsync(TestHosts.Timeout);
        await Poll.UntilAsync(() => { lock (order) { return order.Count == 2; } }, "both listeners");

        Assert.Equal(["first", "second"], order);
        Assert.Equal(2, host.Node().Settings.Listeners.Count);
        remote.Disconnect();
        await host.StopAsync();
    }

    [Fact]
    public async Task AddBitcoinPeers_connects_out_and_never_listens()
    {
        using var server = TestHosts.Serving();
        await server.StartAsync();
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Listen"] = "127.0.0.1:0", ["Bitcoin:Connect:0"] = server.Address(), ["Bitcoin:Sync"] = "false" });
        builder.Services.AddBitcoinPeers();
        using var client = builder.Build();
        await client.StartAsync();

        await Poll.UntilAsync(() => client.Node().HandshakenPeerCount == 1, "the outbound handshake");
        Assert.False(client.Node().IsListening);
        Assert.Null(client.Node().Settings.Listen);
        Assert.Equal(0, client.Node().Chain.Height);
        await client.StopAsync();
        await server.StopAsync();
    }

    private static HostApplicationBuilder ClientBuilder(IHost server, IBitcoinListener<Peer> listener)
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Connect:0"] = server.Address(), ["Bitcoin:UserAgentName"] = "Client" });
        builder.Services.AddBitcoinNode();
        builder.Services.AddSingleton(listener);
        return builder;
    }

    private sealed class CountingListener : IBitcoinListener<Peer>
    {
        private int _blocks;

        public int Blocks => Volatile.Read(ref _blocks);

        public void OnBlock(Peer peer, Block message) => Interlocked.Increment(ref _blocks);
    }
}
