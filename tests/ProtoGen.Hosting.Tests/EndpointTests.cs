using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProtoGen.Hosting.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Hosting.Tests;

/// <summary>The /metrics and /health endpoint of a hosted node, scraped over loopback.</summary>
public class EndpointTests
{
    [Fact]
    public async Task Metrics_scraped_from_the_endpoint_match_the_peer_stats_and_health_turns_healthy()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Listen"] = "127.0.0.1:0", ["Bitcoin:Endpoint:Port"] = "0" });
        builder.Services.AddBitcoinNode();
        builder.Services.AddHealthChecks().AddBitcoinNodeChecks();
        builder.Services.AddBitcoinEndpoint();
        using var host = builder.Build();
        await host.StartAsync();
        var endpoint = host.Services.GetServices<IHostedService>().OfType<BitcoinEndpointHostedService>().Single().LocalEndPoint!;

        var (status, body) = await Scrape.GetAsync(endpoint, "/health");
        Assert.Equal(503, status);
        Assert.StartsWith("Unhealthy\n", body, StringComparison.Ordinal);
        Assert.Contains("bitcoin-peers: Unhealthy (0 handshaken peers of 0, at least 1 wanted)\n", body, StringComparison.Ordinal);

        var remote = await Peer.ConnectAsync(new PeerConfig(), "127.0.0.1", host.EndPoint().Port);
        await remote.WaitForHandshakeAsync().WaitAsync(TestHosts.Timeout);
        await Poll.UntilAsync(
            () => host.Node().Peers.SingleOrDefault()?.GetStats().LastPingRoundTrip is not null && remote.GetStats().LastPingRoundTrip is not null,
            "the first keep-alive ping of each side answered");
        await remote.PingAsync().WaitAsync(TestHosts.Timeout); // a barrier: everything either side sent has arrived
        var local = host.Node().Peers.Single().GetStats();
        var theirs = remote.GetStats();

        // Both ends of the connection live in this process and the peer meter is process-wide: the scrape counts
        // the node's peer and the remote, exactly (the tests of this assembly run one at a time).
        (status, body) = await Scrape.GetAsync(endpoint, "/metrics");
        Assert.Equal(200, status);
        var samples = Scrape.Samples(body);
        foreach (var (metric, pick) in new (string, Func<MessageCount, long>)[] { ("protogen_peer_messages_total", c => c.Messages), ("protogen_peer_io_bytes_total", c => c.Bytes) })
        {
            Assert.Equal(Sum(pick, local.SentByCommand, theirs.SentByCommand), Scrape.ByCommand(samples, metric, "transmit"));
            Assert.Equal(Sum(pick, local.ReceivedByCommand, theirs.ReceivedByCommand), Scrape.ByCommand(samples, metric, "receive"));
        }

        Assert.Equal(local.BytesSent + theirs.BytesSent, Scrape.ByCommand(samples, "protogen_peer_io_bytes_total", "transmit").Values.Sum());
        Assert.Equal(local.BytesReceived, theirs.BytesSent);
        Assert.Equal(1, samples["protogen_peer_active{protogen_peer_direction=\"inbound\"}"]);
        Assert.Equal(1, samples["protogen_peer_active{protogen_peer_direction=\"outbound\"}"]);
        Assert.Equal(3, samples["protogen_peer_ping_duration_seconds_count"]);

        (status, body) = await Scrape.GetAsync(endpoint, "/health");
        Assert.Equal(200, status);
        Assert.StartsWith("Healthy\n", body, StringComparison.Ordinal);

        remote.Disconnect();
        await host.StopAsync();
    }

    private static Dictionary<string, long> Sum(Func<MessageCount, long> pick, params IReadOnlyDictionary<string, MessageCount>[] counts) =>
        counts.SelectMany(c => c).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => pick(c.Value)));
}
