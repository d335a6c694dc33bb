using System.IO.Pipelines;
using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>Sending — the push helpers: PushAddr, PushGetBlocks, PushGetHeaders, PushReject.</summary>
public class PushHelperTests
{
    [Fact]
    public async Task PushAddr_sends_at_most_1000_distinct_addresses_chosen_at_random_from_the_input()
    {
        var remote = await ConnectAsync(sendAddrV2: true);
        await using var _ = remote;
        var input = Enumerable.Range(0, 2_500).Select(IPv4).ToList();

        var first = remote.Peer.PushAddr(input);
        var second = remote.Peer.PushAddr(input);
        var frames = await remote.SentinelAsync();

        foreach (var chosen in new[] { first, second })
        {
            Assert.Equal(1_000, chosen.Count);
            Assert.Equal(1_000, chosen.Distinct().Count());
            Assert.All(chosen, address => Assert.Contains(address, input));
        }

        Assert.NotEqual(first, second);
        Assert.Equal(["addrv2", "addrv2"], frames.Select(f => f.Command));
        Assert.Equal(first, frames[0].Decode<AddrV2Message>().Addresses.AsSpan().ToArray());
        Assert.Equal(second, frames[1].Decode<AddrV2Message>().Addresses.AsSpan().ToArray());
    }

    [Fact]
    public async Task PushAddr_with_1000_or_fewer_sends_them_all_in_order()
    {
        var remote = await ConnectAsync(sendAddrV2: true);
        await using var _ = remote;
        var input = Enumerable.Range(0, 1_000).Select(IPv4).ToList();

        var chosen = remote.Peer.PushAddr(input);
        var (frame, _) = await remote.ReceiveUntilAsync("addrv2");

        Assert.Equal(input, chosen);
        Assert.Equal(input, frame.Decode<AddrV2Message>().Addresses.AsSpan().ToArray());
    }

    [Fact]
    public async Task PushAddr_sends_addrv2_with_every_network_to_a_remote_that_sent_sendaddrv2()
    {
        var remote = await ConnectAsync(sendAddrV2: true);
        await using var _ = remote;
        var input = MixedNetworks();

        var chosen = remote.Peer.PushAddr(input);
        var (frame, _) = await remote.ReceiveUntilAsync("addrv2");

        Assert.Equal(input, chosen);
        Assert.Equal(input, frame.Decode<AddrV2Message>().Addresses.AsSpan().ToArray());
    }

    [Fact]
    public async Task PushAddr_sends_addr_with_only_the_IPv4_and_IPv6_entries_to_a_remote_without_sendaddrv2()
    {
        var remote = await ConnectAsync(sendAddrV2: false);
        await using var _ = remote;
        var input = MixedNetworks();

        var chosen = remote.Peer.PushAddr(input);
        var frames = await remote.SentinelAsync();

        var expected = input.Where(a => a.Address.Network is AddressNetwork.IPv4 or AddressNetwork.IPv6).ToList();
        Assert.Equal(expected, chosen);
        var addr = Assert.Single(frames, f => f.Command is "addr" or "addrv2");
        Assert.Equal("addr", addr.Command);
        var sent = addr.Decode<AddrMessage>().Addresses.AsSpan().ToArray();
        Assert.Equal(expected.Count, sent.Length);
        for (int i = 0; i < sent.Length; i++)
        {
            Assert.Equal(expected[i].Timestamp, sent[i].Timestamp);
            Assert.Equal(expected[i].Services, sent[i].Address.Services);
            Assert.Equal(expected[i].Port, sent[i].Address.Port);
            var ip = expected[i].Address.ToIPAddress()!;
            Assert.Equal(ip, sent[i].Address.ToIPAddress());
            Assert.Equal(ip.MapToIPv6().GetAddressBytes(), sent[i].Address.Address.ToArray()); // IPv4 as ::ffff:a.b.c.d
        }
    }

