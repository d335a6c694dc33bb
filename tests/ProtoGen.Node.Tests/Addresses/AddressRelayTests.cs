using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Addresses;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Addresses;

/// <summary>
/// <see cref="AddressRelay"/> on peers over in-memory pipes, on a fake clock: Bitcoin Core's addr token bucket,
/// getaddr answered once for inbound peers from the <see cref="AddressBook"/>, and flooded addresses never handed back.
/// </summary>
public class AddressRelayTests
{
    [Fact]
    public async Task Addresses_beyond_the_token_bucket_are_dropped_and_counted()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync();

        // The bucket starts at 1.
        await remote.SendAsync(Addr(Addresses(0, 10)));
        await remote.SyncAsync();
        Assert.Equal(1, node.Book.Count);
        Assert.Equal(new AddressRelayStats { Received = 10, Accepted = 1, RateLimited = 9 }, node.Relay.GetStats());

        // 0.1 per second: 100 s later, 10 more.
        node.Time.Advance(TimeSpan.FromSeconds(100));
        await remote.SendAsync(Addr(Addresses(100, 20)));
        await remote.SyncAsync();
        Assert.Equal(11, node.Book.Count);
        Assert.Equal(new AddressRelayStats { Received = 30, Accepted = 11, RateLimited = 19 }, node.Relay.GetStats());

