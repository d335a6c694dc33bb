using System.Buffers.Binary;
using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>Transport and lifecycle — v1 framing: what the peer writes, and how it validates what it reads.</summary>
public class FramingTests
{
    [Fact]
    public async Task Every_frame_written_has_the_length_and_checksum_of_its_payload_bytes()
    {
        // A fake clock nobody advances: no keep-alive ping, so the byte totals compare exactly.
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler));
        await remote.HandshakeAsync();
        var block = BlockData.Load(BlockData.Block413567);
        var messages = new IMessage[]
        {
            new PingMessage { Nonce = 42 },
            new InvMessage { Inventory = new[] { new InventoryVector(InventoryType.Tx, block.Transactions[1].GetTxId()), new InventoryVector(InventoryType.Block, block.GetHash()) } },
            new GetHeadersMessage { Version = 70016, Locator = new[] { block.GetHash(), block.Header.PreviousBlock }, HashStop = Hash256.Zero },
            new HeadersMessage { Headers = new[] { block.Header } },
            new FeeFilterMessage { FeeRate = 1000 },
            new GetAddrMessage(),
            block.Transactions[1],
            block,
        };
        foreach (var message in messages)
        {
            Assert.True(remote.Peer.QueueMessage(message));
        }

        var frames = await remote.SentinelAsync(skipPings: false);
        Assert.Equal(messages.Select(m => m.Command.ToString()), frames.Select(f => f.Command));
        var context = new WireContext(remote.Peer.ProtocolVersion);
        for (int i = 0; i < messages.Length; i++)
        {
            var frame = frames[i];
            Assert.Equal(BitcoinNetwork.Regtest.Magic, BinaryPrimitives.ReadUInt32LittleEndian(frame.Bytes));
            Assert.Equal(frame.Bytes.Length - FrameHeader.Size, BinaryPrimitives.ReadInt32LittleEndian(frame.Bytes.AsSpan(16)));
            Assert.Equal(DoubleSha256.Checksum(frame.Bytes.AsSpan(FrameHeader.Size)), BinaryPrimitives.ReadUInt32LittleEndian(frame.Bytes.AsSpan(20)));
            Assert.Equal(Frame.ToArray(BitcoinNetwork.Regtest.Magic, messages[i], context), frame.Bytes);
        }

        // Everything read (the handshake included) is exactly what the peer counted as written.
        Assert.Equal(remote.BytesRead, remote.Peer.GetStats().BytesSent);
    }

    [Fact]
    public async Task The_payload_is_encoded_once_and_the_checksum_is_taken_over_those_bytes()
    {
        await using var remote = new PipeRemote(TestConfig.Create());
        await remote.HandshakeAsync();

        // Each encoding of this message differs: a second encoding (for the checksum, or after it) would show.
        var message = new ChangingMessage();
        Assert.True(remote.Peer.QueueMessage(message));
        var (frame, _) = await remote.ReceiveUntilAsync("pg1change");

        Assert.Equal(1, message.Encodings);
        Assert.Equal(DoubleSha256.Checksum(frame.Payload), frame.Header.Checksum);
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, frame.Payload);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(2)]
    public async Task A_message_whose_size_disagrees_with_its_encoding_never_reaches_the_wire(int claimedSize)
    {
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler));
        await remote.HandshakeAsync();

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(remote.Peer.QueueMessage(new MismeasuredMessage(claimedSize), sent));
        Assert.True(remote.Peer.QueueMessage(new PingMessage { Nonce = 4 }));

        // The bad send fails on its own; the stream stays in sync (the next frame parses) and the peer stays up.
        await Assert.ThrowsAnyAsync<Exception>(() => sent.Task.WaitAsync(PeerPair.Timeout));
        var (ping, before) = await remote.ReceiveUntilAsync("ping");
        Assert.Equal(4UL, ping.Decode<PingMessage>().Nonce);
        Assert.DoesNotContain(before, f => f.Command == "pg1bad");
        Assert.True(remote.Peer.IsConnected);
    }

    [Fact]
    public async Task A_frame_with_the_wrong_magic_disconnects_as_a_protocol_violation()
    {
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        await raw.SendRawAsync(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, new PingMessage { Nonce = 7 }));

        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        var reason = raw.Peer.DisconnectReason!;
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.BadMagic, reason.ProtocolError);
        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
    }

    [Fact]
    public async Task A_header_announcing_4_000_001_bytes_disconnects_before_any_payload_is_sent()
    {
        var pool = new CountingMemoryPool();
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create() with { MemoryPool = pool }, PeerDirection.Inbound);
        await raw.HandshakeAsync();

        // Only the 24-byte header: the peer must give up on the header alone.
        await raw.SendRawAsync(Header("block", 4_000_001, checksum: 0));

        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        var reason = raw.Peer.DisconnectReason!;
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.PayloadTooLarge, reason.ProtocolError);
        Assert.True(pool.LargestRequest < 1_000_000, $"the peer asked its pool for {pool.LargestRequest} bytes");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task A_payload_of_exactly_4_000_000_bytes_is_accepted()
    {
        var unknown = new ConcurrentQueue<int>();
        var listener = new BitcoinListeners<Peers.Peer> { OnUnknown = (_, frame) => unknown.Enqueue(frame.Payload.Length) };
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(listener), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        await raw.SendAsync(new CustomMessage("pg1huge", new byte[4_000_000]));
        var pongs = await PingBarrierAsync(raw, 99);

        Assert.Equal([99UL], pongs);
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal([4_000_000], unknown);
    }

    [Fact]
    public async Task A_frame_with_a_bad_checksum_is_dropped_and_the_peer_stays_connected()
    {
        var errors = new ConcurrentQueue<(string Command, ProtocolError Error)>();
        var config = TestConfig.Create() with
        {
            OnRead = (_, command, _, _, error) =>
            {
                if (error is ProtocolException p)
                {
                    errors.Enqueue((command.ToString(), p.Error));
                }
            },
        };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await raw.HandshakeAsync();
        var before = raw.Peer.GetStats();

        var corrupt = Frame.ToArray(BitcoinNetwork.Regtest.Magic, new PingMessage { Nonce = 1 });
        corrupt[20] ^= 0xFF;
        await raw.SendRawAsync(corrupt);
        var pongs = await PingBarrierAsync(raw, 2);

        // Only the good ping was answered; the corrupt one was counted, ignored and reported, not fatal.
        Assert.Equal([2UL], pongs);
        Assert.True(raw.Peer.IsConnected);
        var after = raw.Peer.GetStats();
        Assert.Equal(before.MessagesIgnored + 1, after.MessagesIgnored);
        Assert.Equal(before.ReceivedByCommand.GetValueOrDefault("ping").Messages + 2, after.ReceivedByCommand["ping"].Messages);
        Assert.Equal([("ping", ProtocolError.BadChecksum)], errors);
    }

    [Fact]
    public async Task A_frame_with_a_malformed_command_is_dropped_and_the_peer_stays_connected()
    {
        var errors = new ConcurrentQueue<ProtocolError>();
        var config = TestConfig.Create() with
        {
            OnRead = (_, _, _, _, error) =>
            {
                if (error is ProtocolException p)
                {
                    errors.Enqueue(p.Error);
                }
            },
        };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await raw.HandshakeAsync();
        long ignored = raw.Peer.GetStats().MessagesIgnored;

        // "pi\0ng": a NUL inside the command, then printable bytes again (Bitcoin Core rejects such a command).
        var payload = new byte[8];
        var header = Header("pi\0ng", payload.Length, DoubleSha256.Checksum(payload));
        await raw.SendRawAsync([.. header, .. payload]);
        var pongs = await PingBarrierAsync(raw, 3);

        Assert.Equal([3UL], pongs);
        Assert.True(raw.Peer.IsConnected);
        Assert.Equal(ignored + 1, raw.Peer.GetStats().MessagesIgnored);
        Assert.Equal([ProtocolError.InvalidCommand], errors);
    }

    [Fact]
    public async Task Receive_buffers_come_from_the_configured_pool_and_are_all_returned()
    {
        var pool = new CountingMemoryPool();
        var blocks = new TaskCompletionSource<Block>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverListener = new BitcoinListeners<Peers.Peer> { OnBlock = (_, b) => blocks.TrySetResult(b) };
        var block = BlockData.Load(BlockData.Block413567);
        Peers.Peer client;
        Peers.Peer server;
        await using (var pair = await PeerPair.HandshakeAsync(TestConfig.Create() with { MemoryPool = pool }, TestConfig.Create(serverListener) with { MemoryPool = pool }))
        {
            (client, server) = (pair.Client, pair.Server);
            Assert.True(pair.Client.QueueMessage(block));
            var received = await blocks.Task.WaitAsync(PeerPair.Timeout);
            Assert.Equal(block.GetHash(), received.GetHash());
            await pair.Client.PingAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.True(PeerLoops.Stopped(client) && PeerLoops.Stopped(server));

        // The first quarter of a megabyte block arrives in pooled segments (the rest is read straight into the
        // block's array); every one went back.
        Assert.True(pool.Rented >= 4, $"only {pool.Rented} blocks rented");
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, pool.DoubleReturns);
    }

    /// <summary>Sends one ping and reads until its pong; returns the nonces of every pong read on the way.</summary>
    internal static async Task<List<ulong>> PingBarrierAsync(RawPeer raw, ulong nonce)
    {
        await raw.SendAsync(new PingMessage { Nonce = nonce });
        var pongs = new List<ulong>();
        while (true)
        {
            var (command, payload) = await raw.ReceiveFrameAsync();
            if (command.ToString() != "pong")
            {
                continue;
            }

            ulong got = RawPeer.Decode<PongMessage>(payload).Nonce;
            pongs.Add(got);
            if (got == nonce)
            {
                return pongs;
            }
        }
    }

    /// <summary>A 24-byte header with any command bytes (up to 12, NUL-padded), length and checksum.</summary>
    internal static byte[] Header(string command, int length, uint checksum)
    {
        var header = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(header, BitcoinNetwork.Regtest.Magic);
        for (int i = 0; i < command.Length; i++)
        {
            header[4 + i] = (byte)command[i];
        }

        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), checksum);
        return header;
    }

    /// <summary>A message that writes 4 bytes whatever size it claims (an application bug).</summary>
    private sealed class MismeasuredMessage(int claimedSize) : IMessage
    {
        public MessageCommand Command { get; } = MessageCommand.Parse("pg1bad");

        public int GetEncodedSize(WireContext context) => claimedSize;

        public void WriteTo(ref WireWriter writer) => writer.WriteInt32(0x0bad);
    }

    /// <summary>A message whose every encoding is different (a counter): shows how often the peer encodes it.</summary>
    private sealed class ChangingMessage : IMessage
    {
        private int _encodings;

        public int Encodings => Volatile.Read(ref _encodings);

        public MessageCommand Command { get; } = MessageCommand.Parse("pg1change");

        public int GetEncodedSize(WireContext context) => 4;

        public void WriteTo(ref WireWriter writer) => writer.WriteInt32(Interlocked.Increment(ref _encodings));
    }
}
