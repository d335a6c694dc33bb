using System.IO.Pipelines;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// The scheduler keeps registered peers' next deadlines in contiguous slots. Across more peers than one chunk of
/// slots, with slots given up and reused, every peer's own deadline still fires on its tick and no other's, and a
/// given-up slot is reused instead of growing the slots.
/// </summary>
public class SchedulerSlotTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Handshake_timeouts_fire_for_their_own_peers_across_chunks_and_reused_slots()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler) with { HandshakeTimeout = Timeout };

        // 1,100 silent inbound peers: more than one chunk of 1,024 slots.
        var first = Start(config, 1_100);
        Assert.Equal(1_100, scheduler.Count);
        Assert.Equal(2_048, scheduler.SlotCapacity);

        // Every other one leaves; its slot is given up.
        var leaving = first.Where((_, i) => i % 2 == 0).ToList();
        var staying = first.Where((_, i) => i % 2 == 1).ToList();
        foreach (var peer in leaving)
        {
            peer.Disconnect();
        }

        Assert.Equal(550, scheduler.Count);

        // A tick later (the slots are free again) and 10 s on, 1,400 more start: 550 of them in given-up slots, the rest
        // in the free slots of the second chunk; their handshake deadlines are 10 s after the first group's.
        time.Advance(TimeSpan.FromSeconds(10));
        var second = Start(config, 1_400);
        Assert.Equal(1_950, scheduler.Count);
        Assert.Equal(2_048, scheduler.SlotCapacity);

        // Just before the first group's deadline nobody has timed out; on it, exactly the first group's stayers do.
        Advance(time, Timeout - TimeSpan.FromSeconds(10) - PeerDefaults.SchedulerTick);
        Assert.All(staying, peer => Assert.True(peer.IsConnected));
        Advance(time, PeerDefaults.SchedulerTick);
        foreach (var peer in staying)
        {
            Assert.Equal(DisconnectKind.HandshakeTimeout, (await Eventually.DisconnectedAsync(peer)).Kind);
        }

        Assert.All(second, peer => Assert.True(peer.IsConnected));

        // The second group's deadline, 10 s later, ends all of it, in reused slots or not.
        Advance(time, TimeSpan.FromSeconds(10));
        foreach (var peer in second)
        {
            Assert.Equal(DisconnectKind.HandshakeTimeout, (await Eventually.DisconnectedAsync(peer)).Kind);
        }

        Assert.Equal(0, scheduler.Count);
        Assert.False(scheduler.IsTimerActive);
    }

    [Fact]
    public void Peers_that_come_and_go_between_ticks_reuse_their_slots()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler);

        // 3,000 short-lived peers one after another and no tick at all: the slots they give up are reused.
        for (int i = 0; i < 3_000; i++)
        {
            var peer = Start(config, 1)[0];
            peer.Disconnect();
        }

        Assert.Equal(0, scheduler.Count);
        Assert.Equal(1_024, scheduler.SlotCapacity);
    }

    private static List<Peers.Peer> Start(PeerConfig config, int count)
    {
        var peers = new List<Peers.Peer>(count);
        for (int i = 0; i < count; i++)
        {
            // The remote end of each pipe stays silent: the peer waits for its first bytes until the handshake deadline.
            var peer = Peers.Peer.Create(config, PeerDirection.Inbound, new SilentRemote());
            peer.Start();
            peers.Add(peer);
        }

        return peers;
    }

    private static void Advance(ManualTimeProvider time, TimeSpan by)
    {
        while (by > TimeSpan.Zero)
        {
            var step = by < PeerDefaults.SchedulerTick ? by : PeerDefaults.SchedulerTick;
            time.Advance(step);
            by -= step;
        }
    }

    private sealed class SilentRemote : IDuplexPipe
    {
        private readonly Pipe _in = new();
        private readonly Pipe _out = new(new PipeOptions(pauseWriterThreshold: 0));

        public PipeReader Input => _in.Reader;

        public PipeWriter Output => _out.Writer;
    }
}
