using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ProtoGen.Bitcoin;
using ProtoGen.Hosting.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Hosting.Tests;

/// <summary>The node's health checks through the host's <see cref="HealthCheckService"/>.</summary>
public class HealthCheckTests
{
    [Fact]
    public async Task Unhealthy_before_peers_healthy_once_enough_have_handshaken_and_unhealthy_when_stopped()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Listen"] = "127.0.0.1:0", ["Bitcoin:Health:MinPeers"] = "2" });
        builder.Services.AddBitcoinNode();
        builder.Services.AddHealthChecks().AddBitcoinNodeChecks();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal(HealthStatus.Unhealthy, before.Entries[BitcoinHealthChecks.Listening].Status);

        await host.StartAsync();
        var started = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, started.Entries[BitcoinHealthChecks.Listening].Status);
        Assert.Equal(HealthStatus.Healthy, started.Entries[BitcoinHealthChecks.Tip].Status);
        var peers = started.Entries[BitcoinHealthChecks.Peers];
        Assert.Equal(HealthStatus.Unhealthy, peers.Status);
        Assert.Equal("0 handshaken peers of 0, at least 2 wanted", peers.Description);

        var remotes = new List<Peer>();
        for (int i = 0; i < 2; i++)
        {
            var remote = await Peer.ConnectAsync(new PeerConfig(), "127.0.0.1", host.EndPoint().Port);
            await remote.WaitForHandshakeAsync().WaitAsync(TestHosts.Timeout);
            remotes.Add(remote);
            await Poll.UntilAsync(() => host.Node().HandshakenPeerCount == i + 1, "the node's side of the handshake");
            var report = await health.CheckHealthAsync();
            Assert.Equal(i == 0 ? HealthStatus.Unhealthy : HealthStatus.Healthy, report.Status);
        }

        var healthy = (await health.CheckHealthAsync()).Entries[BitcoinHealthChecks.Peers];
        Assert.Equal("2 handshaken peers of 2, at least 2 wanted", healthy.Description);
        Assert.Equal(2, healthy.Data["handshaken"]);

        await host.StopAsync();
        var stopped = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, stopped.Entries[BitcoinHealthChecks.Listening].Status);
        Assert.Equal(HealthStatus.Unhealthy, stopped.Entries[BitcoinHealthChecks.Peers].Status);
        foreach (var remote in remotes)
        {
            await remote.WaitForDisconnectAsync().WaitAsync(TestHosts.Timeout);
        }
    }

    [Fact]
    public async Task The_tip_check_compares_the_tips_timestamp_with_the_maximum_age()
    {
        // Block 255 of mainnet is from 2009-01-12; the fake clock stands 30 minutes, then two hours, after it.
        var chain = TestHosts.MainnetBlocks();
        var tipTime = DateTimeOffset.FromUnixTimeSeconds(chain.TipHeader.Timestamp);
        var clock = new ManualTimeProvider(tipTime + TimeSpan.FromMinutes(30));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Bitcoin:Health:MaxTipAge"] = "01:00:00", ["Bitcoin:Health:MinPeers"] = "0" });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(chain);
        builder.Services.AddBitcoinNode();
        builder.Services.AddHealthChecks().AddBitcoinNodeChecks(failureStatus: HealthStatus.Degraded);
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var fresh = (await health.CheckHealthAsync()).Entries[BitcoinHealthChecks.Tip];
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal("height 255, tip 2009-01-12T21:54:50Z", fresh.Description);

        clock.Advance(TimeSpan.FromMinutes(90));
        var stale = (await health.CheckHealthAsync()).Entries[BitcoinHealthChecks.Tip];
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Equal("height 255, tip 2009-01-12T21:54:50Z is older than 01:00:00", stale.Description);
        Assert.Equal(7200.0, stale.Data["ageSeconds"]);
    }

    [Fact]
    public async Task The_tip_check_wants_the_blocks_up_to_the_minimum_height_and_turns_healthy_after_a_sync()
    {
        using var server = TestHosts.Serving();
        await server.StartAsync();
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Health:MinHeight"] = "255", ["Bitcoin:Connect:0"] = server.Address() });
        builder.Services.AddBitcoinNode();
        builder.Services.AddHealthChecks().AddBitcoinNodeChecks();
        using var client = builder.Build();
        var health = client.Services.GetRequiredService<HealthCheckService>();

        var before = (await health.CheckHealthAsync()).Entries[BitcoinHealthChecks.Tip];
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal("height 0, tip 2009-01-03T18:15:05Z, blocks held to height 0, below 255", before.Description);

        await client.StartAsync();
        await Poll.UntilAsync(() => client.Node().Chain.BlockHeight == 255, "the sync");
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("height 255, tip 2009-01-12T21:54:50Z", report.Entries[BitcoinHealthChecks.Tip].Description);
        await client.StopAsync();
        await server.StopAsync();
    }
}
