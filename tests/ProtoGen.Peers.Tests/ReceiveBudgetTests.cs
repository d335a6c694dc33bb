using System.Buffers.Binary;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// The shared receive budget: peers that declare a large message and never finish it cannot make us hold more than the
/// budget (plus one read each); those paused over it past the deadline are disconnected; an honest peer is served
/// throughout; and data we asked for is never paused.
/// </summary>
public class ReceiveBudgetTests
{
    private const int Budget = 256 * 1024;
    private const int Declared = 1_000_000;
    private const int Sent = 200 * 1024;
    private const int Holders = 4;

    [Fact]
    public async Task Incomplete_messages_nobody_asked_for_stay_within_the_budget_and_their_senders_are_disconnected_after_the_deadline()
    {
        var clock = new ProtocolClock();
        var budget = new PeerBudget(maxPartialMessageBytes: Budget);
        // v1 framing: the raw holders open with a partial message, not a version header.
        var config = ProtocolConfig.Create(clock) with { Budget = budget, HandshakeTimeout = TimeSpan.FromHours(1), V2Transport = V2TransportMode.Off };

        var holders = new List<RawPeer>();
        try
        {
            for (int i = 0; i < Holders; i++)
            {
                var holder = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
                holders.Add(holder);
                await holder.SendRawAsync(IncompleteBlock(config.Network.Magic, Sent));
            }

            // Every holder either read all it was sent or was paused over the budget.
            await Eventually.TrueAsync(
                () => budget.GetStats().PausedReceivers > 0 || holders.All(h => h.Peer.GetStats().PartialMessageBytes >= FrameHeader.Size + Sent),
                "the holders read what they were sent or paused");
            await Eventually.TrueAsync(() => budget.GetStats().PausedReceivers > 0, "a holder paused");
            var stats = budget.GetStats();
            Assert.True(stats.PeakPartialMessageBytes <= Budget + (Holders * PeerDefaults.ReceiveBufferSize), $"peak {stats.PeakPartialMessageBytes}");
            Assert.True(stats.PartialMessageBytes < Holders * (FrameHeader.Size + Sent), "nobody was paused");

            // An honest peer is served while the budget is exhausted.
            await using (var honest = await RawPeer.ConnectAsync(config, PeerDirection.Inbound))
            {
                await honest.HandshakeAsync();
                await honest.SendAsync(new PingMessage { Nonce = 5 });
                Assert.Equal(5ul, RawPeer.Decode<PongMessage>((await honest.ReceiveUntilAsync("pong")).Payload).Nonce);
            }

            // Past the deadline, the paused holders are disconnected one tick after another until the rest fits.
            for (int round = 0; round < Holders && budget.GetStats().PausedReceivers > 0; round++)
            {
                clock.Advance(budget.Deadline + ProtocolClock.Tick);
                await Eventually.TrueAsync(() => budget.GetStats().PausedReceivers == 0 || holders.Any(h => !h.Peer.IsConnected), "a paused holder ended");
            }

            var ended = await AssertEndedOverBudgetAsync(holders);

            await Eventually.TrueAsync(() => budget.GetStats().PartialMessageBytes <= Budget, "what is left fits the budget");
            Assert.Equal(ended.Count, (int)budget.GetStats().Disconnects);
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }

        Assert.Equal(0, budget.GetStats().PartialMessageBytes);
    }

    [Fact]
    public async Task A_block_we_asked_for_is_read_while_the_budget_is_exhausted()
    {
        var budget = new PeerBudget(maxPartialMessageBytes: Budget);
        // v1 framing: the raw hog opens with a partial message, not a version header.
        var config = ProtocolConfig.Create() with { Budget = budget, V2Transport = V2TransportMode.Off };
        await using var hog = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        // Under a quarter of its 4 MB claim: held in the receive buffers, not yet a payload counted whole, so paused.
        await hog.SendRawAsync(IncompleteBlock(config.Network.Magic, Budget + (64 * 1024), declared: 4_000_000));
        await Eventually.TrueAsync(() => budget.GetStats().PausedReceivers == 1, "the unrequested holder paused");

        await using var served = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await served.HandshakeAsync();
        served.Peer.QueueMessage(new GetDataMessage { Inventory = new WireArray<InventoryVector>([new InventoryVector(InventoryType.Block, Hash256.Zero)]) });
        await served.ReceiveUntilAsync("getdata");

        // The answer arrives in pieces while the budget is exhausted: it is read to the last byte, never paused.
        await served.SendRawAsync(IncompleteBlock(config.Network.Magic, Sent));
        await Eventually.TrueAsync(() => served.Peer.GetStats().PartialMessageBytes == FrameHeader.Size + Sent, "the requested block's bytes were read");
        Assert.Equal(1, budget.GetStats().PausedReceivers);
        Assert.True(budget.GetStats().PartialMessageBytes > Budget);
    }

