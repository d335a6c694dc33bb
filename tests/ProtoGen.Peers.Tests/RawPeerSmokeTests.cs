using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

public class RawPeerSmokeTests
{
    [Fact]
    public async Task Inbound_peer_answers_version_with_version_features_and_verack_in_Core_order()
    {
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Inbound);
        var sequence = await raw.HandshakeAsync();
        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack"], sequence);
    }
}
