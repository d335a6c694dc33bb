using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProtoGen.Bitcoin;
using ProtoGen.Node;

// The peer meter is process-wide: the tests of this assembly run one at a time so that scrapes match one peer's stats.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ProtoGen.Hosting.Tests.Infrastructure;

/// <summary>Hosts built as an application builds them, with configuration given as key/value pairs.</summary>
internal static class TestHosts
{
    /// <summary>How long a test waits for anything over loopback before it fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static HostApplicationBuilder Builder(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(new TestClock());
        return builder;
    }

    /// <summary>A host serving the mainnet blocks 1-255 on 127.0.0.1 (any port).</summary>
    public static IHost Serving(Action<IServiceCollection>? more = null)
    {
        var builder = Builder(new Dictionary<string, string?> { ["Bitcoin:Listen"] = "127.0.0.1:0", ["Bitcoin:UserAgentName"] = "Server" });
        builder.Services.AddSingleton(MainnetBlocks());
        builder.Services.AddBitcoinNode();
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    public static ChainStore MainnetBlocks() =>
        ChainStore.FromBlockFile(BitcoinNetwork.Mainnet, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk")));

    public static BitcoinNode Node(this IHost host) => host.Services.GetRequiredService<BitcoinNode>();

    public static string Address(this IHost host) => "127.0.0.1:" + host.Node().LocalEndPoint!.Port;

    public static IPEndPoint EndPoint(this IHost host) => host.Node().LocalEndPoint!;
}

/// <summary>The system clock under an identity of its own, so that the peers of a test get a scheduler of their own.</summary>
internal sealed class TestClock : TimeProvider
{
}

/// <summary>Polling with a timeout, for conditions other threads make true.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestHosts.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }
}
