using System.Buffers;
using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Framing;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Tests.Transport;

/// <summary>
/// Transport — large v1 payloads filled as they arrive (<see cref="LargePayload"/>): the same bytes, the same checksum
/// verdicts and the same limits as a frame cut whole from the receive buffers, however the bytes are split.
/// </summary>
public class LargePayloadTests
{
    private static readonly uint Magic = BitcoinNetwork.Regtest.Magic;

    [Theory]
    [InlineData(1_000)]
    [InlineData(16_384)]
    [InlineData(65_536)]
    [InlineData(300_001)]
    [InlineData(2_000_000)]
    public void A_block_fed_in_pieces_arrives_whole_with_its_checksum_verified(int piece)
    {
        var block = BlockData.Read(BlockData.Block413567);
        var stream = Concat(Frame.ToArray(Magic, new PingMessage { Nonce = 1 }), FrameOf("block", block), Frame.ToArray(Magic, new PingMessage { Nonce = 2 }));
        var messages = ReadInPieces(new V1MessageTransport(BitcoinNetwork.Regtest), stream, piece, out bool filled);

        Assert.Equal(["ping", "block", "ping"], messages.Select(m => m.Command));
        Assert.All(messages, m => Assert.Equal(TransportMessageStatus.Ok, m.Status));
        Assert.Equal(block, messages[1].Payload);
        Assert.Equal(FrameHeader.Size + block.Length, messages[1].WireSize);
        Assert.Equal(FrameOf("block", block), messages[1].WireBytes);

        // Filling starts whenever the first piece (after the 32-byte ping) does not complete the block.
        Assert.Equal(piece < 32 + FrameHeader.Size + block.Length, filled);
    }

    [Fact]
    public void The_rest_of_a_payload_can_be_written_straight_into_its_array()
    {
        var block = BlockData.Read(BlockData.Segwit1);
        var frame = FrameOf("block", block);
        var transport = new V1MessageTransport(BitcoinNetwork.Regtest);
        int first = FrameHeader.Size + (block.Length / 4) + 10;
        var buffer = new ReadOnlySequence<byte>(frame, 0, first);

        Assert.False(transport.TryRead(ref buffer, out _));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(block.Length + FrameHeader.Size, transport.HeldBytes);
        Assert.Equal("block", transport.PendingCommand(default)?.ToString());

        int offset = first;
        TransportMessage message = default;
        bool done = false;
        while (!done)
        {
            var target = transport.DirectReadTarget;
            Assert.Equal(frame.Length - offset, target.Length);
            int count = Math.Min(target.Length, 100_000);
            frame.AsSpan(offset, count).CopyTo(target.Span);
            offset += count;
            done = transport.Filled(count, out message);
        }

        Assert.Equal(TransportMessageStatus.Ok, message.Verify());
        Assert.Equal(block, message.OwnedPayload.ToArray());
        Assert.Equal(0, transport.HeldBytes);
        Assert.True(transport.DirectReadTarget.IsEmpty);
    }

