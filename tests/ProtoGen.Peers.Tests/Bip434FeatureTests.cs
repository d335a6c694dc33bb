using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// BIP434 feature negotiation over loopback, with Bitcoin Core master's rules: features go after version and before
/// verack, only between peers at version 70017 or more; unknown features are ignored; a feature after verack, or from a
/// peer whose version is below 70017, ends the peer; the remote's features are kept up to a bound.
/// </summary>
public class Bip434FeatureTests
{
    private static readonly PeerFeature Erlay = new("BIP330v2", new byte[] { 1, 2 });
    private static readonly PeerFeature Experiment = new("https://example.org/p2p-experiment");

    private static FeatureMessage Feature(string id, byte[]? data = null) =>
        new() { FeatureId = System.Text.Encoding.ASCII.GetBytes(id), Data = data ?? [] };

    [Fact]
    public async Task Two_peers_exchange_their_features_and_read_them_after_the_handshake()
    {
        var clientConfig = TestConfig.Create() with { AnnounceFeatures = [Erlay, Experiment] };
        var serverConfig = TestConfig.Create() with { AnnounceFeatures = [new PeerFeature("BIP434")] };

        await using var pair = await PeerPair.HandshakeAsync(clientConfig, serverConfig);

        Assert.Equal(70017, pair.Client.ProtocolVersion);
        Assert.Equal([new PeerFeature("BIP434")], pair.Client.RemoteFeatures);
        Assert.Equal([Erlay, Experiment], pair.Server.RemoteFeatures);
        Assert.Equal(new byte[] { 1, 2 }, pair.Server.RemoteFeatures[0].Data.ToArray());
    }

    [Fact]
    public async Task Features_go_after_version_and_sendaddrv2_and_before_verack()
    {
        var config = ProtocolConfig.Create() with { AnnounceFeatures = [Erlay, Experiment] };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);

