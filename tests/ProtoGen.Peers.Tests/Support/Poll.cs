using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>Polling with a timeout, for conditions other threads make true.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? PeerPair.Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }
}
