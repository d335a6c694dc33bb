using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Feature negotiation where Bitcoin Core expects it: wtxidrelay/sendaddrv2 between version and verack (BIP339,
/// BIP155), sendheaders/sendcmpct/feefilter after the handshake (BIP130, BIP152, BIP133), and the remote's side of each.
/// </summary>
public class FeatureNegotiationTests
{
    [Fact]
    public async Task Outbound_sends_wtxidrelay_and_sendaddrv2_after_version_and_before_verack()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Outbound);
        await raw.ExpectAsync<VersionMessage>("version");

        var sent = await raw.HandshakeAsync();

        Assert.Equal(["wtxidrelay", "sendaddrv2", "verack"], sent);
    }

    [Fact]
    public async Task Inbound_sends_version_wtxidrelay_sendaddrv2_then_verack()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);

        var sent = await raw.HandshakeAsync();

        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack"], sent);
    }

    [Theory]
    [InlineData(70016, 70016, true, true, "wtxidrelay,sendaddrv2")]
    [InlineData(70016, 70015, true, true, "")]
    [InlineData(70015, 70016, true, true, "")]
    [InlineData(70016, 70014, true, true, "")]
    [InlineData(70016, 70016, false, true, "sendaddrv2")]
    [InlineData(70016, 70016, true, false, "wtxidrelay")]
    [InlineData(70016, 70016, false, false, "")]
    [InlineData(70016, 80000, true, true, "wtxidrelay,sendaddrv2")]
    public async Task Negotiation_messages_need_version_70016_and_their_option(int ours, int theirs, bool wtxid, bool addrV2, string expected)
    {
        var config = ProtocolConfig.Create(protocolVersion: ours, announceWtxidRelay: wtxid, announceAddrV2: addrV2);
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);

        var sent = await raw.HandshakeAtAsync(theirs);

        var expectedSequence = new List<string> { "version" };
        expectedSequence.AddRange(expected.Split(',', StringSplitOptions.RemoveEmptyEntries));
        expectedSequence.Add("verack");
        Assert.Equal(expectedSequence, sent);
    }

    [Fact]
    public async Task Remote_wtxidrelay_and_sendaddrv2_before_verack_set_the_features()
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version());
        await raw.SendAsync(new WtxidRelayMessage());
        await raw.SendAsync(new SendAddrV2Message());
        await raw.SendAsync(new SendTxRcnclMessage { Version = 1, Salt = 42 });
        await raw.ReceiveUntilAsync("verack");
        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        var features = raw.Peer.Features;
        Assert.True(features.WtxidRelay);
        Assert.True(features.AddrV2);
        Assert.True(features.TxReconciliation);
        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "sendtxrcncl", "verack"], log.Commands);
        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task Without_the_remotes_negotiation_messages_the_features_stay_off()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);

        await raw.HandshakeAsync();

        var features = raw.Peer.Features;
        Assert.False(features.WtxidRelay);
        Assert.False(features.AddrV2);
        Assert.False(features.TxReconciliation);
        Assert.False(features.SendHeaders);
        Assert.Null(features.CompactBlocks);
        Assert.Null(features.FeeFilter);
    }

    [Fact]
    public async Task Wtxidrelay_below_70016_is_ignored_and_sendaddrv2_is_honoured()
    {
        // Bitcoin Core: "ignoring wtxidrelay due to old common version"; sendaddrv2 is accepted at any version.
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version(70015));
        await raw.SendAsync(new WtxidRelayMessage());
        await raw.SendAsync(new SendAddrV2Message());
        await raw.ReceiveUntilAsync("verack");
        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        Assert.False(raw.Peer.Features.WtxidRelay);
        Assert.True(raw.Peer.Features.AddrV2);
        Assert.Equal(1, raw.Peer.GetStats().MessagesIgnored);
        Assert.Equal(["version", "sendaddrv2", "verack"], log.Commands);
    }

    public static TheoryData<string> NegotiationMessages => new() { "wtxidrelay", "sendaddrv2", "sendtxrcncl" };

    [Theory]
    [MemberData(nameof(NegotiationMessages))]
    public async Task Negotiation_message_after_verack_disconnects(string command)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        await raw.SendAsync(NegotiationMessage(command));

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.UnexpectedMessage, reason.ProtocolError);
        Assert.Equal(0, log.Count(command));
    }

    [Theory]
    [InlineData(70016, true, true, true, "sendheaders,sendcmpct,feefilter")]
    [InlineData(70016, false, false, false, "")]
    [InlineData(70016, true, false, false, "sendheaders")]
    [InlineData(70016, false, true, false, "sendcmpct")]
    [InlineData(70016, false, false, true, "feefilter")]
    [InlineData(70014, true, true, true, "sendheaders,sendcmpct,feefilter")]
    [InlineData(70013, true, true, true, "sendheaders,feefilter")]
    [InlineData(70012, true, true, true, "sendheaders")]
    [InlineData(70011, true, true, true, "")]
    public async Task Announcements_after_the_handshake_follow_their_options_and_the_version(int remoteVersion, bool sendHeaders, bool sendCmpct, bool feeFilter, string expected)
    {
        var clock = new ProtocolClock();
        var config = ProtocolConfig.Create(
            clock,
            sendHeaders: sendHeaders,
            sendCompactBlocks: sendCmpct ? (true, 2UL) : null,
            feeFilter: feeFilter ? 1_234 : null);
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);

        var beforeVerack = await raw.HandshakeAtAsync(remoteVersion);
        Assert.DoesNotContain("sendheaders", beforeVerack);
        Assert.DoesNotContain("sendcmpct", beforeVerack);
        Assert.DoesNotContain("feefilter", beforeVerack);

        // The first keep-alive ping follows the announcements: everything before it was sent after verack.
        clock.AdvanceTick();
        var after = new List<string>();
        while (true)
        {
            var (command, payload) = await raw.ReceiveFrameAsync();
            if (command.ToString() == "ping")
            {
                break;
            }

            after.Add(command.ToString());
            switch (command.ToString())
            {
                case "sendcmpct":
                    var cmpct = RawPeer.Decode<SendCmpctMessage>(payload);
                    Assert.True(cmpct.HighBandwidth);
                    Assert.Equal(2UL, cmpct.Version);
                    break;
                case "feefilter":
                    Assert.Equal(1_234, RawPeer.Decode<FeeFilterMessage>(payload).FeeRate);
                    break;
            }
        }

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), after);
    }

    [Fact]
    public async Task Remote_sendheaders_sendcmpct_and_feefilter_are_queryable_in_features()
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        Assert.False(raw.Peer.Features.SendHeaders);

        await raw.SendAsync(new SendHeadersMessage());
        await raw.SendAsync(new SendCmpctMessage { HighBandwidth = true, Version = 2 });
        await raw.SendAsync(new FeeFilterMessage { FeeRate = 5_000 });
        await log.WaitForAsync("feefilter");

        var features = raw.Peer.Features;
        Assert.True(features.SendHeaders);
        Assert.Equal(new CompactBlockMode(true, 2), features.CompactBlocks);
        Assert.Equal(5_000, features.FeeFilter);
        Assert.Equal(features, raw.Peer.GetStats().Features);

        // A later feefilter or sendcmpct replaces the earlier one.
        await raw.SendAsync(new SendCmpctMessage { HighBandwidth = false, Version = 2 });
        await raw.SendAsync(new FeeFilterMessage { FeeRate = 1_000 });
        await log.WaitForAsync("feefilter", 2);
        Assert.Equal(new CompactBlockMode(false, 2), raw.Peer.Features.CompactBlocks);
        Assert.Equal(1_000, raw.Peer.Features.FeeFilter);
        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task Remote_sendheaders_and_sendcmpct_are_accepted_before_verack_but_feefilter_is_not()
    {
        // Bitcoin Core processes sendheaders and sendcmpct between version and verack (since 0.21); feefilter there
        // is an "unsupported message prior to verack" and is ignored.
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version());
        await raw.SendAsync(new SendHeadersMessage());
        await raw.SendAsync(new SendCmpctMessage { HighBandwidth = false, Version = 2 });
        await raw.SendAsync(new FeeFilterMessage { FeeRate = 5_000 });
        await raw.ReceiveUntilAsync("verack");
        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        var features = raw.Peer.Features;
        Assert.True(features.SendHeaders);
        Assert.Equal(new CompactBlockMode(false, 2), features.CompactBlocks);
        Assert.Null(features.FeeFilter);
        Assert.Equal(["version", "sendheaders", "sendcmpct", "verack"], log.Commands);
        Assert.Equal(1, raw.Peer.GetStats().MessagesIgnored);
    }

    [Fact]
    public async Task Two_peers_see_each_others_announcements()
    {
        var client = ProtocolConfig.Create(sendHeaders: true, sendCompactBlocks: (false, 2UL), feeFilter: 2_000);
        var server = ProtocolConfig.Create(announceAddrV2: false);
        await using var pair = await PeerPair.HandshakeAsync(client, server);

        await Eventually.TrueAsync(() => pair.Server.Features.FeeFilter is not null, "the server saw the client's feefilter");

        var seenByServer = pair.Server.Features;
        Assert.True(seenByServer.WtxidRelay);
        Assert.True(seenByServer.AddrV2);
        Assert.True(seenByServer.SendHeaders);
        Assert.Equal(new CompactBlockMode(false, 2), seenByServer.CompactBlocks);
        Assert.Equal(2_000, seenByServer.FeeFilter);

        var seenByClient = pair.Client.Features;
        Assert.True(seenByClient.WtxidRelay);
        Assert.False(seenByClient.AddrV2);
        Assert.False(seenByClient.SendHeaders);
        Assert.Null(seenByClient.CompactBlocks);
        Assert.Null(seenByClient.FeeFilter);
    }

    private static IMessage NegotiationMessage(string command) => command switch
    {
        "wtxidrelay" => new WtxidRelayMessage(),
        "sendaddrv2" => new SendAddrV2Message(),
        "sendtxrcncl" => new SendTxRcnclMessage { Version = 1, Salt = 7 },
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
