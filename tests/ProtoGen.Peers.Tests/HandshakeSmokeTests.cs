using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

public class HandshakeSmokeTests
{
    [Fact]
    public async Task Two_peers_handshake_over_loopback_and_ping()
    {
        var pongs = new TaskCompletionSource<PongMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientListener = new BitcoinListeners<Peers.Peer> { OnPong = (_, m) => pongs.TrySetResult(m) };
        await using var pair = await PeerPair.HandshakeAsync(TestConfig.Create(clientListener), TestConfig.Create());

        Assert.Equal(70017, pair.Client.ProtocolVersion);
        Assert.Equal(70017, pair.Server.ProtocolVersion);
        Assert.True(pair.Client.Features.WtxidRelay);
        Assert.True(pair.Server.Features.AddrV2);
        Assert.Equal("/ProtoGenTest:0.1.0/", pair.Server.RemoteVersion!.UserAgent);

        // The first ping goes out right after the handshake; the server answers it.
        var pong = await pongs.Task.WaitAsync(PeerPair.Timeout);
        Assert.NotEqual(0UL, pong.Nonce);
        await WaitUntil(() => pair.Client.GetStats().LastPingRoundTrip is not null);
        var stats = pair.Client.GetStats();
        Assert.Equal(pong.Nonce, stats.LastPingNonce);
        Assert.True(stats.ReceivedByCommand.ContainsKey("version"));
        Assert.True(stats.SentByCommand["verack"].Messages == 1);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + PeerPair.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
