using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Hosting.Tests.Infrastructure;
using ProtoGen.Node.Admission;
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

    [Fact]
    public async Task Budget_and_admission_limits_from_json_reach_the_node_and_bound_what_peers_do()
    {
        string directory = Directory.CreateTempSubdirectory("protogen-hosting-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "appsettings.json"), """
                {
                  "Bitcoin": {
                    "Network": "regtest",
                    "Listen": "127.0.0.1:0",
                    "Limits": {
                      "MaxInbound": 1, "ListenBacklog": 16, "LimitLoopback": true,
                      "HandshakeRate": 5, "HandshakeBurst": 7, "SourceHandshakeRate": 1.5, "SourceHandshakeBurst": 3, "MaxPendingHandshakesPerSource": 4,
                      "MaxSendBuffer": 65536, "MaxPartialMessageBytes": 1048576, "MaxQueuedSendBytes": 2097152, "OverBudgetDeadline": "00:05:00"
                    }
                  }
                }
                """);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = directory });
            builder.Configuration.AddJsonFile(Path.Combine(directory, "appsettings.json"));
            builder.Services.AddBitcoinNode();
            using var host = builder.Build();

            var node = host.Node();
            var admission = node.Settings.Admission;
            Assert.Equal((1, 16, true), (admission.MaxInbound, admission.ListenBacklog, admission.LimitLoopback));
            Assert.Equal((5.0, 7, 1.5, 3, 4), (admission.HandshakeRate, admission.HandshakeBurst, admission.SourceHandshakeRate, admission.SourceHandshakeBurst, admission.MaxPendingHandshakesPerSource));
            var budget = node.Settings.Peer.Budget;
            Assert.NotSame(PeerBudget.Shared, budget);
            Assert.Equal((1_048_576L, 2_097_152L, TimeSpan.FromMinutes(5)), (budget.MaxPartialMessageBytes, budget.MaxQueuedSendBytes, budget.Deadline));
            Assert.Equal(65_536, node.Settings.Peer.MaxSendBuffer);

            await host.StartAsync();
            var magic = BitcoinNetwork.Regtest.Magic;

            // A peer that declares a 2,000,000-byte message and sends 1,500,000 bytes of it is counted whole against
            // the node's budget, which it exceeds (1 MiB; the default 32 MiB would not be): the over-budget deadline
            // (five minutes here) now runs for it.
            using var holder = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await holder.ConnectAsync(node.LocalEndPoint!).WaitAsync(TestHosts.Timeout);
            var partial = new byte[FrameHeader.Size + 1_500_000];
            new FrameHeader(magic, MessageCommand.Parse("block"), 2_000_000, 0).WriteTo(partial);
            await holder.SendAsync(Frame.ToArray(magic, Version()));
            await holder.SendAsync(Frame.ToArray(magic, new VerAckMessage()));
            await holder.SendAsync(partial).WaitAsync(TestHosts.Timeout);
            await Poll.UntilAsync(() => node.GetBudgetStats().PartialMessageBytes >= 2_000_000, "the holder's message counted whole against the node's budget");
            Assert.True(node.GetBudgetStats().PartialMessageBytes > budget.MaxPartialMessageBytes);

            // The one inbound slot is taken: the next connection is refused, as the admission counters say.
            using var second = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await second.ConnectAsync(node.LocalEndPoint!).WaitAsync(TestHosts.Timeout);
            var buffer = new byte[64];
            Assert.Equal(0, await second.ReceiveAsync(buffer).WaitAsync(TestHosts.Timeout));
            Assert.Equal(1, node.GetAdmissionStats()!.Refused[AdmissionRefusal.InboundFull]);

            // The holder never answers the drain's ping: stop without waiting the host's whole shutdown timeout.
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await host.StopAsync(shutdown.Token);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static VersionMessage Version() => new()
    {
        Version = 70016,
        Services = ServiceFlags.Network | ServiceFlags.Witness,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = 0x1234_5678,
        UserAgent = "/Holder:1.0/",
        StartHeight = 0,
        Relay = true,
    };
}