    [Fact]
    public void Hashing_that_trails_the_filling_on_another_thread_gives_the_same_verdict_however_the_pieces_fall()
    {
        // The hashing runs on thread-pool work items while the pieces arrive (on a machine with more than one core):
        // random piece sizes and pauses move where the reading thread takes over; every byte must be hashed once, in
        // order, whoever hashes it. Half the rounds carry one flipped byte, anywhere in the payload.
        var block = BlockData.Read(BlockData.Segwit1);
        var random = new Random(13);
        for (int round = 0; round < 120; round++)
        {
            var frame = FrameOf("block", block);
            bool corrupt = round % 2 == 1;
            if (corrupt)
            {
                frame[FrameHeader.Size + random.Next(block.Length)] ^= 0x20;
            }

            var transport = new V1MessageTransport(BitcoinNetwork.Regtest);
            int offset = FrameHeader.Size + (block.Length / 4) + random.Next(1_000);
            var buffer = new ReadOnlySequence<byte>(frame, 0, offset);
            Assert.False(transport.TryRead(ref buffer, out _));

            TransportMessage message = default;
            bool done = false;
            while (!done)
            {
                var target = transport.DirectReadTarget;
                int count = Math.Min(target.Length, 1 + random.Next(300_000));
                frame.AsSpan(offset, count).CopyTo(target.Span);
                offset += count;
                if (random.Next(3) == 0)
                {
                    Thread.SpinWait(random.Next(20_000));
                }

                done = transport.Filled(count, out message);
            }

            Assert.Equal(corrupt ? TransportMessageStatus.BadChecksum : TransportMessageStatus.Ok, message.Verify());
            Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), message.OwnedPayload.ToArray());
        }
    }

    [Fact]
    public void A_bad_checksum_drops_the_filled_message_and_the_next_frame_reads()
    {
        var block = BlockData.Read(BlockData.Block413567);
        var corrupt = FrameOf("block", block);
        corrupt[^1] ^= 0x01;
        var stream = Concat(corrupt, Frame.ToArray(Magic, new PingMessage { Nonce = 7 }));
        var messages = ReadInPieces(new V1MessageTransport(BitcoinNetwork.Regtest), stream, 50_000, out bool filled);

        Assert.True(filled);
        Assert.Equal([TransportMessageStatus.BadChecksum, TransportMessageStatus.Ok], messages.Select(m => m.Status));
        Assert.Equal(["block", "ping"], messages.Select(m => m.Command));
    }

    [Fact]
    public void A_claimed_length_allocates_nothing_until_a_quarter_of_it_has_arrived()
    {
        const int claimed = 4_000_000;
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Magic, MessageCommand.Parse("block"), claimed, 0).WriteTo(header);
        var transport = new V1MessageTransport(BitcoinNetwork.Regtest);
        var bytes = Concat(header, new byte[(claimed / 4) - 1]);

        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.False(transport.TryRead(ref buffer, out _));
        Assert.Equal(bytes.Length, buffer.Length);
        Assert.Equal(0, transport.HeldBytes);

        var more = new ReadOnlySequence<byte>(Concat(bytes, new byte[1]));
        Assert.False(transport.TryRead(ref more, out _));
        Assert.True(more.IsEmpty);
        Assert.Equal(claimed + FrameHeader.Size, transport.HeldBytes);
    }

    [Fact]
    public void A_malformed_command_is_not_filled_and_is_dropped_whole()
    {
        var payload = new byte[100_000];
        var frame = FrameOf("block", payload);
        frame[4 + 6] = (byte)'x';
        var stream = Concat(frame, Frame.ToArray(Magic, new PingMessage { Nonce = 3 }));
        var messages = ReadInPieces(new V1MessageTransport(BitcoinNetwork.Regtest), stream, 30_000, out bool filled);

        Assert.False(filled);
        Assert.Equal([TransportMessageStatus.InvalidCommand, TransportMessageStatus.Ok], messages.Select(m => m.Status));
    }

    [Fact]
    public async Task A_peer_receives_real_blocks_and_drops_a_corrupted_one_without_disconnecting()
    {
        var received = new ConcurrentQueue<Hash256>();
        var listener = new BitcoinListeners<Peers.Peer> { OnBlock = (_, b) => received.Enqueue(b.GetHash()) };
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(listener), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        var names = new[] { BlockData.Block413567, BlockData.Segwit1, BlockData.Segwit2 };
        var corrupt = FrameOf("block", BlockData.Read(BlockData.Segwit1));
        corrupt[FrameHeader.Size + 1000] ^= 0x80;
        await raw.SendRawAsync(corrupt);
        foreach (var name in names)
        {
            await raw.SendRawAsync(FrameOf("block", BlockData.Read(name)));
        }

        await raw.PingBarrierAsync();
        Assert.Equal(names.Select(n => BlockData.Load(n).GetHash()), received);
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(1, raw.Peer.GetStats().MessagesIgnored);
    }

    [Fact]
    public async Task A_remote_that_closes_in_the_middle_of_a_block_is_reported_as_such()
    {
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        var frame = FrameOf("block", BlockData.Read(BlockData.Segwit2));

        await raw.SendRawAsync(frame.AsSpan(0, frame.Length * 2 / 3).ToArray());
        raw.CloseSending();

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.RemoteClosed, reason.Kind);
        Assert.Contains("middle of a frame", reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_that_closes_right_after_a_whole_block_is_reported_as_closed_and_the_block_delivered()
    {
        // The block's end is read straight from the socket; the wait for more bytes after it must see the close.
        var received = new ConcurrentQueue<Hash256>();
        var listener = new BitcoinListeners<Peers.Peer> { OnBlock = (_, b) => received.Enqueue(b.GetHash()) };
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(listener), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        await raw.SendRawAsync(FrameOf("block", BlockData.Read(BlockData.Segwit2)));
        raw.CloseSending();

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.RemoteClosed, reason.Kind);
        Assert.DoesNotContain("middle of a frame", reason.Detail, StringComparison.Ordinal);
        Assert.Equal([BlockData.Load(BlockData.Segwit2).GetHash()], received);
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_large_frame_is_truncated()
    {
        var frame = FrameOf("block", BlockData.Read(BlockData.Block413567));
        var bytes = Concat(Frame.ToArray(Magic, new PingMessage { Nonce = 5 }), frame.AsSpan(0, frame.Length / 2).ToArray());
        await using var reader = new MessageReader(new MemoryStream(bytes), BitcoinNetwork.Regtest, new MessageStreamOptions { ReceiveBufferSize = 16 * 1024 });

        Assert.IsType<PingMessage>((await reader.ReadAsync())!.Value.Message);
        var error = await Assert.ThrowsAsync<ProtocolException>(async () => await reader.ReadAsync());
        Assert.Equal(ProtocolError.Truncated, error.Error);
    }

    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(256 * 1024)]
    public async Task A_message_reader_reads_blocks_straight_into_their_arrays_and_drops_a_corrupted_one(int bufferSize)
    {
        var names = new[] { BlockData.Block413567, BlockData.Segwit1, BlockData.Segwit2 };
        var corrupt = FrameOf("block", BlockData.Read(BlockData.Segwit2));
        corrupt[^100] ^= 0x10;
        var bytes = Concat([corrupt, .. names.Select(n => FrameOf("block", BlockData.Read(n))), Frame.ToArray(Magic, new PingMessage { Nonce = 9 })]);

        await using var reader = new MessageReader(new MemoryStream(bytes), BitcoinNetwork.Regtest, new MessageStreamOptions { ReceiveBufferSize = bufferSize });
        var frames = new List<FramedMessage>();
        while (await reader.ReadAsync() is { } frame)
        {
            frames.Add(frame);
        }

        Assert.Equal([FrameStatus.BadChecksum, FrameStatus.Ok, FrameStatus.Ok, FrameStatus.Ok, FrameStatus.Ok], frames.Select(f => f.Status));
        Assert.Equal(names.Select(n => BlockData.Load(n).GetHash()), frames.Skip(1).Take(3).Select(f => ((Block)f.Message!).GetHash()));
        Assert.Equal(bytes.Length, reader.BytesRead);
        Assert.Equal(1, reader.FramesDropped);
    }

    [Fact]
    public void A_payload_whose_last_bytes_arrive_at_once_is_handed_up_before_its_hashing_ends_and_verified_on_demand()
    {
        // Two thirds of the block arrive in one piece: on a machine with more than one core the hashing of that rest
        // goes on on the thread pool and the message comes up at once, its checksum pending; Verify gives the verdict
        // (the same on a second call), and the payload is the frame's whatever the verdict.
        var block = BlockData.Read(BlockData.Segwit1);
        int pending = 0;
        for (int round = 0; round < 20; round++)
        {
            var frame = FrameOf("block", block);
            bool corrupt = round % 2 == 1;
            if (corrupt)
            {
                frame[FrameHeader.Size + (block.Length / 3) + (round * 9_973)] ^= 0x04;
            }

            var message = ReadInTwo(frame);
            var expected = corrupt ? TransportMessageStatus.BadChecksum : TransportMessageStatus.Ok;
            // A work item already hashing the first third goes on into the rest; if this thread is held up long enough
            // (a loaded machine) it finishes first, and the verdict is known at once.
            Assert.Contains(message.Status, new[] { TransportMessageStatus.ChecksumPending, expected });
            pending += message.Status == TransportMessageStatus.ChecksumPending ? 1 : 0;
            Assert.Equal(block.Length, message.OwnedPayload.Count);
            Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), message.Payload.ToArray());
            Assert.Equal(expected, message.Verify());
            Assert.Equal(expected, message.Verify());
        }

        if (Environment.ProcessorCount > 1)
        {
            Assert.True(pending > 0, "no round handed its message up with the checksum pending");
        }
        else
        {
            Assert.Equal(0, pending);
        }
    }

    [Fact]
    public async Task A_peer_drops_a_large_frame_that_fails_both_its_checksum_and_decoding_and_stays_connected()
    {
        // A block whose transaction count was corrupted cannot decode; decoded while its checksum is pending, it must
        // still count as a dropped frame (as Bitcoin Core, which checks the checksum first), not as a malformed
        // message that disconnects. The same bytes with a matching checksum do disconnect.
        var received = new ConcurrentQueue<Hash256>();
        var listener = new BitcoinListeners<Peers.Peer> { OnBlock = (_, b) => received.Enqueue(b.GetHash()) };
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(listener), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        var block = BlockData.Read(BlockData.Segwit1);
        var corrupt = FrameOf("block", block);
        corrupt[FrameHeader.Size + 80] = 0xff;
        await raw.SendRawAsync(corrupt);
        await raw.SendRawAsync(FrameOf("block", block));
        await raw.PingBarrierAsync();
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal([BlockData.Load(BlockData.Segwit1).GetHash()], received);
        Assert.Equal(1, raw.Peer.GetStats().MessagesIgnored);

        var malformed = block.ToArray();
        malformed[80] = 0xff;
        await raw.SendRawAsync(FrameOf("block", malformed));
        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_message_reader_drops_a_large_frame_that_fails_both_its_checksum_and_decoding(bool dispatch)
    {
        var block = BlockData.Read(BlockData.Segwit1);
        var corrupt = FrameOf("block", block);
        corrupt[FrameHeader.Size + 80] = 0xff;
        var bytes = Concat(corrupt, FrameOf("block", block), Frame.ToArray(Magic, new PingMessage { Nonce = 3 }));
        var options = new MessageStreamOptions { ReceiveBufferSize = 16 * 1024 };

        await using var reader = new MessageReader(new MemoryStream(bytes), BitcoinNetwork.Regtest, options);
        if (dispatch)
        {
            var blocks = new List<Hash256>();
            long delivered = await reader.DispatchAllAsync<object?>(null, new BitcoinListeners<object?> { OnBlock = (_, b) => blocks.Add(b.GetHash()) });
            Assert.Equal(2, delivered);
            Assert.Equal([BlockData.Load(BlockData.Segwit1).GetHash()], blocks);
        }
        else
        {
            var frames = new List<FramedMessage>();
            while (await reader.ReadAsync() is { } frame)
            {
                frames.Add(frame);
            }

            Assert.Equal([FrameStatus.BadChecksum, FrameStatus.Ok, FrameStatus.Ok], frames.Select(f => f.Status));
        }

        Assert.Equal(1, reader.FramesDropped);

        var malformed = block.ToArray();
        malformed[80] = 0xff;
        await using var strict = new MessageReader(new MemoryStream(FrameOf("block", malformed)), BitcoinNetwork.Regtest, options);
        await Assert.ThrowsAsync<ProtocolException>(async () => await strict.ReadAsync());
    }

    private static byte[] FrameOf(string command, byte[] payload)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(Magic, MessageCommand.Parse(command), payload.Length, DoubleSha256.Checksum(payload)).WriteTo(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        return frame;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>
    /// The frame of <paramref name="payload"/> fed to a new transport in two pieces, a third of it and the rest, so
    /// that most of the payload is still to be hashed when its last byte arrives.
    /// </summary>
    private static TransportMessage ReadInTwo(byte[] frame)
    {
        var transport = new V1MessageTransport(BitcoinNetwork.Regtest);
        var buffer = new ReadOnlySequence<byte>(frame, 0, frame.Length / 3);
        Assert.False(transport.TryRead(ref buffer, out _));
        buffer = new ReadOnlySequence<byte>(frame, frame.Length / 3, frame.Length - (frame.Length / 3));
        Assert.True(transport.TryRead(ref buffer, out var message));
        Assert.True(buffer.IsEmpty);
        return message;
    }

    /// <summary>Feeds <paramref name="stream"/> to the transport <paramref name="piece"/> bytes at a time, as a pipe would: unread bytes stay buffered.</summary>
    private static List<(string Command, TransportMessageStatus Status, byte[] Payload, int WireSize, byte[] WireBytes)> ReadInPieces(V1MessageTransport transport, byte[] stream, int piece, out bool filled)
    {
        var messages = new List<(string, TransportMessageStatus, byte[], int, byte[])>();
        filled = false;
        int start = 0;
        int end = 0;
        while (start < stream.Length)
        {
            end = Math.Min(stream.Length, end + piece);
            var buffer = new ReadOnlySequence<byte>(stream, start, end - start);
            while (transport.TryRead(ref buffer, out var message))
            {
                messages.Add((message.Command.ToString(), message.Verify(), message.Payload.ToArray(), message.WireSize, message.WireBytes.ToArray()));
            }

            filled |= transport.HeldBytes > 0;
            start = end - (int)buffer.Length;
            if (end == stream.Length && start < stream.Length)
            {
                Assert.Fail($"{stream.Length - start} bytes left unread");
            }
        }

        return messages;
    }
}
