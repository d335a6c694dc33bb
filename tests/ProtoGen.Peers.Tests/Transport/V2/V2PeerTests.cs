using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>ProtoGen peers over loopback TCP speaking the BIP324 transport, with each other and with a scripted v2 remote.</summary>
public sealed class V2PeerTests
{
    /// <summary>More than <see cref="V2Protocol.RekeyInterval"/> packets, so every cipher of a direction rekeys at least once.</summary>
    private const int PastRekey = 320;

    private static readonly VersionMessage s_version = RawPeer.Version();

    private static PeerConfig Config(V2TransportMode mode, IBitcoinListener<Peer>? listener = null) =>
        TestConfig.Create(listener) with { V2Transport = mode };

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

    [Fact]
    public async Task A_required_client_and_a_preferred_server_speak_v2_with_equal_session_ids()
    {
        await using var pair = await PeerPair.HandshakeAsync(Config(V2TransportMode.Required), Config(V2TransportMode.Preferred));

        AssertV2WithEqualSessionIds(pair.Client, pair.Server);
        await pair.Server.PingAsync().WaitAsync(PeerPair.Timeout);
    }

    [Fact]
    public async Task ConnectAsync_preferred_to_a_preferred_listener_speaks_v2_without_falling_back()
    {
        var reasons = new List<DisconnectReason>();
        var clientConfig = Config(V2TransportMode.Preferred) with { OnDisconnected = (_, reason) => { lock (reasons) { reasons.Add(reason); } } };
        await using var listener = new PeerListener(Config(V2TransportMode.Preferred));

        var client = await Peer.ConnectAsync(clientConfig, "127.0.0.1", listener.Port).WaitAsync(PeerPair.Timeout);
        var server = await listener.NextAsync();
        try
        {
            await Task.WhenAll(client.WaitForHandshakeAsync(), server.WaitForHandshakeAsync()).WaitAsync(PeerPair.Timeout);
            AssertV2WithEqualSessionIds(client, server);
            await client.PingAsync().WaitAsync(PeerPair.Timeout);
            Assert.Equal(1, listener.Accepted);
            Assert.Equal(0, clientConfig.V1OnlyAddresses.Count);
            lock (reasons)
            {
                Assert.Empty(reasons);
            }
        }
        finally
        {
            client.Disconnect();
            await client.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }
    }

    [Theory]
    [InlineData(PeerDirection.Inbound)]
    [InlineData(PeerDirection.Outbound)]
    public async Task A_remote_sending_the_maximum_garbage_completes_the_handshake_in_either_role(PeerDirection peerDirection)
    {
        await using var raw = await RawV2Peer.ConnectAsync(Config(V2TransportMode.Preferred), peerDirection);

        await raw.HandshakeAsync(RawV2Peer.Garbage(V2Protocol.MaxGarbageLength, seed: 7));
        await raw.BitcoinHandshakeAsync();

        Assert.Equal("v2", raw.Peer.TransportName);
        Assert.Equal(Convert.ToHexStringLower(raw.SessionId), raw.Peer.SessionId);
        Assert.Equal(raw.Peer.SessionId, raw.Peer.GetStats().SessionId);
        await raw.SendAsync(new PingMessage { Nonce = 4095 });
        var (pong, _) = await raw.ReceiveUntilAsync("pong");
        Assert.Equal(4095ul, WireSerializer.Decode<PongMessage>(pong).Nonce);
    }

