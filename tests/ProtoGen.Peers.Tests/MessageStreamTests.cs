using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Framing;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>MessageReader and MessageWriter: framed messages over a stream or a pipe, outside a peer, with the peer's checks.</summary>
public class MessageStreamTests
{
    private static readonly BitcoinNetwork Network = BitcoinNetwork.Mainnet;

    [Fact]
    public async Task Messages_written_read_back_equal_with_the_same_frame_bytes()
    {
        var block = BlockData.Load(BlockData.Segwit1);
        var messages = new IMessage[]
        {
            new PingMessage { Nonce = 7 },
            new InvMessage { Inventory = new[] { new InventoryVector(InventoryType.Block, block.GetHash()) } },
            block,
            new CustomMessage("mystery", [1, 2, 3]),
            new VerAckMessage(),
        };
        var stream = new MemoryStream();
        await using (var writer = new MessageWriter(stream, Network, new MessageStreamOptions { LeaveOpen = true }))
        {
            foreach (var message in messages)
            {
                writer.Write(message);
            }

            await writer.FlushAsync();
            Assert.Equal(stream.Length, writer.BytesWritten);
        }

        var expected = messages.SelectMany(m => Frame.ToArray(Network.Magic, m)).ToArray();
        Assert.Equal(expected, stream.ToArray());

        stream.Position = 0;
        await using var reader = new MessageReader(stream, Network, new MessageStreamOptions { ReceiveBufferSize = 4096 });
        var read = new List<FramedMessage>();
        while (await reader.ReadAsync() is { } frame)
        {
            read.Add(frame);
        }

        Assert.Equal(messages.Select(m => m.Command), read.Select(f => f.Command));
        Assert.All(read, f => Assert.Equal(FrameStatus.Ok, f.Status));
        Assert.Equal(7UL, Assert.IsType<PingMessage>(read[0].Message).Nonce);
        Assert.Equal(block.GetHash(), Assert.IsType<Block>(read[2].Message).GetHash());
        Assert.Equal(WireSerializer.Encode(block), WireSerializer.Encode(Assert.IsType<Block>(read[2].Message)));
        Assert.Null(read[3].Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, read[3].UnknownPayload);
        Assert.Equal(stream.Length, reader.BytesRead);
        Assert.Equal(0, reader.FramesDropped);
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_frame_is_truncated_after_the_whole_frames()
    {
        var bytes = Frames(new PingMessage { Nonce = 1 }, new PingMessage { Nonce = 2 });
        await using var reader = new MessageReader(new MemoryStream(bytes[..^3]), Network);
        Assert.Equal(1UL, Assert.IsType<PingMessage>((await reader.ReadAsync())!.Value.Message).Nonce);
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await reader.ReadAsync());
        Assert.Equal(ProtocolError.Truncated, error.Error);

        // A header alone, cut short, is truncated too.
        await using var headerOnly = new MessageReader(new MemoryStream(bytes[..10]), Network);
        Assert.Equal(ProtocolError.Truncated, (await Assert.ThrowsAsync<ProtocolException>(async () => await headerOnly.ReadAsync())).Error);
    }

    [Fact]
    public async Task An_empty_stream_has_no_frames()
    {
        await using var reader = new MessageReader(new MemoryStream(), Network);
        Assert.Null(await reader.ReadAsync());
        Assert.Equal(0, await reader.DispatchAllAsync<object?>(null, new BitcoinListeners<object?>()));
    }

    [Fact]
    public async Task Another_networks_magic_ends_the_stream_and_names_the_network()
    {
        var bytes = Frame.ToArray(BitcoinNetwork.Testnet3.Magic, new PingMessage { Nonce = 1 });
        await using var reader = new MessageReader(new MemoryStream(bytes), Network);
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await reader.ReadAsync());
        Assert.Equal(ProtocolError.BadMagic, error.Error);
        Assert.Contains("testnet", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_bad_checksum_drops_that_frame_and_keeps_reading()
    {
        var bytes = Frames(new PingMessage { Nonce = 1 }, new PingMessage { Nonce = 2 });
        bytes[FrameHeader.Size + 3]++; // inside the first frame's payload
        await using var reader = new MessageReader(new MemoryStream(bytes), Network);
        var first = (await reader.ReadAsync())!.Value;
        Assert.Equal(FrameStatus.BadChecksum, first.Status);
        Assert.Null(first.Message);
        Assert.Equal(2UL, Assert.IsType<PingMessage>((await reader.ReadAsync())!.Value.Message).Nonce);
        Assert.Null(await reader.ReadAsync());
        Assert.Equal(1, reader.FramesDropped);

        // Dispatching skips it the same way.
        var pings = new List<ulong>();
        await using var dispatching = new MessageReader(new MemoryStream(bytes), Network);
        Assert.Equal(1, await dispatching.DispatchAllAsync<object?>(null, new BitcoinListeners<object?> { OnPing = (_, m) => pings.Add(m.Nonce) }));
        Assert.Equal([2UL], pings);
        Assert.Equal(1, dispatching.FramesDropped);
    }

    [Fact]
    public async Task A_reader_waiting_on_a_socket_after_a_block_holds_no_receive_buffer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(PeerPair.Timeout);
        using var server = await accept.WaitAsync(PeerPair.Timeout);
        var pool = new CountingMemoryPool();
        await using var writer = new MessageWriter(new NetworkStream(client, ownsSocket: false), Network);
        await using var reader = new MessageReader(new NetworkStream(server, ownsSocket: false), Network, new MessageStreamOptions { Pool = pool });

        // The block's rest is read straight from the socket into its array.
        var block = BlockData.Load(BlockData.Segwit2);
        var first = reader.ReadAsync().AsTask();
        await writer.WriteAsync(block);
        Assert.Equal(block.GetHash(), Assert.IsType<Block>((await first.WaitAsync(PeerPair.Timeout))!.Value.Message).GetHash());

        // The next read waits for bytes without a receive buffer, and still gets the next message.
        var next = reader.ReadAsync().AsTask();
        await Task.Delay(200);
        Assert.False(next.IsCompleted);
        await Poll.UntilAsync(() => pool.Outstanding == 0, "a reader waiting after a block holds no pooled buffer");
        await writer.WriteAsync(new PingMessage { Nonce = 5 });
        Assert.Equal(5UL, Assert.IsType<PingMessage>((await next.WaitAsync(PeerPair.Timeout))!.Value.Message).Nonce);
    }

