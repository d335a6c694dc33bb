using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Stall detection as btcd's stall handler does it (getheaders->headers at 3x, getdata->block/tx/merkleblock/notfound,
/// getblocks->inv, mempool->inv), the pause while a listener runs, the idle timeout, and the one shared scheduler timer.
/// </summary>
public class StallAndIdleTests
{
    private static readonly InventoryVector Item = new(InventoryType.Block, BitcoinNetwork.Regtest.GenesisHash);

    public static TheoryData<string, int> Requests => new()
    {
        { "getheaders", PeerDefaults.HeadersStallMultiplier },
        { "getdata", 1 },
        { "getblocks", 1 },
        { "mempool", 1 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Request_without_its_response_stalls_exactly_at_the_deadline(string request, int multiplier)
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Request(request));
        await raw.ReceiveUntilAsync(request);
        // A listener still running for a handshake message would push the deadline back by all the time the fake
        // clock moves meanwhile (btcd's pause): wait until the read loop is idle.
        await Eventually.TrueAsync(() => !raw.Peer.Stalls.ListenerBusy, "the peer's listener is idle");
        var deadline = PeerDefaults.StallResponseTimeout * multiplier;

        clock.Advance(deadline - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.Stalled, reason.Kind);
    }

    [Fact]
    public async Task Configured_stall_timeout_applies()
    {
        var clock = new ProtocolClock();
        var timeout = TimeSpan.FromSeconds(5);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, stallTimeout: timeout), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Request("getheaders"));
        await raw.ReceiveUntilAsync("getheaders");
        await Eventually.TrueAsync(() => !raw.Peer.Stalls.ListenerBusy, "the peer's listener is idle");
        clock.Advance((timeout * PeerDefaults.HeadersStallMultiplier) - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);
        clock.AdvanceTick();

        Assert.Equal(DisconnectKind.Stalled, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Fact]
    public async Task Zero_stall_timeout_disables_stall_detection()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, stallTimeout: TimeSpan.Zero), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Request("getdata"));
        await raw.ReceiveUntilAsync("getdata");
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.True(raw.Peer.IsConnected);
    }

    public static TheoryData<string, string> Answers => new()
    {
        { "getheaders", "headers" },
        { "getdata", "block" },
        { "getdata", "tx" },
        { "getdata", "merkleblock" },
        { "getdata", "notfound" },
        { "getblocks", "inv" },
        { "mempool", "inv" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Response_before_the_deadline_prevents_the_stall(string request, string response)
    {
        var clock = new ProtocolClock();
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, log), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Request(request));
        await raw.ReceiveUntilAsync(request);
        int multiplier = request == "getheaders" ? PeerDefaults.HeadersStallMultiplier : 1;
        clock.Advance((PeerDefaults.StallResponseTimeout * multiplier) - TimeSpan.FromSeconds(1));

        await raw.SendAsync(Response(response));
        await log.WaitForAsync(response);
        clock.Advance(PeerDefaults.StallResponseTimeout * PeerDefaults.HeadersStallMultiplier * 4);

        Assert.True(raw.Peer.IsConnected);
    }

    [Theory]
    [InlineData("getheaders", "inv")]
    [InlineData("getdata", "headers")]
    [InlineData("getdata", "inv")]
    [InlineData("getblocks", "headers")]
    [InlineData("mempool", "notfound")]
    public async Task Unrelated_message_does_not_answer_the_request(string request, string other)
    {
        var clock = new ProtocolClock();
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, log), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Request(request));
        await raw.ReceiveUntilAsync(request);
        await raw.SendAsync(Response(other));
        await log.WaitForAsync(other);
        int multiplier = request == "getheaders" ? PeerDefaults.HeadersStallMultiplier : 1;
        clock.Advance(PeerDefaults.StallResponseTimeout * multiplier);

        // The listener of the unrelated message may still be returning at that tick (deadlines pause while a listener
        // runs and resume when it returns): later ticks, one scheduler tick of fake time apart, must find the stall.
        await Eventually.TrueAsync(
            () =>
            {
                if (raw.Peer.IsConnected)
                {
                    clock.Advance(PeerDefaults.SchedulerTick);
                }

                return !raw.Peer.IsConnected;
            },
            "the stall disconnect");
        Assert.Equal(DisconnectKind.Stalled, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Fact]
    public async Task Deadline_is_paused_while_a_listener_is_busy()
    {
        var clock = new ProtocolClock();
        var log = new MessageLog();
        var busy = PeerDefaults.StallResponseTimeout * 2;

        // The listener for addr "blocks" for twice the stall timeout of fake time: it advances the clock itself, so
        // the scheduler ticks while it runs.
        log.OnMessage = (_, message) =>
        {
            if (message is AddrMessage)
            {
                clock.Advance(busy);
            }
        };
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, log), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        raw.Peer.QueueMessage(Request("getdata"));
        await raw.ReceiveUntilAsync("getdata");
        var sentAt = clock.Time.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(10));

        await raw.SendAsync(new AddrMessage { Addresses = WireArray<TimestampedNetworkAddress>.Empty });
        await raw.PingBarrierAsync();

        // 70 s after the request, well past its 30 s deadline, and still connected: the listener's 60 s did not count.
        Assert.Equal(sentAt + TimeSpan.FromSeconds(10) + busy, clock.Time.GetUtcNow());
        Assert.True(raw.Peer.IsConnected);

        // The deadline moved back by exactly the listener's time: 30 s + 60 s after the request.
        var deadline = sentAt + PeerDefaults.StallResponseTimeout + busy;
        clock.Advance(deadline - clock.Time.GetUtcNow() - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);
        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        Assert.Equal(DisconnectKind.Stalled, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(300)]
    public async Task Idle_connection_is_disconnected_exactly_at_the_idle_timeout(int? seconds)
    {
        var clock = new ProtocolClock();
        var timeout = seconds is null ? PeerDefaults.IdleTimeout : TimeSpan.FromSeconds(seconds.Value);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, idleTimeout: seconds is null ? null : timeout), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        // The verack was the last thing received; the first ping goes out a tick later and is never answered.
        clock.Advance(timeout - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        Assert.Equal(DisconnectKind.Idle, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Fact]
    public async Task Anything_received_restarts_the_idle_timer()
    {
        var clock = new ProtocolClock();
        var timeout = TimeSpan.FromMinutes(5);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, idleTimeout: timeout), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        clock.Advance(TimeSpan.FromMinutes(4));
        await raw.PingBarrierAsync();
        var lastReceived = clock.Time.GetUtcNow();

        clock.Advance(timeout - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);
        clock.AdvanceTick();

        Assert.Equal(DisconnectKind.Idle, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
        Assert.Equal(lastReceived + timeout, clock.Time.GetUtcNow());
    }

    [Fact]
    public async Task Zero_idle_timeout_disables_the_check()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, idleTimeout: TimeSpan.Zero, pingTimeout: TimeSpan.Zero), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        clock.Advance(TimeSpan.FromHours(1));

        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task Many_peers_share_one_scheduler_and_one_timer()
    {
        var clock = new ProtocolClock();
        var time = new TimerCountingTimeProvider(clock.Time);
        var scheduler = PeerScheduler.GetShared(time);
        const int Pairs = 6;
        var pairs = new List<PeerPair>();
        try
        {
            for (int i = 0; i < Pairs; i++)
            {
                pairs.Add(await PeerPair.HandshakeAsync(
                    ProtocolConfig.Create(timeProvider: time, useSharedScheduler: true),
                    ProtocolConfig.Create(timeProvider: time, useSharedScheduler: true)));
            }

            Assert.Equal(2 * Pairs, scheduler.Count);
            Assert.True(scheduler.IsTimerActive);
            Assert.Equal(1, time.TimersCreated);
            Assert.Same(scheduler, PeerScheduler.GetShared(time));

            // One tick of the one timer drives every peer: each sends its first ping and gets the pong back.
            clock.AdvanceTick();
            await Eventually.TrueAsync(
                () => pairs.All(p => p.Client.GetStats().LastPingRoundTrip is not null && p.Server.GetStats().LastPingRoundTrip is not null),
                "every peer pinged and got its pong");
            Assert.Equal(1, time.TimersCreated);
        }
        finally
        {
            foreach (var pair in pairs)
            {
                await pair.DisposeAsync();
            }
        }

        Assert.Equal(0, scheduler.Count);
        Assert.False(scheduler.IsTimerActive);
    }

    [Fact]
    public async Task A_peer_leaves_the_scheduler_when_it_disconnects()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        Assert.Equal(1, clock.Scheduler.Count);
        Assert.True(clock.Scheduler.IsTimerActive);

        raw.Peer.Disconnect();
        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.Equal(0, clock.Scheduler.Count);
        Assert.False(clock.Scheduler.IsTimerActive);
    }

    private static IMessage Request(string command) => command switch
    {
        "getheaders" => new GetHeadersMessage { Version = 70016, Locator = new WireArray<Hash256>([BitcoinNetwork.Regtest.GenesisHash]), HashStop = Hash256.Zero },
        "getdata" => new GetDataMessage { Inventory = new WireArray<InventoryVector>([Item]) },
        "getblocks" => new GetBlocksMessage { Version = 70016, Locator = new WireArray<Hash256>([BitcoinNetwork.Regtest.GenesisHash]), HashStop = Hash256.Zero },
        "mempool" => new MemPoolMessage(),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static IMessage Response(string command)
    {
        var genesis = BitcoinNetwork.Regtest.GenesisBlock!;
        return command switch
        {
            "headers" => new HeadersMessage { Headers = new WireArray<BlockHeader>([genesis.Header]) },
            "block" => genesis,
            "tx" => genesis.Transactions[0],
            "merkleblock" => new MerkleBlockMessage
            {
                Header = genesis.Header,
                TransactionCount = 1,
                Hashes = new WireArray<Hash256>([genesis.Header.MerkleRoot]),
                Flags = new WireBytes([1]),
            },
            "notfound" => new NotFoundMessage { Inventory = new WireArray<InventoryVector>([Item]) },
            "inv" => new InvMessage { Inventory = new WireArray<InventoryVector>([Item]) },
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
    }
}