        var sent = await raw.HandshakeAsync(RawPeer.Version(protocolVersion: 70017));

        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "feature", "feature", "verack"], sent);
    }

    [Theory]
    [InlineData(70016)]
    [InlineData(70015)]
    public async Task A_peer_below_70017_gets_no_feature(int theirs)
    {
        var config = ProtocolConfig.Create() with { AnnounceFeatures = [Erlay] };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);

        var sent = await raw.HandshakeAsync(RawPeer.Version(protocolVersion: theirs));

        Assert.DoesNotContain("feature", sent);
        Assert.Empty(raw.Peer.RemoteFeatures);
    }

    [Fact]
    public async Task When_we_speak_70016_we_send_no_feature_even_to_a_70017_peer()
    {
        var config = ProtocolConfig.Create(protocolVersion: 70016) with { AnnounceFeatures = [Erlay] };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);

        var sent = await raw.HandshakeAsync(RawPeer.Version(protocolVersion: 70017));

        Assert.DoesNotContain("feature", sent);
    }

    [Fact]
    public async Task Unknown_features_are_ignored_and_recorded_for_the_application()
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version(protocolVersion: 70017));
        await raw.SendAsync(Feature("feat0001"));
        await raw.SendAsync(Feature("BIP999", [9, 9, 9]));
        await raw.SendAsync(new FeatureMessage { FeatureId = new byte[] { 0x00, 0xff, 0x01, 0x7f } });
        await raw.SendAsync(Feature("feat0001", [1]));
        await raw.ReceiveUntilAsync("verack");
        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        Assert.True(raw.Peer.IsConnected);
        // The non-ASCII id (which no feature of ours can have) and the repeated id are left out.
        Assert.Equal([new PeerFeature("feat0001"), new PeerFeature("BIP999", new byte[] { 9, 9, 9 })], raw.Peer.RemoteFeatures);
        Assert.Equal(4, log.Commands.Count(c => c == "feature"));
    }

    [Fact]
    public async Task A_feature_after_verack_ends_the_peer_as_Bitcoin_Core_does()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);
        await raw.HandshakeAsync(RawPeer.Version(protocolVersion: 70017));

        await raw.SendAsync(Feature("abcd"));

        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        Assert.Equal(DisconnectKind.ProtocolViolation, raw.Peer.DisconnectReason!.Kind);
        Assert.Equal("feature received after verack", raw.Peer.DisconnectReason.Detail);
    }

    [Fact]
    public async Task A_feature_from_a_peer_below_70017_ends_the_peer()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);
        await raw.SendAsync(RawPeer.Version(protocolVersion: 70016));

        await raw.SendAsync(Feature("abcd"));

        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        Assert.Equal(DisconnectKind.ProtocolViolation, raw.Peer.DisconnectReason!.Kind);
        Assert.StartsWith("feature received with incompatible version", raw.Peer.DisconnectReason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feature_before_version_is_ignored()
    {
        // v1: a v2-enabled responder reads a first message other than version as a v2 key (as Bitcoin Core does).
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create() with { V2Transport = V2TransportMode.Off }, PeerDirection.Inbound);

        await raw.SendAsync(Feature("abcd"));
        await raw.HandshakeAsync(RawPeer.Version(protocolVersion: 70017));

        Assert.True(raw.Peer.IsConnected);
        Assert.Empty(raw.Peer.RemoteFeatures);
    }

    [Fact]
    public async Task A_malformed_feature_ends_the_peer_with_the_decoders_reason()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);
        await raw.SendAsync(RawPeer.Version(protocolVersion: 70017));

        await raw.SendAsync(new RawFeature([3, (byte)'a', (byte)'b', (byte)'c', 0]));

        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        Assert.Equal(DisconnectKind.ProtocolViolation, raw.Peer.DisconnectReason!.Kind);
        Assert.Equal(ProtocolError.ValueOutOfRange, raw.Peer.DisconnectReason.ProtocolError);
    }

    [Fact]
    public async Task The_remotes_features_are_bounded_and_the_rest_ignored()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);
        await raw.SendAsync(RawPeer.Version(protocolVersion: 70017));

        int sent = PeerDefaults.MaxFeatures + 36;
        for (int i = 0; i < sent; i++)
        {
            await raw.SendAsync(Feature($"feat{i:D4}", new byte[ProtocolLimits.MaxFeatureDataLength]));
        }

        await raw.ReceiveUntilAsync("verack");
        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(64, PeerDefaults.MaxFeatures);
        Assert.Equal(PeerDefaults.MaxFeatures, raw.Peer.RemoteFeatures.Count);
        Assert.Equal("feat0000", raw.Peer.RemoteFeatures[0].Id);
        Assert.Equal($"feat{PeerDefaults.MaxFeatures - 1:D4}", raw.Peer.RemoteFeatures[^1].Id);
    }

    [Theory]
    [InlineData("BIP")]
    [InlineData("")]
    [InlineData("BIP 434 \u00e9")]
    [InlineData("tab\there")]
    public void Feature_ids_are_checked_when_the_feature_is_made(string id)
        => Assert.Throws<ArgumentException>(() => new PeerFeature(id));

    [Fact]
    public void Feature_limits_are_checked_when_the_feature_is_made()
    {
        Assert.Throws<ArgumentException>(() => new PeerFeature(new string('a', 81)));
        Assert.Throws<ArgumentException>(() => new PeerFeature("abcd", new byte[513]));
        Assert.Equal(80, new PeerFeature(new string('a', 80), new byte[512]).Id.Length);
    }

    [Fact]
    public void A_configuration_may_not_repeat_a_feature_or_announce_more_than_the_bound()
    {
        var repeated = TestConfig.Create() with { AnnounceFeatures = [Erlay, new PeerFeature(Erlay.Id)] };
        Assert.Throws<ArgumentException>(() => Peers.Peer.Outbound(repeated, new MemoryStream()));
        var tooMany = TestConfig.Create() with { AnnounceFeatures = [.. Enumerable.Range(0, PeerDefaults.MaxFeatures + 1).Select(i => new PeerFeature($"feat{i:D4}"))] };
        Assert.Throws<ArgumentException>(() => Peers.Peer.Outbound(tooMany, new MemoryStream()));
    }

    /// <summary>A feature payload written byte for byte (the encoder refuses malformed ones).</summary>
    private sealed record RawFeature(byte[] Payload) : IMessage
    {
        public MessageCommand Command => FeatureMessage.Command;

        public int GetEncodedSize(WireContext context) => Payload.Length;

        public void WriteTo(ref WireWriter writer) => writer.WriteBytes(Payload);
    }
}
