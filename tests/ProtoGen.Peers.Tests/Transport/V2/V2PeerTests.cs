using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>Two ProtoGen peers over loopback TCP speaking the BIP324 transport.</summary>
public sealed class V2PeerTests
{
    private static PeerConfig Config(V2TransportMode mode) => TestConfig.Create() with { V2Transport = mode };

    [Fact]
    public async Task Required_on_both_ends_handshakes_in_v2_with_equal_session_ids()
    {
        await using var pair = await PeerPair.HandshakeAsync(Config(V2TransportMode.Required), Config(V2TransportMode.Required));

        Assert.Equal("v2", pair.Client.TransportName);
        Assert.Equal("v2", pair.Server.TransportName);
        Assert.NotNull(pair.Client.SessionId);
        Assert.Equal(64, pair.Client.SessionId!.Length);
        Assert.Equal(pair.Client.SessionId, pair.Server.SessionId);
        Assert.Equal(pair.Client.SessionId, pair.Client.GetStats().SessionId);
        Assert.Equal("v2", pair.Server.GetStats().Transport);
        await pair.Client.PingAsync().WaitAsync(PeerPair.Timeout);
    }
}
