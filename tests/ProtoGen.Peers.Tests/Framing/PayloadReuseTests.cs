using System.IO.Pipelines;
using System.Runtime.InteropServices;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Framing;
using ProtoGen.Peers.Tests.Support;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Tests.Framing;

/// <summary>
/// Framing — <see cref="MessageStreamOptions.ReusePayloadArrays"/>: a reader that reuses the arrays of large payloads
/// once their messages are given up still hands out every block whole (each checked against its own bytes before the
/// next read), reuses arrays across blocks of different sizes, and never reuses one without the option.
/// </summary>
public class PayloadReuseTests
{
    private static readonly BitcoinNetwork Network = BitcoinNetwork.Regtest;

    private static readonly string[] Order =
    [
        BlockData.Segwit1, BlockData.Block413567, BlockData.Segwit2, BlockData.Segwit1, BlockData.Segwit2,
        BlockData.Block413567, BlockData.Segwit1, BlockData.Segwit1, BlockData.Segwit2, BlockData.Block413567,
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_reuse_every_block_read_is_whole_and_later_blocks_fill_the_arrays_of_earlier_ones(bool fromPipe)
    {
        var (stream, expected) = BlockStream();
        var options = new MessageStreamOptions { ReusePayloadArrays = true };
        await using var reader = fromPipe
            ? new MessageReader(PipeReader.Create(new ChunkedStream(stream, 70_001)), Network, options)
            : new MessageReader(new MemoryStream(stream), Network, options);

        var arrays = new List<byte[]>();
        int blocks = 0;
        while (await reader.ReadAsync() is { } frame)
        {
            Assert.Equal(FrameStatus.Ok, frame.Status);
            if (frame.Message is Block block)
            {
                // Checked before the next read, which may overwrite it: every byte, every transaction, the header.
                Assert.Equal(expected[blocks], WireSerializer.Encode(block));
                Assert.True(block.CheckMerkleRoot());
                arrays.Add(ArrayOf(block));
                blocks++;
            }
        }

        Assert.Equal(Order.Length, blocks);

        // The first blocks are new arrays; from then on every block fills one handed back before it.
        int distinct = arrays.Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.InRange(distinct, 1, PayloadArrayPool.Capacity);
        Assert.True(arrays.Count - distinct >= Order.Length - PayloadArrayPool.Capacity, $"{distinct} distinct arrays for {arrays.Count} blocks");
    }

    [Fact]
    public async Task Without_reuse_every_block_keeps_its_own_array_after_later_reads()
    {
        var (stream, expected) = BlockStream();
        await using var reader = new MessageReader(new MemoryStream(stream), Network);
        var blocks = new List<Block>();
        while (await reader.ReadAsync() is { } frame)
        {
            if (frame.Message is Block block)
            {
                blocks.Add(block);
            }
        }

        // Everything was read before anything is checked: nothing may have been overwritten.
        Assert.Equal(expected, blocks.Select(block => WireSerializer.Encode(block)));
        Assert.All(blocks, block => Assert.True(block.CheckMerkleRoot()));
        Assert.Equal(blocks.Count, blocks.Select(ArrayOf).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public async Task Dispatching_with_reuse_hands_each_listener_a_whole_block()
    {
        var (stream, expected) = BlockStream();
        await using var reader = new MessageReader(new MemoryStream(stream), Network, new MessageStreamOptions { ReusePayloadArrays = true });
        var seen = new List<byte[]>();
        var arrays = new List<byte[]>();
        var listener = new BitcoinListeners<object?>
        {
            OnBlock = (_, block) =>
            {
                seen.Add(WireSerializer.Encode(block));
                Assert.True(block.CheckMerkleRoot());
                arrays.Add(ArrayOf(block));
            },
        };

        long delivered = await reader.DispatchAllAsync<object?>(null, listener);

        Assert.Equal((long)expected.Count * 2, delivered); // a ping follows each block
        Assert.Equal(expected, seen);
        Assert.InRange(arrays.Distinct(ReferenceEqualityComparer.Instance).Count(), 1, PayloadArrayPool.Capacity);
    }

    [Fact]
    public async Task A_dropped_block_gives_its_array_to_the_next_and_the_next_is_whole()
    {
        var payload = BlockData.Read(BlockData.Segwit1);
        var corrupt = FrameOf("block", payload);
        corrupt[FrameHeader.Size + (payload.Length / 2)] ^= 1;
        var stream = Concat(corrupt, FrameOf("block", payload), FrameOf("block", BlockData.Read(BlockData.Block413567)));
        await using var reader = new MessageReader(new MemoryStream(stream), Network, new MessageStreamOptions { ReusePayloadArrays = true });

        var first = await reader.ReadAsync();
        Assert.Equal(FrameStatus.BadChecksum, first!.Value.Status);
        Assert.Null(first.Value.Message);

        var second = (Block)(await reader.ReadAsync())!.Value.Message!;
        Assert.Equal(payload, WireSerializer.Encode(second));
        var array = ArrayOf(second);

        // A smaller block into the larger array: only its own length counts.
        var third = (Block)(await reader.ReadAsync())!.Value.Message!;
        Assert.Same(array, ArrayOf(third));
        Assert.Equal(BlockData.Read(BlockData.Block413567), WireSerializer.Encode(third));
        Assert.True(third.CheckMerkleRoot());
        Assert.Null(await reader.ReadAsync());
        Assert.Equal(1, reader.FramesDropped);
    }

    [Fact]
    public async Task An_unknown_commands_large_payload_is_the_callers_exact_copy_even_from_a_longer_array()
    {
        var block = BlockData.Read(BlockData.Segwit1);
        var unknown = new byte[100_000];
        new Random(7).NextBytes(unknown);
        var stream = Concat(FrameOf("block", block), FrameOf("bigthing", unknown), FrameOf("block", block));
        await using var reader = new MessageReader(new MemoryStream(stream), Network, new MessageStreamOptions { ReusePayloadArrays = true });

        _ = await reader.ReadAsync();
        var frame = (await reader.ReadAsync())!.Value;
        Assert.Null(frame.Message);
        Assert.Equal(unknown, frame.UnknownPayload);

        // The caller keeps that payload: reading on must not overwrite it.
        var again = (Block)(await reader.ReadAsync())!.Value.Message!;
        Assert.Equal(block, WireSerializer.Encode(again));
        Assert.Equal(unknown, frame.UnknownPayload);
    }

    [Fact]
    public async Task Random_streams_read_the_same_with_and_without_reuse()
    {
        // Blocks (some with a flipped byte), unknown commands with large random payloads, small messages and, in some
        // rounds, a stream cut inside its last frame; read once with new arrays (everything kept, compared after) and
        // once with reuse in random pieces, from a stream or a pipe (each frame recorded before the next read): the
        // same frames, the same bytes, the same end.
        var random = new Random(29);
        var blocks = new[] { BlockData.Segwit1, BlockData.Block413567, BlockData.Segwit2 }.Select(BlockData.Read).ToArray();
        for (int round = 0; round < 12; round++)
        {
            var parts = new List<byte[]>();
            for (int i = 0; i < 14; i++)
            {
                switch (random.Next(4))
                {
                    case 0:
                    case 1:
                        var frame = FrameOf("block", blocks[random.Next(blocks.Length)]);
                        if (random.Next(4) == 0)
                        {
                            frame[FrameHeader.Size + random.Next(frame.Length - FrameHeader.Size)] ^= (byte)(1 << random.Next(8));
                        }

                        parts.Add(frame);
                        break;
                    case 2:
                        var payload = new byte[16_385 + random.Next(300_000)];
                        random.NextBytes(payload);
                        parts.Add(FrameOf("bigthing", payload));
                        break;
                    default:
                        parts.Add(Frame.ToArray(Network.Magic, new PingMessage { Nonce = (ulong)random.NextInt64() }));
                        break;
                }
            }

            var stream = Concat([.. parts]);
            if (round % 3 == 2)
            {
                stream = stream[..^(1 + random.Next(parts[^1].Length - 1))];
            }

            var plain = await ReadRecords(new MessageReader(new MemoryStream(stream), Network), recordEach: false);
            var options = new MessageStreamOptions { ReusePayloadArrays = true };
            var pieces = new ChunkedStream(stream, 1 + random.Next(200_000));
            var reusing = round % 2 == 0
                ? new MessageReader(pieces, Network, options) // large payloads read straight into their arrays
                : new MessageReader(PipeReader.Create(pieces), Network, options); // filled from the pipe's buffers
            var reused = await ReadRecords(reusing, recordEach: true);
            Assert.Equal(plain, reused);
        }
    }

    [Fact]
    public void The_pool_gives_the_smallest_array_that_fits_and_keeps_the_largest_when_full()
    {
        var pool = new PayloadArrayPool();
        var arrays = new[] { new byte[500], new byte[300], new byte[900], new byte[700] };
        foreach (var array in arrays)
        {
            pool.Return(array);
        }

        pool.Return(arrays[0]); // kept once, not twice
        Assert.Equal(PayloadArrayPool.Capacity, pool.Count);

        pool.Return(new byte[100]); // smaller than all kept: dropped
        var large = new byte[1_000];
        pool.Return(large); // replaces the smallest (300)
        Assert.Equal(PayloadArrayPool.Capacity, pool.Count);

        Assert.Same(arrays[0], pool.Take(400));
        Assert.Null(pool.Take(1_001));
        Assert.Same(arrays[3], pool.Take(600));
        Assert.Same(arrays[2], pool.Take(1));
        Assert.Same(large, pool.Take(1_000));
        Assert.Null(pool.Take(1));
        Assert.Equal(0, pool.Count);
    }

    /// <summary>
    /// Every frame the reader yields as text (command, status, the message re-framed or the unknown payload), then how
    /// the stream ended; with <paramref name="recordEach"/> each frame is recorded before the next read, otherwise all
    /// are read first and recorded after.
    /// </summary>
    private static async Task<List<string>> ReadRecords(MessageReader reader, bool recordEach)
    {
        await using var owned = reader;
        var frames = new List<FramedMessage>();
        var records = new List<string>();
        string end;
        try
        {
            while (await reader.ReadAsync() is { } frame)
            {
                if (recordEach)
                {
                    records.Add(Record(frame));
                }
                else
                {
                    frames.Add(frame);
                }
            }

            end = "end";
        }
        catch (ProtocolException e)
        {
            end = e.Error.ToString();
        }

        records.AddRange(frames.Select(Record));
        records.Add(end);
        return records;
    }

    private static string Record(FramedMessage frame)
    {
        var bytes = frame.Message is { } message ? Frame.ToArray(Network.Magic, message) : frame.UnknownPayload ?? [];
        return $"{frame.Command} {frame.Status} {frame.WireSize} {Convert.ToHexString(DoubleSha256.Hash(bytes).ToArray())}";
    }

    /// <summary>Each block of <see cref="Order"/> followed by a ping, and the blocks' bytes.</summary>
    private static (byte[] Stream, List<byte[]> Blocks) BlockStream()
    {
        var blocks = Order.Select(BlockData.Read).ToList();
        var parts = new List<byte[]>();
        for (int i = 0; i < blocks.Count; i++)
        {
            parts.Add(FrameOf("block", blocks[i]));
            parts.Add(Frame.ToArray(Network.Magic, new PingMessage { Nonce = (ulong)i }));
        }

        return (Concat([.. parts]), blocks);
    }

    /// <summary>The array a decoded block reads its transactions from.</summary>
    private static byte[] ArrayOf(Block block)
    {
        Assert.True(MemoryMarshal.TryGetArray(block.Transactions[0].DecodedBytes.Memory, out var segment));
        return segment.Array!;
    }

    private static byte[] FrameOf(string command, byte[] payload)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(Network.Magic, MessageCommand.Parse(command), payload.Length, DoubleSha256.Checksum(payload)).WriteTo(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        return frame;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A read-only stream that returns at most <c>chunk</c> bytes per read (a socket's pace).</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
