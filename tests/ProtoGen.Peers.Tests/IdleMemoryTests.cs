using System.Runtime.InteropServices;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>What an idle peer keeps from its memory pool, and that the configured buffer sizes reach the pipes.</summary>
public class IdleMemoryTests
{
    private static PeerConfig Config(CountingMemoryPool pool, FakeClockParts clock) =>
        TestConfig.Create(time: clock.Time, scheduler: clock.Scheduler) with { MemoryPool = pool, ReceiveBufferSize = 96 * 1024, SendBufferSize = 80 * 1024 };

    [Fact]
    public async Task A_pair_that_has_only_handshaken_holds_no_pooled_buffer_while_idle()
    {
        var pool = new CountingMemoryPool();
        var clock = FakeClockParts.Create();
        await using var pair = await PeerPair.HandshakeAsync(Config(pool, clock), Config(pool, clock));

        // Zero-byte reads wait without a receive buffer, and flushed send buffers went back to the pool.
        await Poll.UntilAsync(() => pool.Outstanding == 0, "an idle pair holds no pooled buffer");
    }

    [Fact]
    public async Task The_configured_buffer_sizes_reach_the_reader_and_writer_and_after_a_block_an_idle_pair_holds_no_pooled_buffer()
    {
        var pool = new CountingMemoryPool();
        var clock = FakeClockParts.Create();
        await using var pair = await PeerPair.HandshakeAsync(Config(pool, clock), Config(pool, clock));

        // A block: the receive buffers are taken at the configured size (the send buffer at least its size).
        var block = BlockData.Load(BlockData.Block413567);
        Assert.True(pair.Client.PushBlock(block, InventoryType.WitnessBlock));
        await Poll.UntilAsync(() => pair.Server.GetStats().BytesReceived > WireSerializer.GetEncodedSize(block), "the block arrived");
        Assert.True(pool.LargestRequest >= 96 * 1024, $"largest request {pool.LargestRequest}");

        // Idle again: the send buffers are back, and neither reader waits holding a receive buffer (the receiver read
        // the block's end straight from the socket; a late readiness report from those reads must not make its pipe
        // reader take a buffer and wait in it).
        await Poll.UntilAsync(() => pool.Outstanding == 0, "an idle pair holds no pooled buffer after a block");
        Assert.Equal(0, pool.DoubleReturns);
    }

    [Fact]
    public async Task An_idle_peer_does_not_keep_the_array_of_the_block_it_received_last()
    {
        // The block's end is read straight from the socket; the wait for the next bytes that follows must not keep it.
        WeakReference? payload = null;
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = new BitcoinListeners<Peers.Peer>
        {
            OnBlock = (_, block) =>
            {
                payload = PayloadArrayOf(block);
                arrived.TrySetResult();
            },
        };
        var clock = FakeClockParts.Create();
        await using var pair = await PeerPair.HandshakeAsync(
            TestConfig.Create(time: clock.Time, scheduler: clock.Scheduler),
            TestConfig.Create(time: clock.Time, scheduler: clock.Scheduler) with { Listener = listener });

        Assert.True(pair.Client.PushBlock(BlockData.Load(BlockData.Segwit2), InventoryType.WitnessBlock));
        await arrived.Task.WaitAsync(PeerPair.Timeout);
        await Poll.UntilAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return !payload!.IsAlive;
            },
            "the delivered block's payload array was collected while the peer waits for more");
        Assert.True(pair.Server.IsConnected);
    }

    /// <summary>A weak reference to the array a decoded block reads its scripts from (its payload's).</summary>
    private static WeakReference PayloadArrayOf(Block block)
    {
        Assert.True(MemoryMarshal.TryGetArray(block.Transactions[0].Outputs[0].ScriptPubKey.Memory, out var segment));
        Assert.True(segment.Array!.Length >= 900_000, $"the script lies in the payload's array ({segment.Array.Length} bytes)");
        return new WeakReference(segment.Array);
    }

    /// <summary>A fake clock with its own scheduler, so that no keep-alive traffic wakes the idle pair.</summary>
    private sealed record FakeClockParts(TimeProvider Time, PeerScheduler Scheduler)
    {
        public static FakeClockParts Create()
        {
            var (time, scheduler) = TestConfig.FakeClock();
            return new FakeClockParts(time, scheduler);
        }
    }
}
