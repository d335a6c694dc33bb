using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Bloom filters (BIP37/BIP111) and mempool (BIP35). Without NODE_BLOOM: filterload/filteradd/filterclear from a
/// remote at or above 70011 disconnect it; below 70011 they are ignored (BIP111's allowance for old clients; modern
/// Bitcoin Core and btcd disconnect at any version); mempool disconnects at any version (Core: "mempool request with
/// bloom filters disabled, disconnect"). With NODE_BLOOM all of them reach the listener.
/// </summary>
public class BloomFilterTests
{
    private const ServiceFlags WithoutBloom = ServiceFlags.Network | ServiceFlags.Witness;
    private const ServiceFlags WithBloom = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom;

    public static TheoryData<string, int> FilterMessagesAt(params int[] versions)
    {
        var data = new TheoryData<string, int>();
        foreach (var command in new[] { "filterload", "filteradd", "filterclear" })
        {
            foreach (var version in versions)
            {
                data.Add(command, version);
            }
        }

        return data;
    }

    public static TheoryData<string, int> FilterMessagesFrom70011 => FilterMessagesAt(70011, 70016);

    public static TheoryData<string, int> FilterMessagesBelow70011 => FilterMessagesAt(70001, 70002, 70010);

    public static TheoryData<string, int> FilterMessagesAnyVersion => FilterMessagesAt(70002, 70016);

    [Theory]
    [MemberData(nameof(FilterMessagesFrom70011))]
    public async Task Without_NODE_BLOOM_a_filter_message_from_70011_on_disconnects(string command, int remoteVersion)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, services: WithoutBloom), PeerDirection.Inbound);
        await raw.HandshakeAtAsync(remoteVersion);

        await raw.SendAsync(Filter(command));

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.BloomNotSupported, reason.Kind);
        Assert.Equal(0, log.Count(command));
    }

    [Theory]
    [MemberData(nameof(FilterMessagesBelow70011))]
    public async Task Without_NODE_BLOOM_a_filter_message_below_70011_is_ignored(string command, int remoteVersion)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, services: WithoutBloom), PeerDirection.Inbound);
        await raw.HandshakeAtAsync(remoteVersion);
        long ignored = raw.Peer.GetStats().MessagesIgnored;

        await raw.SendAsync(Filter(command));
        await Eventually.IgnoredAsync(raw.Peer, ignored + 1);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(0, log.Count(command));

        // Still a working connection.
        await raw.PingBarrierAsync();
        Assert.True(raw.Peer.IsConnected);
    }

    [Theory]
    [MemberData(nameof(FilterMessagesAnyVersion))]
    public async Task With_NODE_BLOOM_filter_messages_reach_the_listener(string command, int remoteVersion)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, services: WithBloom), PeerDirection.Inbound);
        await raw.HandshakeAtAsync(remoteVersion);

        await raw.SendAsync(Filter(command));
        await log.WaitForAsync(command);

        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(0, raw.Peer.GetStats().MessagesIgnored);
    }

    [Fact]
    public async Task With_NODE_BLOOM_the_filter_contents_arrive_intact()
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, services: WithBloom), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        await raw.SendAsync(Filter("filterload"));
        await raw.SendAsync(Filter("filteradd"));
        await raw.SendAsync(Filter("filterclear"));
        await log.WaitForAsync("filterclear");

        Assert.Equal(["filterload", "filteradd", "filterclear"], log.Commands.Where(c => c.StartsWith("filter", StringComparison.Ordinal)));
        var load = log.OfType<FilterLoadMessage>().Single();
        Assert.Equal(new byte[] { 0x01, 0x02, 0x03 }, load.Filter.ToArray());
        Assert.Equal(5u, load.HashFunctions);
        Assert.Equal(0xabcdu, load.Tweak);
        Assert.Equal(new byte[] { 0xde, 0xad }, log.OfType<FilterAddMessage>().Single().Data.ToArray());
    }

    [Theory]
    [InlineData(60002)]
    [InlineData(70002)]
    [InlineData(70011)]
    [InlineData(70016)]
    public async Task Without_NODE_BLOOM_mempool_disconnects_at_any_version(int remoteVersion)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, services: WithoutBloom), PeerDirection.Inbound);
        await raw.HandshakeAtAsync(remoteVersion);

        await raw.SendAsync(new MemPoolMessage());

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.BloomNotSupported, reason.Kind);
        Assert.Equal(0, log.Count("mempool"));
    }

    [Theory]
    [InlineData(70002)]
    [InlineData(70016)]
    public async Task With_NODE_BLOOM_mempool_reaches_the_listener(int remoteVersion)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, services: WithBloom), PeerDirection.Inbound);
        await raw.HandshakeAtAsync(remoteVersion);

        await raw.SendAsync(new MemPoolMessage());
        await log.WaitForAsync("mempool");

        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task Sending_filters_to_a_peer_without_NODE_BLOOM_is_our_own_business()
    {
        // The rule is about what we accept: our own outgoing filterload is sent whatever the remote advertises.
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(services: WithoutBloom), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Filter("filterload"));
        var (load, _) = await raw.ReceiveUntilAsync<FilterLoadMessage>("filterload");

        Assert.Equal(5u, load.HashFunctions);
        Assert.True(raw.Peer.IsConnected);
    }

    private static IMessage Filter(string command) => command switch
    {
        "filterload" => new FilterLoadMessage { Filter = new WireBytes([0x01, 0x02, 0x03]), HashFunctions = 5, Tweak = 0xabcd, Flags = 1 },
        "filteradd" => new FilterAddMessage { Data = new WireBytes([0xde, 0xad]) },
        "filterclear" => new FilterClearMessage(),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