    [Fact]
    public async Task PushAddr_with_no_IP_address_for_a_legacy_remote_sends_nothing()
    {
        var remote = await ConnectAsync(sendAddrV2: false);
        await using var _ = remote;

        var chosen = remote.Peer.PushAddr(MixedNetworks().Where(a => a.Address.Network == AddressNetwork.TorV3).ToList());

        Assert.Empty(chosen);
        Assert.DoesNotContain(await remote.SentinelAsync(), f => f.Command is "addr" or "addrv2");
    }

    [Theory]
    [InlineData("getblocks")]
    [InlineData("getheaders")]
    public async Task PushGetBlocks_and_PushGetHeaders_build_the_request_and_skip_an_identical_one_back_to_back(string command)
    {
        var remote = await ConnectAsync();
        await using var _ = remote;
        Func<IReadOnlyList<Hash256>, Hash256, bool> push = command == "getblocks" ? remote.Peer.PushGetBlocks : remote.Peer.PushGetHeaders;
        var locator = new[] { H(3), H(2), H(1) };

        Assert.True(push(locator, H(9)));
        Assert.False(push(locator, H(9)));
        Assert.False(push([H(3)], H(9)));
        Assert.True(push(locator, H(10)));
        Assert.True(push(locator, H(9)));
        Assert.True(push([H(4), H(3)], H(9)));

        var frames = (await remote.SentinelAsync()).Where(f => f.Command == command).ToList();
        var requests = frames.Select(f => command == "getblocks"
            ? (f.Decode<GetBlocksMessage>().Version, f.Decode<GetBlocksMessage>().Locator.AsSpan().ToArray(), f.Decode<GetBlocksMessage>().HashStop)
            : (f.Decode<GetHeadersMessage>().Version, f.Decode<GetHeadersMessage>().Locator.AsSpan().ToArray(), f.Decode<GetHeadersMessage>().HashStop)).ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal((uint)PeerDefaults.ProtocolVersion, r.Item1));
        Assert.Equal(locator, requests[0].Item2);
        Assert.Equal(H(9), requests[0].HashStop);
        Assert.Equal(H(10), requests[1].HashStop);
        Assert.Equal(H(9), requests[2].HashStop);
        Assert.Equal([H(4), H(3)], requests[3].Item2);
    }

    [Theory]
    [InlineData("getblocks")]
    [InlineData("getheaders")]
    public async Task A_request_refused_by_a_full_queue_is_not_remembered_as_sent(string command)
    {
        var tiny = new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false);
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { SendQueueCapacity = 1 }, peerOutput: tiny);
        await remote.HandshakeAsync();
        Func<IReadOnlyList<Hash256>, Hash256, bool> push = command == "getblocks" ? remote.Peer.PushGetBlocks : remote.Peer.PushGetHeaders;

        // Back the writer up and fill the one-slot queue.
        Assert.True(remote.Peer.QueueMessage(new InvMessage { Inventory = Enumerable.Range(0, 1000).Select(i => new InventoryVector(InventoryType.Tx, H(i))).ToArray() }));
        await remote.WaitForUnreadAsync(30_000);
        Assert.True(remote.Peer.QueueMessage(new GetAddrMessage()));
        Assert.False(remote.Peer.QueueMessage(new GetAddrMessage()));

        Assert.False(push([H(1)], H(2)));

        // The remote reads again: the same request must now go out, since the refused one never did.
        await remote.ReceiveUntilAsync("getaddr");
        await Poll.UntilAsync(() => remote.Peer.QueuedMessageCount == 0, "the queue drained");
        Assert.True(push([H(1)], H(2)));
        var (frame, _) = await remote.ReceiveUntilAsync(command);
        Assert.Equal(H(2), command == "getblocks" ? frame.Decode<GetBlocksMessage>().HashStop : frame.Decode<GetHeadersMessage>().HashStop);
    }

    [Fact]
    public async Task PushReject_is_skipped_below_protocol_70002()
    {
        var remote = await ConnectAsync(protocolVersion: 70001);
        await using var _ = remote;

        var task = remote.Peer.PushReject("tx", RejectCode.Invalid, "bad", H(1), waitUntilWritten: true);

        Assert.True(task.IsCompletedSuccessfully);
        Assert.DoesNotContain(await remote.SentinelAsync(), f => f.Command == "reject");
    }

    [Theory]
    [InlineData("tx", true)]
    [InlineData("block", true)]
    [InlineData("version", false)]
    [InlineData("headers", false)]
    public async Task PushReject_carries_the_hash_only_for_blocks_and_transactions(string rejected, bool withHash)
    {
        var remote = await ConnectAsync();
        await using var _ = remote;

        await remote.Peer.PushReject(rejected, RejectCode.Invalid, "not good", H(5));
        var (frame, _) = await remote.ReceiveUntilAsync("reject");

        var reject = frame.Decode<RejectMessage>();
        Assert.Equal(rejected, reject.RejectedCommand);
        Assert.Equal(RejectCode.Invalid, reject.Code);
        Assert.Equal("not good", reject.Reason);
        Assert.Equal(withHash ? H(5) : null, reject.Hash);
        Assert.Equal(1 + rejected.Length + 1 + 1 + "not good".Length + (withHash ? 32 : 0), frame.Payload.Length);
    }

    [Fact]
    public async Task PushReject_waiting_until_written_completes_only_once_the_remote_can_read_it()
    {
        var tiny = new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false);
        var remote = await ConnectAsync(peerOutput: tiny);
        await using var _ = remote;

        // Back the writer up, then reject: the task waits for the wire.
        Assert.True(remote.Peer.QueueMessage(new InvMessage { Inventory = Enumerable.Range(0, 1000).Select(i => new InventoryVector(InventoryType.Tx, H(i))).ToArray() }));
        var written = remote.Peer.PushReject("tx", RejectCode.Duplicate, "seen it", H(6), waitUntilWritten: true);
        Assert.False(written.IsCompleted);

        var (frame, _) = await remote.ReceiveUntilAsync("reject");
        await written.WaitAsync(PeerPair.Timeout);
        Assert.Equal(H(6), frame.Decode<RejectMessage>().Hash);
    }

    private static async Task<PipeRemote> ConnectAsync(bool sendAddrV2 = false, int protocolVersion = 70016, PipeOptions? peerOutput = null)
    {
        // A fake clock nobody advances: no pings, no stall deadlines, only what the test sends.
        var (time, scheduler) = TestConfig.FakeClock();
        var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler), peerOutput: peerOutput);
        await remote.HandshakeAsync(remote.Version(protocolVersion), sendAddrV2: sendAddrV2 && protocolVersion >= 70016);
        return remote;
    }

    private static NetworkAddressV2 IPv4(int i) => new()
    {
        Timestamp = 1_700_000_000 + (uint)i,
        Services = ServiceFlags.Network,
        Address = new AddrV2Address(AddressNetwork.IPv4, new byte[] { 10, (byte)(i >> 16), (byte)(i >> 8), (byte)i }),
        Port = 8333,
    };

    private static List<NetworkAddressV2> MixedNetworks() =>
    [
        IPv4(1),
        new() { Timestamp = 1_700_000_100, Services = ServiceFlags.Network | ServiceFlags.Witness, Address = new AddrV2Address(AddressNetwork.TorV3, Enumerable.Repeat((byte)0xab, 32).ToArray()), Port = 8333 },
        new() { Timestamp = 1_700_000_200, Services = ServiceFlags.Witness, Address = new AddrV2Address(AddressNetwork.IPv6, IPAddress.Parse("2001:db8::1").GetAddressBytes()), Port = 18444 },
        new() { Timestamp = 1_700_000_300, Services = ServiceFlags.Network, Address = new AddrV2Address(AddressNetwork.I2P, Enumerable.Repeat((byte)0xcd, 32).ToArray()), Port = 0 },
        IPv4(2),
        new() { Timestamp = 1_700_000_400, Services = ServiceFlags.Network, Address = new AddrV2Address(AddressNetwork.Cjdns, IPAddress.Parse("fc00::5").GetAddressBytes()), Port = 8333 },
    ];

    private static Hash256 H(int i)
    {
        var bytes = new byte[32];
        bytes[0] = 0x77;
        BitConverter.TryWriteBytes(bytes.AsSpan(4), i);
        return new Hash256(bytes);
    }
}
