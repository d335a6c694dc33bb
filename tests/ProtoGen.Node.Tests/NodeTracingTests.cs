using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Telemetry;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;
using ProtoGen.Peers.Tracing;

namespace ProtoGen.Node.Tests;

/// <summary>The activities of a node: a handshake per peer (ProtoGen.Peer) and each sync with its two phases (ProtoGen.Node).</summary>
public class NodeTracingTests
{
    [Fact]
    public async Task A_sync_between_two_nodes_is_traced_as_handshakes_and_a_sync_with_headers_and_blocks_phases()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PeerTracing.SourceName or NodeTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var peer = NodeTestConfig.Create() with { Network = BitcoinNetwork.Mainnet };
        await using var server = new BitcoinNode(new BitcoinNodeSettings { Peer = peer, Chain = TestChains.Mainnet255(), Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        var synced = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new BitcoinNode(new BitcoinNodeSettings { Peer = peer with { NonceCache = new NonceCache() }, Connect = [new DnsEndPoint("127.0.0.1", server.LocalEndPoint!.Port)] });
        client.Synced += (p, _) => synced.TrySetResult(p);
        await client.StartAsync();
        var outbound = await synced.Task.WaitAsync(NodeTestConfig.Timeout);
        var inbound = Assert.Single(server.Peers);
        await client.StopAsync();

        Activity Handshake(Peer p) => Assert.Single(stopped, a => a.OperationName == PeerTracing.HandshakeActivity && Equals(a.GetTagItem("protogen.peer.id"), p.Id));
        var outboundHandshake = Handshake(outbound);
        Assert.Equal(ActivityKind.Client, outboundHandshake.Kind);
        Assert.Equal(ActivityStatusCode.Ok, outboundHandshake.Status);
        Assert.Equal(70017, outboundHandshake.GetTagItem("bitcoin.protocol_version"));
        Assert.Equal("/ProtoGenTest:0.1.0/", outboundHandshake.GetTagItem("bitcoin.user_agent"));
        Assert.Equal("127.0.0.1", outboundHandshake.GetTagItem("network.peer.address"));
        Assert.Equal(ActivityKind.Server, Handshake(inbound).Kind);

        var sync = Assert.Single(stopped, a => a.OperationName == NodeTracing.SyncActivity && Equals(a.GetTagItem("protogen.peer.id"), outbound.Id) && Equals(a.GetTagItem("bitcoin.sync.blocks_received"), 255));
        Assert.Equal(ActivityStatusCode.Ok, sync.Status);
        Assert.Equal(TestChains.Tip255, sync.GetTagItem("bitcoin.chain.tip"));
        var phases = stopped.Where(a => a.Parent == sync).Select(a => a.OperationName).ToArray();
        Assert.Equal([NodeTracing.SyncHeadersActivity, NodeTracing.SyncBlocksActivity], phases);
    }
}
