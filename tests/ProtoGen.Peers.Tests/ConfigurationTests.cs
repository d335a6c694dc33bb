using System.Buffers.Binary;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>Configuration: user agent, network magic, services, protocol version, start height, relay flag, defaults.</summary>
public class ConfigurationTests
{
    [Fact]
    public void User_agent_is_BIP14_name_version_and_comments()
    {
        var plain = new PeerConfig { UserAgentName = "Satoshi", UserAgentVersion = "27.1.0" };
        var commented = new PeerConfig { UserAgentName = "Satoshi", UserAgentVersion = "27.1.0", UserAgentComments = ["linux", "x86_64"] };

        Assert.Equal("/Satoshi:27.1.0/", plain.UserAgent);
        Assert.Equal("/Satoshi:27.1.0(linux; x86_64)/", commented.UserAgent);
        Assert.Equal("/ProtoGen:0.1.0/", new PeerConfig().UserAgent);
    }

    [Fact]
    public async Task User_agent_goes_out_in_the_version_message()
    {
        var config = new PeerConfig
        {
            Network = BitcoinNetwork.Regtest,
            NonceCache = new NonceCache(),
            UserAgentName = "Wallet",
            UserAgentVersion = "2.0",
            UserAgentComments = ["android"],
        };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");

        Assert.Equal("/Wallet:2.0(android)/", version.UserAgent);
    }

    [Theory]
    [InlineData("Sat/oshi", "1.0", null)]
    [InlineData("Sat:oshi", "1.0", null)]
    [InlineData("Sat(oshi", "1.0", null)]
    [InlineData("Sat)oshi", "1.0", null)]
    [InlineData("Satoshi", "1/0", null)]
    [InlineData("Satoshi", "1:0", null)]
    [InlineData("Satoshi", "1(0", null)]
    [InlineData("Satoshi", "1.0", "linux;x64")]
    [InlineData("Satoshi", "1.0", "linux(x64")]
    [InlineData("Satoshi", "1.0", "linux)x64")]
    [InlineData("Satoshi", "1.0", "linux/x64")]
    [InlineData("Satoshi", "1.0", "linux:x64")]
    public void Invalid_user_agent_characters_are_rejected(string name, string version, string? comment)
    {
        var config = new PeerConfig { UserAgentName = name, UserAgentVersion = version, UserAgentComments = comment is null ? [] : [comment] };

        Assert.Throws<ArgumentException>(() => Peers.Peer.Outbound(config, Stream.Null));
    }

    [Fact]
    public void User_agent_longer_than_256_bytes_is_rejected()
    {
        var fits = new PeerConfig { UserAgentName = new string('a', 256 - "/:1/".Length), UserAgentVersion = "1" };
        var tooLong = new PeerConfig { UserAgentName = new string('a', 256 - "/:1/".Length + 1), UserAgentVersion = "1" };
        Assert.Equal(256, fits.UserAgent.Length);

        var peer = Peers.Peer.Outbound(fits, Stream.Null);
        Assert.True(peer.IsConnected);
        Assert.Throws<ArgumentException>(() => Peers.Peer.Outbound(tooLong, Stream.Null));
    }

