using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProtoGen.Bitcoin;
using ProtoGen.Hosting.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Hosting.Tests;

/// <summary>Options from appsettings.json and environment variables reach the node and change what it does.</summary>
public class ConfigurationTests
{
    [Fact]
    public async Task Json_and_environment_variables_round_trip_into_the_nodes_behaviour()
    {
        string directory = Directory.CreateTempSubdirectory("protogen-hosting-").FullName;
        string prefix = "PGTEST" + Guid.NewGuid().ToString("N")[..8] + "_";
        try
        {
            File.WriteAllText(Path.Combine(directory, "appsettings.json"), """
                {
                  "Bitcoin": {
                    "Network": "regtest",
                    "Listen": "127.0.0.1:0",
                    "UserAgentName": "FromJson",
                    "UserAgentVersion": "1.0",
                    "Sync": true,
                    "Connect": [ "127.0.0.1:1", "[::1]:1" ],
                    "Limits": { "SendQueueCapacity": 64, "HandshakeTimeout": "00:00:10" },
                    "Health": { "MinPeers": 3, "MaxTipAge": "1.00:00:00" }
                  }
                }
                """);

            // Environment variables override the JSON (as in a container): the version and one limit.
            Environment.SetEnvironmentVariable(prefix + "Bitcoin__UserAgentVersion", "2.5");
            Environment.SetEnvironmentVariable(prefix + "Bitcoin__Limits__MaxPendingInventory", "1234");
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = directory });
            builder.Configuration.AddJsonFile(Path.Combine(directory, "appsettings.json")).AddEnvironmentVariables(prefix);
            builder.Services.AddBitcoinNode(options => options.Sync = false); // code runs after the configuration
            using var host = builder.Build();

            var node = host.Node();
            var settings = node.Settings;
            Assert.Same(BitcoinNetwork.Regtest, settings.Peer.Network);
            Assert.Equal(BitcoinNetwork.Regtest, node.Chain.Network);
            Assert.Equal("/FromJson:2.5/", settings.Peer.UserAgent);
            Assert.Equal(64, settings.Peer.SendQueueCapacity);
            Assert.Equal(1234, settings.Peer.MaxPendingInventory);
            Assert.Equal(TimeSpan.FromSeconds(10), settings.Peer.HandshakeTimeout);
            Assert.False(settings.Sync);
            Assert.Equal(["127.0.0.1:1", "::1:1"], settings.Connect.Select(e => $"{e.Host}:{e.Port}"));
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BitcoinNodeOptions>>().Value;
            Assert.Equal(3, options.Health.MinPeers);
            Assert.Equal(TimeSpan.FromDays(1), options.Health.MaxTipAge);

            // What a remote sees: a regtest node with that user agent on the configured address.
            await host.StartAsync();
            var remote = await Peer.ConnectAsync(new PeerConfig { Network = BitcoinNetwork.Regtest }, "127.0.0.1", node.LocalEndPoint!.Port);
            await remote.WaitForHandshakeAsync().WaitAsync(TestHosts.Timeout);
            Assert.Equal("/FromJson:2.5/", remote.RemoteVersion!.UserAgent);
            remote.Disconnect();
            await host.StopAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Bitcoin__UserAgentVersion", null);
            Environment.SetEnvironmentVariable(prefix + "Bitcoin__Limits__MaxPendingInventory", null);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Addresses_without_a_port_take_the_networks()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?>
        {
            ["Bitcoin:Network"] = "testnet4",
            ["Bitcoin:Listen"] = "0.0.0.0",
            ["Bitcoin:Connect:0"] = "seed.invalid",
            ["Bitcoin:Connect:1"] = "[::1]:1234",
            ["Bitcoin:Connect:2"] = "127.0.0.1",
        });
        builder.Services.AddBitcoinNode();
        using var host = builder.Build();

        var settings = host.Node().Settings;
        Assert.Equal("0.0.0.0:48333", settings.Listen!.ToString());
        Assert.Equal(["seed.invalid:48333", "::1:1234", "127.0.0.1:48333"], settings.Connect.Select(e => $"{e.Host}:{e.Port}"));
    }
}
