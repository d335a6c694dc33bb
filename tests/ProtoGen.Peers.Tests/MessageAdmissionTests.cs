using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Messages that arrive before the handshake completes, redundant handshake messages, and messages the negotiated
/// version does not allow: ignored (counted, logged, not delivered), never a disconnect. Bitcoin Core's
/// ProcessMessage: "non-version message before version handshake", "Unsupported message prior to verack",
/// "redundant version message", "ignoring redundant verack message".
/// </summary>
public class MessageAdmissionTests
{
    private static readonly InventoryVector Item = new(InventoryType.Tx, Hash256.Parse("00000000000000000000000000000000000000000000000000000000000000aa"));

    [Fact]
    public async Task Messages_before_version_are_ignored_without_disconnecting()
    {
        var log = new MessageLog();
        // The raw remote speaks v1 and opens with something other than version, which a v2-enabled responder reads as a v2 key (as Bitcoin Core does): these rules are the v1 transport's.
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log) with { V2Transport = V2TransportMode.Off }, PeerDirection.Inbound);

        await raw.SendAsync(new PingMessage { Nonce = 7 });
        await raw.SendAsync(new InvMessage { Inventory = new WireArray<InventoryVector>([Item]) });
        await raw.SendAsync(new VerAckMessage());
        await raw.SendAsync(new GetAddrMessage());
        await raw.SendAsync(new SendHeadersMessage());
        await Eventually.IgnoredAsync(raw.Peer, 5);

        Assert.True(raw.Peer.IsConnected);
        Assert.Empty(log.Messages);
        Assert.False(raw.Peer.IsHandshakeComplete);
        Assert.False(raw.Peer.Features.SendHeaders);

        // No pong went out for the early ping: the peer's first frames are its handshake.
        var sent = await raw.HandshakeAsync();
        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack"], sent);
        Assert.Equal(["version", "verack"], log.Commands);
        Assert.Equal(0, raw.Peer.GetStats().SentByCommand.GetValueOrDefault("pong").Messages);
    }

    [Fact]
    public async Task Between_version_and_verack_only_verack_and_negotiation_messages_are_processed()
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version());
        await raw.SendAsync(new PingMessage { Nonce = 7 });
        await raw.SendAsync(new InvMessage { Inventory = new WireArray<InventoryVector>([Item]) });
        await raw.SendAsync(new GetAddrMessage());
        await raw.SendAsync(new FeeFilterMessage { FeeRate = 1_000 });
        await raw.SendAsync(new GetHeadersMessage { Version = 70016, Locator = new WireArray<Hash256>([Hash256.Zero]), HashStop = Hash256.Zero });
        await raw.SendAsync(new HeadersMessage { Headers = new WireArray<BlockHeader>([BitcoinNetwork.Regtest.GenesisHeader]) });
        await Eventually.IgnoredAsync(raw.Peer, 6);
        Assert.True(raw.Peer.IsConnected);
        Assert.False(raw.Peer.IsKnownInventory(Item));

        await raw.ReceiveUntilAsync("verack");
        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        // Nothing but the handshake was delivered, and the early ping was never answered.
        Assert.Equal(["version", "verack"], log.Commands);
        Assert.Null(raw.Peer.Features.FeeFilter);
        var beforeBarrier = await raw.PingBarrierAsync(0x5151);
        Assert.DoesNotContain("pong", beforeBarrier);

        // After verack the same messages are processed.
        await raw.SendAsync(new InvMessage { Inventory = new WireArray<InventoryVector>([Item]) });
        await log.WaitForAsync("inv");
        Assert.True(raw.Peer.IsKnownInventory(Item));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Second_version_is_ignored_as_redundant(bool afterVerack)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);
        await raw.SendAsync(RawPeer.Version(70016, height: 10));
        await raw.ReceiveUntilAsync("verack");
        if (afterVerack)
        {
            await raw.SendAsync(new VerAckMessage());
            await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        }

        long ignored = raw.Peer.GetStats().MessagesIgnored;
        await raw.SendAsync(RawPeer.Version(70012, nonce: 99, height: 500) with { UserAgent = "/Other:2.0/" });
        await Eventually.IgnoredAsync(raw.Peer, ignored + 1);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(70016, raw.Peer.ProtocolVersion);
        Assert.Equal("/RawPeer:1.0/", raw.Peer.RemoteVersion!.UserAgent);
        Assert.Equal(10, raw.Peer.GetStats().StartingHeight);
        Assert.Equal(1, log.Count("version"));
        if (!afterVerack)
        {
            // The handshake still completes normally.
            await raw.SendAsync(new VerAckMessage());
            await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.Equal(1, raw.Peer.GetStats().SentByCommand["version"].Messages);
    }

    [Fact]
    public async Task Second_verack_is_ignored_as_redundant()
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        long ignored = raw.Peer.GetStats().MessagesIgnored;

        await raw.SendAsync(new VerAckMessage());
        await Eventually.IgnoredAsync(raw.Peer, ignored + 1);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(1, log.Count("verack"));
    }

    public static TheoryData<string, int, int> VersionGated => new()
    {
        // command, a remote version too old for it, the lowest remote version that allows it
        { "sendheaders", 60000, 70012 },
        { "sendheaders", 70001, 70012 },
        { "sendheaders", 70011, 70012 },
        { "feefilter", 60000, 70013 },
        { "feefilter", 70001, 70013 },
        { "feefilter", 70012, 70013 },
        { "sendcmpct", 70013, 70014 },
        { "pong", 60000, 60001 },
        { "mempool", 60001, 60002 },
        { "cmpctblock", 70013, 70014 },
        { "reject", 70001, 70002 },
    };

    [Theory]
    [MemberData(nameof(VersionGated))]
    public async Task Message_the_negotiated_version_does_not_allow_is_ignored(string command, int tooOld, int allowed)
    {
        _ = allowed;
        var log = new MessageLog();
        var config = ProtocolConfig.Create(listener: log, services: ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom);
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await raw.HandshakeAtAsync(tooOld);
        var before = raw.Peer.Features;
        long ignored = raw.Peer.GetStats().MessagesIgnored;

        await raw.SendAsync(Gated(command));
        await Eventually.IgnoredAsync(raw.Peer, ignored + 1);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(0, log.Count(command));
        Assert.Equal(before, raw.Peer.Features);
        Assert.Equal(1, raw.Peer.GetStats().ReceivedByCommand[command].Messages);
    }

    [Theory]
    [MemberData(nameof(VersionGated))]
    public async Task Message_the_negotiated_version_allows_is_delivered(string command, int tooOld, int allowed)
    {
        _ = tooOld;
        var log = new MessageLog();
        var config = ProtocolConfig.Create(listener: log, services: ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom);
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await raw.HandshakeAtAsync(allowed);
        long ignored = raw.Peer.GetStats().MessagesIgnored;

        await raw.SendAsync(Gated(command));
        await log.WaitForAsync(command);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(ignored, raw.Peer.GetStats().MessagesIgnored);
    }

    private static IMessage Gated(string command) => command switch
    {
        "sendheaders" => new SendHeadersMessage(),
        "feefilter" => new FeeFilterMessage { FeeRate = 1_000 },
        "sendcmpct" => new SendCmpctMessage { HighBandwidth = true, Version = 2 },
        "pong" => new PongMessage { Nonce = 5 },
        "mempool" => new MemPoolMessage(),
        "cmpctblock" => new CmpctBlockMessage
        {
            Header = BitcoinNetwork.Regtest.GenesisHeader,
            Nonce = 1,
            ShortIds = WireArray<ShortTxId>.Empty,
            PrefilledTransactions = new WireArray<PrefilledTransaction>([new PrefilledTransaction { Index = 0, Transaction = BitcoinNetwork.Regtest.GenesisBlock!.Transactions[0] }]),
        },
        "reject" => new RejectMessage { RejectedCommand = "tx", Code = RejectCode.Invalid, Reason = "bad", Hash = Hash256.Zero },
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