    [Fact]
    public async Task A_length_over_the_limit_ends_the_stream_before_its_payload_arrives()
    {
        // A header announcing 33 MB and nothing after it: refused from the header alone, nothing allocated for it.
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Network.Magic, BlockMessageCommand(), ProtocolLimits.MaxMessagePayload + 1, 0).WriteTo(header);
        await using var reader = new MessageReader(new MemoryStream(header), Network);
        Assert.Equal(ProtocolError.PayloadTooLarge, (await Assert.ThrowsAsync<ProtocolException>(async () => await reader.ReadAsync())).Error);

        // A lower limit of the caller's applies the same way.
        var ping = Frames(new PingMessage { Nonce = 3 });
        await using var strict = new MessageReader(new MemoryStream(ping), Network, new MessageStreamOptions { MaxPayloadLength = 4 });
        Assert.Equal(ProtocolError.PayloadTooLarge, (await Assert.ThrowsAsync<ProtocolException>(async () => await strict.ReadAsync())).Error);
    }

    [Fact]
    public async Task The_writer_refuses_a_payload_over_its_limit_and_writes_nothing()
    {
        var stream = new MemoryStream();
        await using var writer = new MessageWriter(stream, Network, new MessageStreamOptions { MaxPayloadLength = 100, LeaveOpen = true });
        var error = Assert.Throws<ProtocolException>(() => writer.Write(BlockData.Load(BlockData.Block413567)));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);
        await writer.WriteAsync(new PingMessage { Nonce = 9 });
        Assert.Equal(Frames(new PingMessage { Nonce = 9 }), stream.ToArray());
    }

    [Fact]
    public async Task A_pipe_fed_in_odd_chunks_dispatches_every_real_block_to_the_listener()
    {
        // The three mainnet blocks and blocks 1-255, framed, fed through a pipe 1,000 bytes at a time: frames span
        // many segments, the checksum and decode run over them, and dispatch calls OnBlock for each.
        var blocks = new List<byte[]> { BlockData.Read(BlockData.Block413567), BlockData.Read(BlockData.Segwit1), BlockData.Read(BlockData.Segwit2) };
        foreach (var raw in BlockFile.Split(BlockData.Read("blocks1-255.blk"), Network.Magic))
        {
            blocks.Add(raw.ToArray());
        }

        var stream = new MemoryStream();
        await using (var writer = new MessageWriter(stream, Network, new MessageStreamOptions { LeaveOpen = true }))
        {
            foreach (var raw in blocks)
            {
                writer.Write(WireSerializer.Decode<Block>(raw.AsMemory()));
            }
        }

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var feeding = Task.Run(async () =>
        {
            var all = stream.ToArray();
            for (int offset = 0; offset < all.Length; offset += 1000)
            {
                await pipe.Writer.WriteAsync(all.AsMemory(offset, Math.Min(1000, all.Length - offset)));
            }

            await pipe.Writer.CompleteAsync();
        });

        var hashes = new List<Hash256>();
        await using var reader = new MessageReader(pipe.Reader, Network);
        long delivered = await reader.DispatchAllAsync<object?>(null, new BitcoinListeners<object?> { OnBlock = (_, b) => hashes.Add(b.GetHash()) });
        await feeding;

        Assert.Equal(blocks.Count, delivered);
        Assert.Equal(blocks.Select(raw => WireSerializer.Decode<Block>(raw.AsMemory()).GetHash()), hashes);
        Assert.Equal(stream.Length, reader.BytesRead);
    }

    [Fact]
    public async Task Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageReader(new MemoryStream(), Network, new MessageStreamOptions { ReceiveBufferSize = 16 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageWriter(new MemoryStream(), Network, new MessageStreamOptions { MaxPayloadLength = ProtocolLimits.MaxMessagePayload + 1 }));
        await using var reader = new MessageReader(new MemoryStream(), Network, new MessageStreamOptions { ReceiveBufferSize = 256 * 1024 });
        Assert.Null(await reader.ReadAsync());
    }

    [Fact]
    public async Task The_reader_takes_receive_buffers_of_the_configured_size_from_the_configured_pool()
    {
        var pool = new CountingMemoryPool();
        var bytes = Frames(BlockData.Load(BlockData.Segwit2));
        await using (var reader = new MessageReader(new MemoryStream(bytes), Network, new MessageStreamOptions { Pool = pool, ReceiveBufferSize = 64 * 1024 }))
        {
            Assert.IsType<Block>((await reader.ReadAsync())!.Value.Message);
            Assert.Equal(64 * 1024, pool.LargestRequest);
        }

        Assert.Equal(0, pool.Outstanding);
    }

    private static MessageCommand BlockMessageCommand() => Block.Command;

    private static byte[] Frames(params IMessage[] messages) => messages.SelectMany(m => Frame.ToArray(Network.Magic, m)).ToArray();
}
