using System.Collections.Concurrent;
using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests;

/// <summary>
/// The node's outbound connections and the BIP324 transport over loopback TCP: v2 to a v2-capable node, and, to a
/// v1-only node, one failed v2 attempt (<see cref="DisconnectKind.V1Fallback"/>) followed at once by a v1 connection.
/// The reconnect delay is an hour, so a second connection within the test's timeout proves the fallback skips it.
/// </summary>
public class V2TransportNodeTests
{
    private static readonly IPEndPoint s_anyLoopbackPort = new(IPAddress.Loopback, 0);
    private static readonly TimeSpan s_noReconnectDuringTheTest = TimeSpan.FromHours(1);

    [Fact]
    public async Task An_outbound_address_that_speaks_v1_only_is_connected_with_v1_right_after_one_fallback()
    {
        await using var server = new BitcoinNode(Settings(V2TransportMode.Off) with { Listen = s_anyLoopbackPort });
        await server.StartAsync();
        var started = new ConcurrentQueue<Peer>();
        var settings = Settings(V2TransportMode.Preferred) with { Connect = [Loopback(server)], Sync = false, ReconnectDelay = s_noReconnectDuringTheTest };
        await using var client = new BitcoinNode(settings);
        client.PeerStarted += started.Enqueue;
        await client.StartAsync();

        await Poll.UntilAsync(() => started.Count == 2 && client.HandshakenPeerCount == 1, "a v1 connection after the failed v2 attempt");
        var attempts = started.ToArray();
        Assert.Equal(DisconnectKind.V1Fallback, attempts[0].DisconnectReason?.Kind);
        var connected = Assert.Single(client.Peers);
        Assert.Same(attempts[1], connected);
        Assert.Equal("v1", connected.TransportName);
        Assert.True(settings.Peer.V1OnlyAddresses.Contains(new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint!.Port)));
        await Poll.UntilAsync(() => server.HandshakenPeerCount == 1, "the server's side of the v1 connection");
    }

    [Fact]
    public async Task An_outbound_address_that_speaks_v2_is_connected_with_v2_at_the_first_attempt()
    {
        await using var server = new BitcoinNode(Settings(V2TransportMode.Preferred) with { Listen = s_anyLoopbackPort });
        await server.StartAsync();
        var started = new ConcurrentQueue<Peer>();
        await using var client = new BitcoinNode(Settings(V2TransportMode.Preferred) with { Connect = [Loopback(server)], Sync = false, ReconnectDelay = s_noReconnectDuringTheTest });
        client.PeerStarted += started.Enqueue;
        await client.StartAsync();

        await Poll.UntilAsync(() => client.HandshakenPeerCount == 1 && server.HandshakenPeerCount == 1, "the v2 connection");
        var peer = Assert.Single(started);
        Assert.Equal("v2", peer.TransportName);
        var inbound = Assert.Single(server.Peers);
        Assert.Equal(peer.SessionId, inbound.SessionId);
    }

    private static BitcoinNodeSettings Settings(V2TransportMode mode) => new()
    {
        Peer = NodeTestConfig.Create() with { Network = BitcoinNetwork.Mainnet, V2Transport = mode },
    };

    private static DnsEndPoint Loopback(BitcoinNode server) => new("127.0.0.1", server.LocalEndPoint!.Port);
}
