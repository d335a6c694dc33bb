using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// The scheduler passes over a peer whose next deadline is ahead (one comparison per tick), and every deadline still
/// fires on its tick: the periodic ping, the pong timeout, a stalled request, the handshake timeout and the inventory
/// trickle. <see cref="PeerScheduler.PeersChecked"/> counts the full checks.
/// </summary>
public class SchedulerSkipTests
{
    private static readonly TimeSpan Tick = ProtocolClock.Tick;

    [Fact]
    public async Task Quiet_peer_is_passed_over_until_its_next_ping_which_goes_out_on_time()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        var first = await raw.ExpectAsync<PingMessage>("ping");
        await raw.SendAsync(new PongMessage { Nonce = first.Nonce });
        await Eventually.TrueAsync(() => raw.Peer.GetStats().LastPingRoundTrip is not null, "the pong was matched");
        long before = clock.Scheduler.PeersChecked;

        // 479 ticks with nothing due: not one full check.
        clock.Advance(PeerDefaults.PingInterval - Tick);
        Assert.Equal(before, clock.Scheduler.PeersChecked);
        Assert.DoesNotContain("ping", await raw.PingBarrierAsync());

        // The tick the next ping is due checks the peer, once, and the ping goes out.
        clock.AdvanceTick();
        Assert.Equal(before + 1, clock.Scheduler.PeersChecked);
        var second = await raw.ExpectAsync<PingMessage>("ping");
        Assert.NotEqual(first.Nonce, second.Nonce);
    }

    [Fact]
    public async Task Unanswered_ping_times_out_on_its_tick_though_the_ticks_before_pass_over_the_peer()
    {
        var clock = new ProtocolClock();
        var timeout = TimeSpan.FromSeconds(30);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, pingTimeout: timeout), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        await raw.ExpectAsync<PingMessage>("ping");
        await Eventually.TrueAsync(() => raw.Peer.GetStats().PingOutstanding, "the ping was written");
        long before = clock.Scheduler.PeersChecked;

        clock.Advance(timeout - Tick);
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(before, clock.Scheduler.PeersChecked);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        Assert.Equal(DisconnectKind.PingTimeout, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Fact]
    public async Task Stalled_request_disconnects_on_its_tick_though_the_ticks_before_pass_over_the_peer()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        var ping = await raw.ExpectAsync<PingMessage>("ping");
        await raw.SendAsync(new PongMessage { Nonce = ping.Nonce });
        await Eventually.TrueAsync(() => raw.Peer.GetStats().LastPingRoundTrip is not null, "the pong was matched");

        raw.Peer.QueueMessage(new GetDataMessage { Inventory = new WireArray<InventoryVector>([new InventoryVector(InventoryType.Block, BitcoinNetwork.Regtest.GenesisHash)]) });
        await raw.ReceiveUntilAsync("getdata");
        long before = clock.Scheduler.PeersChecked;

        clock.Advance(PeerDefaults.StallResponseTimeout - Tick);
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(before, clock.Scheduler.PeersChecked);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        Assert.Equal(DisconnectKind.Stalled, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Fact]
    public async Task Handshake_timeout_fires_on_its_tick_after_one_early_check()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        long before = clock.Scheduler.PeersChecked;

        // A new peer is checked on the first tick (its next deadline starts due); then not until the deadline.
        clock.Advance(PeerDefaults.HandshakeTimeout - Tick);
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(before + 1, clock.Scheduler.PeersChecked);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        Assert.Equal(DisconnectKind.HandshakeTimeout, (await Eventually.DisconnectedAsync(raw.Peer)).Kind);
    }

    [Fact]
    public async Task Inventory_queued_after_a_quiet_spell_goes_out_at_the_trickle_a_tick_by_tick_check_would_have_used()
    {
        var interval = TimeSpan.FromSeconds(5);
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { TrickleInterval = interval });
        await remote.HandshakeAsync(remote.Version());
        var tx = new InventoryVector(InventoryType.Tx, BitcoinNetwork.Regtest.GenesisHash);

        // 12 s with nothing pending: the trickles at 5 s and 10 s have nothing to send and are passed over.
        Advance(time, TimeSpan.FromSeconds(12));
        Assert.True(scheduler.PeersChecked <= 1, $"{scheduler.PeersChecked} full checks in 48 quiet ticks");

        // Queued at 12 s, it waits for the trickle at 15 s (5 s after the one at 10 s), not for the next tick.
        Assert.True(remote.Peer.QueueInventory(tx));
        Advance(time, TimeSpan.FromSeconds(3) - Tick);
        Assert.DoesNotContain(await remote.SentinelAsync(1), f => f.Command == "inv");
        Advance(time, Tick);
        var (inv, _) = await remote.ReceiveUntilAsync("inv");
        Assert.Equal([tx], inv.Decode<InvMessage>().Inventory.AsSpan().ToArray());
        Assert.Equal(0, remote.Peer.PendingInventoryCount);
    }

    [Fact]
    public async Task Block_queued_to_a_quiet_peer_goes_out_on_the_next_tick()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { TrickleInterval = TimeSpan.FromSeconds(5) });
        await remote.HandshakeAsync(remote.Version());
        var block = new InventoryVector(InventoryType.Block, BitcoinNetwork.Regtest.GenesisHash);
        Advance(time, TimeSpan.FromSeconds(30));
        long before = scheduler.PeersChecked;

        Assert.True(remote.Peer.QueueInventory(block));
        Advance(time, Tick);

        Assert.Equal(before + 1, scheduler.PeersChecked);
        var (inv, _) = await remote.ReceiveUntilAsync("inv");
        Assert.Equal([block], inv.Decode<InvMessage>().Inventory.AsSpan().ToArray());
    }

    private static void Advance(ManualTimeProvider time, TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += Tick)
        {
            time.Advance(Tick);
        }
    }
}
