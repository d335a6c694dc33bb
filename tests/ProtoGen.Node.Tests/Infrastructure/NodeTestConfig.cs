using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Infrastructure;

/// <summary>Peer configurations for node tests: regtest, a test user agent and a nonce cache of their own.</summary>
internal static class NodeTestConfig
{
    /// <summary>How long a node test waits for anything over loopback before it fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static PeerConfig Create(IBitcoinListener<Peer>? listener = null, TimeProvider? time = null, PeerScheduler? scheduler = null) => new()
    {
        Network = BitcoinNetwork.Regtest,
        Listener = listener,
        TimeProvider = time ?? TimeProvider.System,
        Scheduler = scheduler,
        UserAgentName = "ProtoGenTest",
        NonceCache = new NonceCache(),
    };

    /// <summary>A fake clock and a scheduler of its own, so that no timer of the peers fires unless the test advances it.</summary>
    public static (ManualTimeProvider Time, PeerScheduler Scheduler) FakeClock()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(55));
        return (time, new PeerScheduler(time));
    }
}

/// <summary>Polling with a timeout, for conditions other threads make true.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? NodeTestConfig.Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }
}