    [Fact]
    public async Task A_peer_that_has_received_a_whole_block_and_gone_quiet_holds_nothing_against_the_budget()
    {
        // The block's end is read straight from the socket; nothing follows it, so no later read updates the count.
        var budget = new PeerBudget(maxPartialMessageBytes: 4 * Declared);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = new BitcoinListeners<Peers.Peer> { OnBlock = (_, _) => arrived.TrySetResult() };
        var config = ProtocolConfig.Create() with { Budget = budget, Listener = listener, V2Transport = V2TransportMode.Off };
        await using var sender = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await sender.HandshakeAsync();

        await sender.SendAsync(BlockData.Load(BlockData.Segwit2));
        await arrived.Task.WaitAsync(PeerPair.Timeout);
        await Eventually.TrueAsync(() => budget.GetStats().PartialMessageBytes == 0, "the delivered block no longer counts as incomplete");
        Assert.True(budget.GetStats().PeakPartialMessageBytes >= Declared, "the block was counted while it arrived");
        Assert.Equal(0, sender.Peer.GetStats().PartialMessageBytes);
    }

    [Fact]
    public async Task Unrequested_blocks_counted_whole_over_the_budget_are_read_to_the_end_without_waiting_for_the_deadline()
    {
        // Four senders each send 30 % of a 1 MB block (over a quarter: a block is counted whole once a quarter is in)
        // against a budget of 2.5 MB, then the rest. Reading the rest of a payload already counted adds nothing and its
        // end gives the count back, so those are read to the end and the paused ones follow; had the counted ones been
        // paused too, nothing would move until the deadline, and the clock here never moves.
        var clock = new ProtocolClock();
        var budget = new PeerBudget(maxPartialMessageBytes: 2_500_000);
        var received = 0;
        var listener = new BitcoinListeners<Peers.Peer> { OnBlock = (_, _) => Interlocked.Increment(ref received) };
        var config = ProtocolConfig.Create(clock) with { Budget = budget, Listener = listener, V2Transport = V2TransportMode.Off };
        var frame = Frame.ToArray(config.Network.Magic, BlockData.Load(BlockData.Block413567));
        int first = frame.Length * 3 / 10;
        var senders = new List<RawPeer>();
        try
        {
            for (int i = 0; i < Holders; i++)
            {
                var sender = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
                senders.Add(sender);
                await sender.HandshakeAsync();
            }

            foreach (var sender in senders)
            {
                await sender.SendRawAsync(frame[..first]);
            }

            // Those that got a quarter in are counted whole; the budget is exhausted once three are (any left holding
            // less than a quarter are paused with what they got).
            await Eventually.TrueAsync(() => budget.GetStats().PartialMessageBytes > budget.MaxPartialMessageBytes, "the budget exhausted");
            foreach (var sender in senders)
            {
                await sender.SendRawAsync(frame[first..]);
            }

            await Eventually.TrueAsync(() => Volatile.Read(ref received) == Holders, "every block arrived");
            Assert.All(senders, s => Assert.True(s.Peer.IsConnected));
            await Eventually.TrueAsync(() => budget.GetStats().PartialMessageBytes == 0, "nothing left counted");
            Assert.Equal(0, budget.GetStats().Disconnects);
        }
        finally
        {
            foreach (var sender in senders)
            {
                await sender.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_sender_that_stops_inside_a_block_counted_whole_is_ended_at_the_deadline_though_never_paused()
    {
        // Two senders each send 40 % of a 1 MB block (each counted whole) and stop: the budget (1.5 MB) is exhausted,
        // neither is paused (each is filling a counted payload), and once the deadline has passed those whose clock
        // runs (over the budget while they filled) are ended until what is left fits.
        var clock = new ProtocolClock();
        var budget = new PeerBudget(maxPartialMessageBytes: 1_500_000);
        var config = ProtocolConfig.Create(clock) with { Budget = budget, HandshakeTimeout = TimeSpan.FromHours(1), V2Transport = V2TransportMode.Off };
        var holders = new List<RawPeer>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var holder = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
                holders.Add(holder);
                await holder.SendRawAsync(IncompleteBlock(config.Network.Magic, Declared * 4 / 10));
            }

            await Eventually.TrueAsync(() => budget.GetStats().PartialMessageBytes >= 2 * Declared, "both blocks counted whole");
            Assert.Equal(0, budget.GetStats().PausedReceivers);

            clock.Advance(budget.Deadline + ProtocolClock.Tick);
            await Eventually.TrueAsync(() => budget.GetStats().PartialMessageBytes <= budget.MaxPartialMessageBytes, "what is left fits the budget");
            var ended = await AssertEndedOverBudgetAsync(holders);

            Assert.Equal(ended.Count, (int)budget.GetStats().Disconnects);
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }

        Assert.Equal(0, budget.GetStats().PartialMessageBytes);
    }

    /// <summary>The holders that ended, at least one, each for holding an unrequested incomplete message over the budget.</summary>
    private static async Task<List<RawPeer>> AssertEndedOverBudgetAsync(List<RawPeer> holders)
    {
        var ended = holders.Where(h => !h.Peer.IsConnected).ToList();
        Assert.NotEmpty(ended);
        foreach (var holder in ended)
        {
            var reason = await Eventually.DisconnectedAsync(holder.Peer);
            Assert.Equal(DisconnectKind.ResourceLimit, reason.Kind);
            Assert.Contains("unrequested incomplete message", reason.Detail, StringComparison.Ordinal);
        }

        return ended;
    }

    /// <summary>The header of a block message of <paramref name="declared"/> bytes and the first <paramref name="bytes"/> of its payload.</summary>
    private static byte[] IncompleteBlock(uint magic, int bytes, int declared = Declared)
    {
        var frame = new byte[FrameHeader.Size + bytes];
        new FrameHeader(magic, Block.Command, declared, 0).WriteTo(frame);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(FrameHeader.Size), 1);
        return frame;
    }
}
