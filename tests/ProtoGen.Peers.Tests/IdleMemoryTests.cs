using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>Buffers: the configured sizes reach the socket reader and writer, and an idle peer holds no pooled buffer.</summary>
public class IdleMemoryTests
{
    [Fact]
    public async Task The_configured_buffer_sizes_reach_the_reader_and_writer_and_an_idle_peer_holds_no_buffer()
    {
        var pool = new CountingMemoryPool();
        var (time, scheduler) = TestConfig.FakeClock();
        PeerConfig Config() => TestConfig.Create(time: time, scheduler: scheduler) with { MemoryPool = pool, ReceiveBufferSize = 96 * 1024, SendBufferSize = 80 * 1024 };
        await using var pair = await PeerPair.HandshakeAsync(Config(), Config());

        // A block each way: the receive buffers are taken at the configured size (the send buffer at least its size).
        var block = BlockData.Load(BlockData.Block413567);
        Assert.True(pair.Client.PushBlock(block, InventoryType.WitnessBlock));
        await Poll.UntilAsync(() => pair.Server.GetStats().BytesReceived > WireSerializer.GetEncodedSize(block), "the block arrived");
        Assert.True(pool.LargestRequest >= 96 * 1024, $"largest request {pool.LargestRequest}");

        // Idle: nothing to read, nothing to write. Zero-byte reads wait without a receive buffer, and flushed send
        // buffers went back to the pool: nothing is rented.
        await Poll.UntilAsync(() => pool.Outstanding == 0, "an idle pair holds no pooled buffer");
    }
}