        // The refill stops at 1,000.
        node.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(AddressRelay.MaxAddrProcessingTokenBucket, node.Relay.Tokens(remote.Peer));
    }

    [Fact]
    public async Task After_our_getaddr_the_peer_may_answer_with_1000_addresses_beyond_its_bucket()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(direction: PeerDirection.Outbound);

        Assert.True(node.Relay.RequestAddresses(remote.Peer));
        await remote.ReceiveAsync("getaddr");
        await remote.SendAsync(Addr(Addresses(0, ProtocolLimits.MaxAddresses)));
        await remote.SendAsync(Addr(Addresses(5_000, 3)));
        await remote.SyncAsync();

        // 1 + 1,000 tokens: the answer and one more address.
        Assert.Equal(ProtocolLimits.MaxAddresses + 1, node.Book.Count);
        Assert.Equal(2, node.Relay.GetStats().RateLimited);
    }

    [Fact]
    public async Task An_inbound_peers_first_getaddr_is_answered_from_the_book_within_23_percent_and_later_ones_are_ignored()
    {
        await using var node = new Node();
        foreach (var address in Addresses(0, 100))
        {
            Assert.True(node.Book.Add(V2(address)));
        }

        await using var remote = await node.ConnectAsync();
        await remote.SendAsync(new GetAddrMessage());
        var answer = (await remote.ReceiveAsync("addr")).Decode<AddrMessage>();

        Assert.Equal(23, answer.Addresses.Count);
        Assert.All(answer.Addresses.AsSpan().ToArray(), a => Assert.True(node.Book.Contains(V2(a))));
        Assert.Equal(23, answer.Addresses.AsSpan().ToArray().Select(a => a.Address.ToString()).Distinct().Count());

        await remote.SendAsync(new GetAddrMessage());
        Assert.DoesNotContain(await remote.SyncAsync(), f => f.Command is "addr" or "addrv2");
        var stats = node.Relay.GetStats();
        Assert.Equal(1, stats.GetAddrAnswered);
        Assert.Equal(1, stats.GetAddrIgnored);
        Assert.Equal(23, stats.AddressesSent);
    }

    [Fact]
    public async Task A_getaddr_answer_holds_at_most_1000_addresses()
    {
        await using var node = new Node(bookCapacity: 10_000);
        foreach (var address in Addresses(0, 10_000))
        {
            node.Book.Add(V2(address));
        }

        await using var remote = await node.ConnectAsync(sendAddrV2: true);
        await remote.SendAsync(new GetAddrMessage());
        var answer = (await remote.ReceiveAsync("addrv2")).Decode<AddrV2Message>();

        Assert.Equal(ProtocolLimits.MaxAddresses, answer.Addresses.Count);
    }

    [Fact]
    public async Task An_outbound_peers_getaddr_is_ignored()
    {
        await using var node = new Node();
        node.Book.Add(V2(Addresses(0, 1)[0]));
        await using var remote = await node.ConnectAsync(direction: PeerDirection.Outbound);

        await remote.SendAsync(new GetAddrMessage());

        Assert.DoesNotContain(await remote.SyncAsync(), f => f.Command is "addr" or "addrv2");
        Assert.Equal(1, node.Relay.GetStats().GetAddrIgnored);
    }

    [Fact]
    public async Task Addresses_a_peer_flooded_are_never_handed_back_and_its_own_are_not_echoed_to_it()
    {
        await using var node = new Node();
        foreach (var address in Addresses(0, 400))
        {
            node.Book.Add(V2(address));
        }

        // A flooder sends 1,000 addresses: its bucket lets one through.
        await using var flooder = await node.ConnectAsync();
        var flood = Addresses(10_000, ProtocolLimits.MaxAddresses);
        await flooder.SendAsync(Addr(flood));
        await flooder.SyncAsync();
        var kept = flood.Where(a => node.Book.Contains(V2(a))).Select(a => a.Address.ToString()).ToHashSet();
        Assert.Single(kept);
        Assert.Equal(ProtocolLimits.MaxAddresses - 1, node.Relay.GetStats().RateLimited);

        // Another peer asks: nothing dropped comes back (only what the book holds).
        await using var asker = await node.ConnectAsync();
        await asker.SendAsync(new GetAddrMessage());
        var answer = (await asker.ReceiveAsync("addr")).Decode<AddrMessage>().Addresses.AsSpan().ToArray();
        var dropped = flood.Select(a => a.Address.ToString()).Where(a => !kept.Contains(a)).ToHashSet();
        Assert.Equal(401 * AddressRelay.MaxPercentAddrToSend / 100, answer.Length);
        Assert.DoesNotContain(answer, a => dropped.Contains(a.Address.ToString()));

        // The flooder asks: not even the one address it gave us comes back to it.
        await flooder.SendAsync(new GetAddrMessage());
        var own = (await flooder.ReceiveAsync("addr")).Decode<AddrMessage>().Addresses.AsSpan().ToArray();
        Assert.DoesNotContain(own, a => kept.Contains(a.Address.ToString()));
    }

    [Fact]
    public async Task An_IPv4_mapped_addr_entry_is_kept_as_IPv4_and_implausible_timestamps_are_aged_five_days()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync();
        long now = node.Time.GetUtcNow().ToUnixTimeSeconds();

        await remote.SendAsync(new AddrMessage
        {
            Addresses = new WireArray<TimestampedNetworkAddress>([new TimestampedNetworkAddress
            {
                Timestamp = (uint)(now + 3600),
                Address = NetworkAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 8333), ServiceFlags.Network),
            }]),
        });
        await remote.SyncAsync();

        var kept = Assert.Single(node.Book.GetAll());
        Assert.Equal(AddressNetwork.IPv4, kept.Address.Network);
        Assert.Equal(IPAddress.Parse("1.2.3.4"), kept.Address.ToIPAddress());
        Assert.Equal((uint)(now - (long)AddressRelay.ImplausibleTimestampAge.TotalSeconds), kept.Timestamp);
    }

    [Fact]
    public async Task Addresses_of_nodes_that_serve_no_blocks_are_ignored()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync();
        var entry = Addresses(0, 1)[0];

        await remote.SendAsync(Addr([entry with { Address = entry.Address with { Services = ServiceFlags.Witness } }]));
        await remote.SyncAsync();

        Assert.Equal(0, node.Book.Count);
        Assert.Equal(1, node.Relay.GetStats().Ignored);
    }

    /// <summary><paramref name="count"/> routable IPv4 addresses from 11.0.0.0 on (distinct, full-node services, timestamped now).</summary>
    internal static TimestampedNetworkAddress[] Addresses(int first, int count) =>
        Enumerable.Range(first, count).Select(i => new TimestampedNetworkAddress
        {
            Timestamp = 1_700_000_000,
            Address = NetworkAddress.FromEndPoint(new IPEndPoint(new IPAddress([11, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), 8333), ServiceFlags.Network | ServiceFlags.Witness),
        }).ToArray();

    internal static NetworkAddressV2 V2(TimestampedNetworkAddress entry) => new()
    {
        Timestamp = entry.Timestamp,
        Services = entry.Address.Services,
        Address = new AddrV2Address(AddressNetwork.IPv4, entry.Address.ToIPAddress().GetAddressBytes()),
        Port = entry.Address.Port,
    };

    private static AddrMessage Addr(TimestampedNetworkAddress[] entries) => new() { Addresses = new WireArray<TimestampedNetworkAddress>(entries) };

    /// <summary>An address book, its relay and a fake clock; peers connect over pipes.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly PeerScheduler _scheduler;

        public Node(int bookCapacity = AddressBook.DefaultCapacity)
        {
            (Time, _scheduler) = NodeTestConfig.FakeClock();
            Book = new AddressBook(bookCapacity);
            Relay = new AddressRelay(Book);
        }

        public ManualTimeProvider Time { get; }

        public AddressBook Book { get; }

        public AddressRelay Relay { get; }

        public async Task<ScriptedRemote> ConnectAsync(PeerDirection direction = PeerDirection.Inbound, bool sendAddrV2 = false)
        {
            var config = NodeTestConfig.Create(Relay, Time, _scheduler) with { StallResponseTimeout = TimeSpan.Zero };
            var remote = new ScriptedRemote(config, direction: direction);
            await remote.HandshakeAsync(sendAddrV2);
            return remote;
        }

        public ValueTask DisposeAsync()
        {
            _scheduler.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
