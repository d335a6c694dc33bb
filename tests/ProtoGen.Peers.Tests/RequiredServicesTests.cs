using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Handshake — <see cref="PeerConfig.RequiredServices"/>: an outbound peer whose remote's version lacks a required
/// service ends with <see cref="DisconnectKind.MissingServices"/> before the version is taken in; an inbound peer is
/// not subject to it; a remote offering the services (or more) is kept.
/// </summary>
public class RequiredServicesTests
{
    private const ServiceFlags Required = ServiceFlags.Network | ServiceFlags.Witness;

    [Theory]
    [InlineData(ServiceFlags.None, "the remote offers None, we require Network, Witness")]
    [InlineData(ServiceFlags.Network, "the remote offers Network, we require Network, Witness")]
    [InlineData(ServiceFlags.Witness | ServiceFlags.NetworkLimited, "the remote offers Witness, NetworkLimited, we require Network, Witness")]
    public async Task Outbound_peer_whose_remote_lacks_a_required_service_is_disconnected(ServiceFlags offered, string detail)
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var log = new MessageLog();
        var stopped = new ConcurrentQueue<DisconnectReason>();
        var config = TestConfig.Create(log, time, scheduler) with { RequiredServices = Required, OnDisconnected = (_, reason) => stopped.Enqueue(reason) };
        await using var remote = new PipeRemote(config, PeerDirection.Outbound);
        var ours = await remote.ReceiveFrameAsync();
        Assert.Equal("version", ours.Command);

        await remote.SendAsync(remote.Version(services: offered));

        var reason = await Eventually.DisconnectedAsync(remote.Peer);
        Assert.Equal(DisconnectKind.MissingServices, reason.Kind);
        Assert.Equal(detail, reason.Detail);
        Assert.Equal(ProtocolError.None, reason.ProtocolError);
        Assert.Equal([reason], stopped);

        // The handshake fails with the same reason.
        var failure = await Assert.ThrowsAsync<PeerDisconnectedException>(() => remote.Peer.WaitForHandshakeAsync());
        Assert.Same(reason, failure.Reason);
        Assert.False(remote.Peer.IsHandshakeComplete);

        // The version was refused before the peer took it in: nothing recorded, nothing answered, nothing delivered.
        Assert.Null(remote.Peer.RemoteVersion);
        Assert.Equal(ServiceFlags.None, remote.Peer.RemoteServices);
        Assert.Equal(PeerDefaults.ProtocolVersion, remote.Peer.ProtocolVersion);
        Assert.Equal(["version"], remote.Peer.GetStats().SentByCommand.Keys);
        Assert.Empty(log.Messages);
    }

    [Theory]
    [InlineData(Required)]
    [InlineData(Required | ServiceFlags.NetworkLimited | ServiceFlags.Bloom)]
    public async Task Outbound_peer_whose_remote_offers_the_required_services_is_kept(ServiceFlags offered)
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler) with { RequiredServices = Required };
        await using var remote = new PipeRemote(config, PeerDirection.Outbound);

        var handshake = await remote.HandshakeAsync(remote.Version(services: offered));

        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack"], handshake.Select(f => f.Command));
        Assert.True(remote.Peer.IsConnected);
        Assert.True(remote.Peer.IsHandshakeComplete);
        Assert.Equal(offered, remote.Peer.RemoteServices);
    }

    [Fact]
    public async Task Inbound_peer_is_not_subject_to_the_required_services()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler) with { RequiredServices = Required };
        await using var remote = new PipeRemote(config, PeerDirection.Inbound);

        var handshake = await remote.HandshakeAsync(remote.Version(services: ServiceFlags.None));

        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack"], handshake.Select(f => f.Command));
        Assert.True(remote.Peer.IsConnected);
        Assert.True(remote.Peer.IsHandshakeComplete);
        Assert.Equal(ServiceFlags.None, remote.Peer.RemoteServices);
    }
}