    [Fact]
    public async Task More_than_a_rekey_interval_of_pings_each_way_between_two_peers_all_arrive()
    {
        await using var pair = await PeerPair.HandshakeAsync(Config(V2TransportMode.Required), Config(V2TransportMode.Preferred));

        // Each round trip is a ping one way and a pong the other: both directions seal and open 640+ packets.
        for (int i = 0; i < PastRekey; i++)
        {
            await pair.Client.PingAsync().WaitAsync(PeerPair.Timeout);
            await pair.Server.PingAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.True(pair.Client.IsConnected, pair.Client.DisconnectReason?.ToString());
        Assert.True(pair.Server.IsConnected, pair.Server.DisconnectReason?.ToString());
        Assert.True(pair.Client.GetStats().MessagesReceived > 2 * PastRekey);
        Assert.True(pair.Server.GetStats().MessagesReceived > 2 * PastRekey);
    }

    [Fact]
    public async Task Decoys_interleaved_between_more_than_a_rekey_interval_of_pings_leave_every_pong_in_order()
    {
        await using var raw = await RawV2Peer.ConnectAsync(Config(V2TransportMode.Preferred));
        await raw.HandshakeAsync();
        await raw.BitcoinHandshakeAsync();

        // Decoys of assorted sizes around every ping, sent in batches so packets also straddle reads.
        var batch = new List<byte>();
        for (int i = 0; i < PastRekey; i++)
        {
            batch.AddRange(raw.SealDecoy(i % 7 * 45));
            batch.AddRange(raw.Seal(new PingMessage { Nonce = 1000ul + (ulong)i }));
            if (i % 3 == 0)
            {
                batch.AddRange(raw.SealDecoy(1));
            }

            if (batch.Count > 8_000)
            {
                await raw.SendRawAsync([.. batch]);
                batch.Clear();
            }
        }

        await raw.SendRawAsync([.. batch]);
        for (int i = 0; i < PastRekey; i++)
        {
            var (pong, _) = await raw.ReceiveUntilAsync("pong");
            Assert.Equal(1000ul + (ulong)i, WireSerializer.Decode<PongMessage>(pong).Nonce);
        }

        Assert.True(raw.Peer.IsConnected, raw.Peer.DisconnectReason?.ToString());
        Assert.Equal(0, raw.Peer.GetStats().PartialMessageBytes);
    }

    [Fact]
    public async Task Every_message_of_the_catalogue_crosses_v2_in_both_directions()
    {
        // NODE_BLOOM on, so the bloom messages are admitted (BIP111) like every other message.
        var log = new MessageLog();
        var config = Config(V2TransportMode.Preferred, log) with { Services = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom };
        await using var raw = await RawV2Peer.ConnectAsync(config);
        var context = new WireContext(70017, WireFlags.None);
        string[] beforeVerack = ["wtxidrelay", "sendaddrv2", "sendtxrcncl", "feature"];

        await raw.HandshakeAsync();
        var version = RawPeer.Version(protocolVersion: 70017, services: ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.P2PV2);
        await raw.BitcoinHandshakeAsync(version, beforeVerack: beforeVerack.Select(Sample), context: context);
        var later = BitcoinMessages.Messages.Where(d => d.Command is not ("version" or "verack") && !beforeVerack.Contains(d.Command)).ToList();
        foreach (var descriptor in later)
        {
            await raw.SendAsync(Sample(descriptor.Command), context);
        }

        // Into the peer: every message decoded from its v2 packet and delivered.
        await raw.SendAsync(new PingMessage { Nonce = 77 });
        while (WireSerializer.Decode<PongMessage>((await raw.ReceiveUntilAsync("pong")).Payload).Nonce != 77)
        {
        }

        Assert.True(raw.Peer.IsConnected, raw.Peer.DisconnectReason?.ToString());
        foreach (var descriptor in BitcoinMessages.Messages)
        {
            Assert.True(log.Count(descriptor.Command) >= 1, $"{descriptor.Command} did not arrive over v2");
        }

        Assert.Empty(log.UnknownCommands);

        // Out of the peer: every message sealed with its short id or long command, payload as encoded.
        foreach (var descriptor in BitcoinMessages.Messages)
        {
            await raw.Peer.SendAsync(Sample(descriptor.Command)).WaitAsync(PeerPair.Timeout);
        }

        // The pong to this ping follows everything written before it; the peer's own messages may be among them.
        await raw.SendAsync(new PingMessage { Nonce = 78 });
        var received = new List<(string Command, byte[] Payload)>();
        while (true)
        {
            var (command, payload) = await raw.ReceiveMessageAsync();
            if (command == "pong" && WireSerializer.Decode<PongMessage>(payload).Nonce == 78)
            {
                break;
            }

            received.Add((command, payload));
        }

        foreach (var descriptor in BitcoinMessages.Messages)
        {
            var expected = RawV2Peer.Payload(Sample(descriptor.Command), context);
            Assert.True(received.Any(m => m.Command == descriptor.Command && m.Payload.AsSpan().SequenceEqual(expected)), $"{descriptor.Command} did not come out over v2 as encoded");
        }

        Assert.True(raw.Peer.IsConnected, raw.Peer.DisconnectReason?.ToString());
    }

    private static void AssertV2WithEqualSessionIds(Peer client, Peer server)
    {
        Assert.Equal("v2", client.TransportName);
        Assert.Equal("v2", server.TransportName);
        Assert.NotNull(client.SessionId);
        Assert.Equal(client.SessionId, server.SessionId);
        Assert.Equal(client.SessionId, client.GetStats().SessionId);
        Assert.Equal(server.SessionId, server.GetStats().SessionId);
        Assert.Equal("v2", client.GetStats().Transport);
    }

    /// <summary>A message of the catalogue with default field values (as in FanOutThroughPeerTests), or a valid version.</summary>
    private static IMessage Sample(string command) => command == "version"
        ? s_version
        : command == "feature"
        ? new FeatureMessage { FeatureId = "BIP434"u8.ToArray() }
        : (IMessage)Activator.CreateInstance(BitcoinMessages.Messages.Single(d => d.Command == command).MessageType)!;
}
