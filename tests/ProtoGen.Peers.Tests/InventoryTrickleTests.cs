using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Sending — QueueInventory: batched and trickled on the interval (fake clock), skipping what the remote knows,
/// respecting the per-message limits; blocks go out at once; no transactions for a relay=false remote.
/// </summary>
public class InventoryTrickleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Tick = PeerDefaults.SchedulerTick;

    [Fact]
    public async Task Transactions_wait_for_the_trickle_interval_then_go_out_in_one_inv()
    {
        var (remote, time) = await ConnectAsync();
        await using var _ = remote;
        var items = Enumerable.Range(0, 10).Select(i => Tx(i)).ToList();
        items.ForEach(item => Assert.True(remote.Peer.QueueInventory(item)));

        // Every tick up to just before the interval: nothing announced.
        Advance(time, Interval - Tick);
        Assert.Empty(Invs(await remote.SentinelAsync(1)));
        Assert.Equal(10, remote.Peer.PendingInventoryCount);

        // The tick at the interval: all of it, in one message, in order.
        Advance(time, Tick);
        var invs = Invs(await remote.SentinelAsync(2));
        Assert.Equal([items], invs);
        Assert.Equal(0, remote.Peer.PendingInventoryCount);

        // Then the next interval starts: new items wait for it again.
        Assert.True(remote.Peer.QueueInventory(Tx(100)));
        Advance(time, Interval - Tick);
        Assert.Empty(Invs(await remote.SentinelAsync(3)));
        Advance(time, Tick);
        Assert.Equal([[Tx(100)]], Invs(await remote.SentinelAsync(4)));
    }

    [Fact]
    public async Task Inventory_already_announced_is_skipped_until_the_known_set_evicts_it()
    {
        var (remote, time) = await ConnectAsync(config => config with { KnownInventoryCapacity = 3 });
        await using var _ = remote;

        // Queued twice before the trickle: announced once.
        Assert.True(remote.Peer.QueueInventory(Tx(1)));
        Assert.True(remote.Peer.QueueInventory(Tx(1)));
        Advance(time, Interval);
        Assert.Equal([[Tx(1)]], Invs(await remote.SentinelAsync(1)));

        // Announced: now known, in either witness form.
        Assert.True(remote.Peer.IsKnownInventory(Tx(1)));
        Assert.False(remote.Peer.QueueInventory(Tx(1)));
        Assert.False(remote.Peer.QueueInventory(new InventoryVector(InventoryType.WitnessTx, Tx(1).Hash)));

        // Three newer announcements push it out of a set of three: it may be announced again.
        foreach (int i in new[] { 2, 3, 4 })
        {
            Assert.True(remote.Peer.QueueInventory(Tx(i)));
        }

        Advance(time, Interval);
        Assert.Equal([[Tx(2), Tx(3), Tx(4)]], Invs(await remote.SentinelAsync(2)));
        Assert.False(remote.Peer.IsKnownInventory(Tx(1)));
        Assert.True(remote.Peer.QueueInventory(Tx(1)));
        Advance(time, Interval);
        Assert.Equal([[Tx(1)]], Invs(await remote.SentinelAsync(3)));
    }

    [Fact]
    public async Task Inventory_the_remote_announced_is_not_announced_back()
    {
        var (remote, time) = await ConnectAsync();
        await using var _ = remote;

        // Pending before the remote announces it, and queued after: neither goes out.
        Assert.True(remote.Peer.QueueInventory(Tx(7)));
        await remote.SendAsync(new InvMessage { Inventory = new[] { Tx(7), Tx(8), Block(9) } });
        await PingBarrierAsync(remote, 0xb0b);
        Assert.True(remote.Peer.IsKnownInventory(Tx(8)));
        Assert.False(remote.Peer.QueueInventory(Tx(8)));
        Assert.False(remote.Peer.QueueInventory(Block(9)));
        Assert.False(remote.Peer.QueueInventory(new InventoryVector(InventoryType.WitnessBlock, Block(9).Hash)));
        Assert.True(remote.Peer.QueueInventory(Tx(10)));

        Advance(time, Interval);
        Assert.Equal([[Tx(10)]], Invs(await remote.SentinelAsync(1)));
    }

    [Fact]
    public async Task One_hundred_twenty_thousand_items_go_out_as_three_invs_of_at_most_50000_each_item_once()
    {
        var (remote, time) = await ConnectAsync(config => config with { MaxInventoryPerMessage = 50_000 });
        await using var _ = remote;
        var items = Enumerable.Range(0, 120_000).Select(i => Tx(i)).ToList();
        foreach (var item in items)
        {
            Assert.True(remote.Peer.QueueInventory(item));
        }

        Advance(time, Interval);
        var invs = Invs(await remote.SentinelAsync(1));

        Assert.Equal([50_000, 50_000, 20_000], invs.Select(inv => inv.Count));
        var all = invs.SelectMany(inv => inv).ToList();
        Assert.Equal(items.Count, all.Distinct().Count());
        Assert.Equal(items, all);
    }

    [Fact]
    public async Task Batches_follow_the_configured_size_and_the_limit_cannot_exceed_50000()
    {
        var (remote, time) = await ConnectAsync();
        await using var _ = remote;
        for (int i = 0; i < 2_500; i++)
        {
            Assert.True(remote.Peer.QueueInventory(Tx(i)));
        }

        Advance(time, Interval);
        Assert.Equal([1_000, 1_000, 500], Invs(await remote.SentinelAsync(1)).Select(inv => inv.Count));

        var tooMany = TestConfig.Create() with { MaxInventoryPerMessage = 50_001 };
        Assert.Throws<ArgumentOutOfRangeException>(() => Peers.Peer.Create(tooMany, PeerDirection.Inbound, new NullDuplex()));
    }

    [Fact]
    public async Task Block_inventory_goes_out_at_the_next_tick_without_waiting_for_the_trickle()
    {
        var (remote, time) = await ConnectAsync();
        await using var _ = remote;
        Assert.True(remote.Peer.QueueInventory(Tx(1)));
        Assert.True(remote.Peer.QueueInventory(Block(2)));

        Advance(time, Tick);
        Assert.Equal([[Block(2)]], Invs(await remote.SentinelAsync(1)));
        Assert.Equal(1, remote.Peer.PendingInventoryCount);

        Advance(time, Interval - Tick);
        Assert.Equal([[Tx(1)]], Invs(await remote.SentinelAsync(2)));
    }

    [Fact]
    public async Task Transactions_are_not_announced_to_a_remote_whose_version_said_relay_false()
    {
        var (remote, time) = await ConnectAsync(relay: false);
        await using var _ = remote;
        Assert.False(remote.Peer.Features.RelayTransactions);
        // Refused at once (not queued and silently dropped later), so the caller knows they will not be announced.
        Assert.False(remote.Peer.QueueInventory(Tx(1)));
        Assert.False(remote.Peer.QueueInventory(new InventoryVector(InventoryType.Wtx, Tx(2).Hash)));
        Assert.True(remote.Peer.QueueInventory(Block(3)));

        Advance(time, Interval);
        Advance(time, Interval);

        Assert.Equal([[Block(3)]], Invs(await remote.SentinelAsync(1)));
        Assert.Equal(0, remote.Peer.PendingInventoryCount);
    }

    [Fact]
    public async Task The_pending_list_refuses_inventory_at_MaxPendingInventory_until_a_trickle_drains_it()
    {
        const int cap = 4;
        var (remote, time) = await ConnectAsync(config => config with { MaxPendingInventory = cap });
        await using var _ = remote;

        // A duplicate is not merged at queue time: it takes a place too.
        Assert.True(remote.Peer.QueueInventory(Tx(1)));
        Assert.True(remote.Peer.QueueInventory(Tx(1)));
        Assert.True(remote.Peer.QueueInventory(Tx(2)));
        Assert.True(remote.Peer.QueueInventory(Tx(3)));
        Assert.Equal(cap, remote.Peer.PendingInventoryCount);

        // Full: transactions and blocks alike are refused, and the list stays at the cap.
        Assert.False(remote.Peer.QueueInventory(Tx(4)));
        Assert.False(remote.Peer.QueueInventory(Block(5)));
        Assert.Equal(cap, remote.Peer.PendingInventoryCount);
        Assert.False(remote.Peer.IsKnownInventory(Tx(4)));

        // The trickle announces what was accepted (the duplicate once) and empties the list.
        Advance(time, Interval);
        Assert.Equal([[Tx(1), Tx(2), Tx(3)]], Invs(await remote.SentinelAsync(1)));
        Assert.Equal(0, remote.Peer.PendingInventoryCount);

        // Room again: what was refused can be queued now, up to the cap.
        Assert.True(remote.Peer.QueueInventory(Tx(4)));
        Assert.True(remote.Peer.QueueInventory(Block(5)));
        Assert.True(remote.Peer.QueueInventory(Tx(6)));
        Assert.True(remote.Peer.QueueInventory(Tx(7)));
        Assert.False(remote.Peer.QueueInventory(Tx(8)));
        Assert.Equal(cap, remote.Peer.PendingInventoryCount);
        Advance(time, Interval);
        Assert.Equal([[Block(5)], [Tx(4), Tx(6), Tx(7)]], Invs(await remote.SentinelAsync(2)));
        Assert.Equal(0, remote.Peer.PendingInventoryCount);
    }

    private static async Task<(PipeRemote Remote, ManualTimeProvider Time)> ConnectAsync(Func<PeerConfig, PeerConfig>? configure = null, bool relay = true)
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler) with { TrickleInterval = Interval };
        var remote = new PipeRemote(configure?.Invoke(config) ?? config);
        await remote.HandshakeAsync(remote.Version(relay: relay));
        return (remote, time);
    }

    /// <summary>Moves the fake clock one scheduler tick at a time (each tick runs synchronously inside Advance).</summary>
    private static void Advance(ManualTimeProvider time, TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += Tick)
        {
            time.Advance(Tick);
        }
    }

    private static List<List<InventoryVector>> Invs(List<WireFrame> frames) =>
        frames.Where(f => f.Command == "inv").Select(f => f.Decode<InvMessage>().Inventory.AsSpan().ToArray().ToList()).ToList();

    private static async Task PingBarrierAsync(PipeRemote remote, ulong nonce)
    {
        await remote.SendAsync(new PingMessage { Nonce = nonce });
        await remote.ReceiveUntilAsync(f => f.Command == "pong" && f.Decode<PongMessage>().Nonce == nonce);
    }

    private static InventoryVector Tx(int i) => new(InventoryType.Tx, Hash(1, i));

    private static InventoryVector Block(int i) => new(InventoryType.Block, Hash(2, i));

    private static Hash256 Hash(byte tag, int i)
    {
        var bytes = new byte[32];
        bytes[31] = tag;
        BitConverter.TryWriteBytes(bytes, i);
        return new Hash256(bytes);
    }

    private sealed class NullDuplex : System.IO.Pipelines.IDuplexPipe
    {
        public System.IO.Pipelines.PipeReader Input { get; } = new System.IO.Pipelines.Pipe().Reader;

        public System.IO.Pipelines.PipeWriter Output { get; } = new System.IO.Pipelines.Pipe().Writer;
    }
}