    public static TheoryData<string, string, int> Networks => new()
    {
        { "mainnet", "f9beb4d9", 8333 },
        { "testnet3", "0b110907", 18333 },
        { "testnet4", "1c163f28", 48333 },
        { "signet", "0a03cf40", 38333 },
        { "regtest", "fabfb5da", 18444 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public async Task Network_magic_is_the_documented_one_and_frames_the_version(string name, string magicHex, int port)
    {
        Assert.True(BitcoinNetwork.TryGet(name, out var network));
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(Convert.FromHexString(magicHex)), network.Magic);
        Assert.Equal(port, network.DefaultPort);

        // The raw remote parses frames with the documented magic only: the peer's version must come framed with it.
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(network: network), PeerDirection.Outbound);
        var version = await raw.ExpectAsync<VersionMessage>("version");
        Assert.Equal(PeerDefaults.ProtocolVersion, version.Version);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public async Task A_frame_with_another_networks_magic_disconnects(string name, string magicHex, int port)
    {
        _ = magicHex;
        _ = port;
        Assert.True(BitcoinNetwork.TryGet(name, out var network));
        var all = BitcoinNetwork.All;
        var other = all[(Array.IndexOf(all, network) + 1) % all.Length];
        Assert.NotEqual(network.Magic, other.Magic);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(network: network), PeerDirection.Inbound);

        await raw.SendRawAsync(Frame.ToArray(other.Magic, RawPeer.Version()));

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.BadMagic, reason.ProtocolError);
        Assert.False(raw.Peer.IsHandshakeComplete);
        Assert.Null(raw.Peer.RemoteVersion);
    }

    [Theory]
    [InlineData(ServiceFlags.None)]
    [InlineData(ServiceFlags.Network | ServiceFlags.Witness)]
    [InlineData(ServiceFlags.Network | ServiceFlags.Bloom | ServiceFlags.Witness | ServiceFlags.CompactFilters | ServiceFlags.NetworkLimited)]
    public async Task Configured_services_are_advertised(ServiceFlags services)
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(services: services), PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");

        // With the v2 transport on (the default) NODE_P2P_V2 is announced besides the configured services.
        Assert.Equal(services | ServiceFlags.P2PV2, version.Services);
        Assert.Equal(services | ServiceFlags.P2PV2, version.SenderAddress!.Value.Services);
    }

    [Fact]
    public async Task With_v2_off_exactly_the_configured_services_are_advertised()
    {
        var services = ServiceFlags.Network | ServiceFlags.Witness;
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(services: services) with { V2Transport = V2TransportMode.Off }, PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");

        Assert.Equal(services, version.Services);
        Assert.Equal(services, version.SenderAddress!.Value.Services);
    }

    [Fact]
    public async Task Remote_services_are_recorded()
    {
        var services = ServiceFlags.Network | ServiceFlags.Bloom | ServiceFlags.Witness;
        await using var pair = await PeerPair.HandshakeAsync(ProtocolConfig.Create(services: services), ProtocolConfig.Create());

        Assert.Equal(services | ServiceFlags.P2PV2, pair.Server.RemoteServices);
        Assert.True(pair.Server.Features.Witness);
    }

    [Fact]
    public async Task Default_protocol_version_is_70017_and_negotiates_70016_with_feature_negotiation()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");
        await raw.SendAsync(RawPeer.Version(70016));
        var (_, beforeVerack) = await raw.ReceiveUntilAsync("verack");

        Assert.Equal(70017, version.Version);
        Assert.Equal(["wtxidrelay", "sendaddrv2"], beforeVerack);
        Assert.Equal(70016, raw.Peer.ProtocolVersion);
    }

    [Theory]
    [InlineData(PeerDirection.Outbound)]
    [InlineData(PeerDirection.Inbound)]
    public async Task Configured_70015_negotiates_70015_and_sends_no_wtxidrelay_or_sendaddrv2(PeerDirection direction)
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(protocolVersion: 70015), direction);

        List<string> sent;
        if (direction == PeerDirection.Outbound)
        {
            var version = await raw.ExpectAsync<VersionMessage>("version");
            Assert.Equal(70015, version.Version);
            sent = await raw.HandshakeAtAsync(70016);
        }
        else
        {
            sent = await raw.HandshakeAtAsync(70016);
        }

        Assert.DoesNotContain("wtxidrelay", sent);
        Assert.DoesNotContain("sendaddrv2", sent);
        Assert.Equal(direction == PeerDirection.Outbound ? ["verack"] : ["version", "verack"], sent);
        Assert.Equal(70015, raw.Peer.ProtocolVersion);
        Assert.Equal(70016, raw.Peer.GetStats().RemoteProtocolVersion);
        Assert.False(raw.Peer.Features.WtxidRelay);
    }

    [Theory]
    [InlineData(123_456)]
    [InlineData(0)]
    public async Task Start_height_provider_value_appears_in_the_version_message(int height)
    {
        int calls = 0;
        var config = new PeerConfig
        {
            Network = BitcoinNetwork.Regtest,
            NonceCache = new NonceCache(),
            StartHeight = () =>
            {
                Interlocked.Increment(ref calls);
                return height;
            },
        };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");

        Assert.Equal(height, version.StartHeight);
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Without_a_start_height_provider_the_height_is_zero()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");

        Assert.Equal(0, version.StartHeight);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Relay_flag_follows_the_configuration(bool relay)
    {
        var config = new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache(), RelayTransactions = relay };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");

        Assert.Equal(relay, version.Relay);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Remote_relay_flag_is_recorded(bool relay)
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);

        await raw.HandshakeAsync(RawPeer.Version(relay: relay));

        Assert.Equal(relay, raw.Peer.Features.RelayTransactions);
    }

    [Fact]
    public void Defaults_are_Bitcoin_Core_like()
    {
        // Bitcoin Core: PING_INTERVAL 2 min, TIMEOUT_INTERVAL 20 min (ping timeout and inactivity), -peertimeout 60 s,
        // PROTOCOL_VERSION 70017 (master, BIP434), MIN_PEER_PROTO_VERSION 31800, INVENTORY_BROADCAST_MAX 1000, trickle averages
        // 5 s inbound / 2 s outbound. btcd: stallResponseTimeout 30 s (3x for getheaders), 1000 known inventory,
        // 50 sent nonces.
        Assert.Equal(TimeSpan.FromMinutes(2), PeerDefaults.PingInterval);
        Assert.Equal(TimeSpan.FromMinutes(20), PeerDefaults.PingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), PeerDefaults.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromMinutes(20), PeerDefaults.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), PeerDefaults.StallResponseTimeout);
        Assert.Equal(3, PeerDefaults.HeadersStallMultiplier);
        Assert.Equal(TimeSpan.FromSeconds(5), PeerDefaults.InboundTrickleInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), PeerDefaults.OutboundTrickleInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), PeerDefaults.SchedulerTick);
        Assert.Equal(1_000, PeerDefaults.KnownInventoryCapacity);
        Assert.Equal(1_000, PeerDefaults.MaxInventoryPerMessage);
        Assert.Equal(50, PeerDefaults.SentNonceCacheSize);
        Assert.Equal(70017, PeerDefaults.ProtocolVersion);
        Assert.Equal(ProtocolVersions.Latest, PeerDefaults.ProtocolVersion);
        Assert.Equal(31800, PeerDefaults.MinProtocolVersion);
        Assert.Equal(ProtocolVersions.MinPeer, PeerDefaults.MinProtocolVersion);
        Assert.Equal(256, ProtocolLimits.MaxUserAgentLength);

        // A configuration with nothing set uses them.
        var config = new PeerConfig();
        Assert.Equal(PeerDefaults.PingInterval, config.PingInterval);
        Assert.Equal(PeerDefaults.PingTimeout, config.PingTimeout);
        Assert.Equal(PeerDefaults.HandshakeTimeout, config.HandshakeTimeout);
        Assert.Equal(PeerDefaults.IdleTimeout, config.IdleTimeout);
        Assert.Equal(PeerDefaults.StallResponseTimeout, config.StallResponseTimeout);
        Assert.Null(config.TrickleInterval);
        Assert.Equal(PeerDefaults.MaxInventoryPerMessage, config.MaxInventoryPerMessage);
        Assert.Equal(PeerDefaults.KnownInventoryCapacity, config.KnownInventoryCapacity);
        Assert.Equal(PeerDefaults.ProtocolVersion, config.ProtocolVersion);
        Assert.Equal(PeerDefaults.MinProtocolVersion, config.MinProtocolVersion);
        Assert.Same(BitcoinNetwork.Mainnet, config.Network);
        Assert.Equal(TimeProvider.System, config.TimeProvider);
        Assert.True(config.RelayTransactions);
        Assert.True(config.AnnounceWtxidRelay);
        Assert.True(config.AnnounceAddrV2);
        Assert.False(config.SendHeaders);
        Assert.Null(config.SendCompactBlocks);
        Assert.Null(config.FeeFilter);
        Assert.Equal(ServiceFlags.None, config.RequiredServices);

        // Like Bitcoin Core (-peerbloomfilters defaults to off): NODE_BLOOM is not advertised unless asked for.
        Assert.Equal(ServiceFlags.None, config.Services & ServiceFlags.Bloom);
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness, config.Services & (ServiceFlags.Network | ServiceFlags.Witness));
    }
}
