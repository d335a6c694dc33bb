using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// The <see cref="PeerConfig.OnWrite"/> and <see cref="PeerConfig.OnRead"/> hooks (btcd's): one call per frame with
/// its command, its size on the wire (24 + payload), the message and the error, if any.
/// </summary>
public class MessageHookTests
{
    /// <summary>The largest payload the protocol allows (Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH).</summary>
    private const int MaxPayload = 4_000_000;

    [Fact]
    public async Task OnWrite_is_called_once_per_frame_written_with_its_size_on_the_wire_and_the_message()
    {
        var writes = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(writes: writes);
        var handshake = await remote.HandshakeAsync();

        var ping = new PingMessage { Nonce = 0x1234 };
        var custom = new CustomMessage("pg1write", [1, 2, 3, 4, 5]);
        Assert.True(remote.Peer.QueueMessage(ping));
        Assert.True(remote.Peer.QueueMessage(custom));
        var after = await remote.SentinelAsync(skipPings: false);

        // The hook runs before the frame is flushed: every frame read so far, and the sentinel pong after them, has
        // had exactly one call, in order, with the frame's size.
        var frames = handshake.Concat(after).ToList();
        var calls = writes.ToList();
        Assert.Equal(frames.Count + 1, calls.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(frames[i].Command, calls[i].Command);
            Assert.Equal(frames[i].Bytes.Length, calls[i].Bytes);
            Assert.Equal(frames[i].Command, calls[i].Message!.Command.ToString());
            Assert.Null(calls[i].Error);
        }

        Assert.Null(calls[^1].Error);

        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack", "ping", "pg1write", "pong"], calls.Select(c => c.Command));
        Assert.Same(ping, calls[4].Message);
        Assert.Equal(FrameHeader.Size + 8, calls[4].Bytes);
        Assert.Same(custom, calls[5].Message);
        Assert.Equal(FrameHeader.Size + 5, calls[5].Bytes);
        Assert.Equal(FrameHeader.Size + 8, calls[6].Bytes);
    }

    [Fact]
    public async Task OnWrite_sees_a_payload_of_exactly_4_000_000_bytes_as_4_000_024()
    {
        var writes = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(writes: writes);
        await remote.HandshakeAsync();
        var largest = new CustomMessage("pg1largest", new byte[MaxPayload]);

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(remote.Peer.QueueMessage(largest, sent));
        var (frame, _) = await remote.ReceiveUntilAsync("pg1largest");
        await sent.Task.WaitAsync(PeerPair.Timeout);

        var call = Assert.Single(writes, c => c.Command == "pg1largest");
        Assert.Equal(FrameHeader.Size + MaxPayload, call.Bytes);
        Assert.Equal(frame.Bytes.Length, call.Bytes);
        Assert.Same(largest, call.Message);
        Assert.Null(call.Error);
    }

    [Fact]
    public async Task An_unencodable_message_over_the_payload_limit_is_reported_to_OnWrite_with_zero_bytes_and_the_peer_stays_connected()
    {
        var writes = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(writes: writes);
        await remote.HandshakeAsync();
        var tooLarge = new CustomMessage("pg1toolarge", new byte[MaxPayload + 1]);

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(remote.Peer.QueueMessage(tooLarge, sent));
        var error = await Assert.ThrowsAsync<ProtocolException>(() => sent.Task.WaitAsync(PeerPair.Timeout));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);

        // Nothing of it reached the wire; the stream is still in sync and the next message arrives intact.
        var after = await remote.SentinelAsync(skipPings: false);
        Assert.Empty(after);
        Assert.True(remote.Peer.IsConnected);
        var call = Assert.Single(writes, c => c.Command == "pg1toolarge");
        Assert.Equal(0, call.Bytes);
        Assert.Same(tooLarge, call.Message);
        Assert.Same(error, call.Error);
        Assert.False(remote.Peer.GetStats().SentByCommand.ContainsKey("pg1toolarge"));
    }

    [Theory]
    [InlineData(3, "pg1under: encoded 2 bytes but measured 3")]
    [InlineData(1, "pg1under: encoded more than the 1 bytes measured")]
    public async Task A_message_whose_encoder_disagrees_with_its_size_is_reported_to_OnWrite_with_zero_bytes_and_the_peer_stays_connected(int measured, string message)
    {
        var writes = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(writes: writes);
        await remote.HandshakeAsync();
        var liar = new MismeasuredMessage("pg1under", measured, [9, 9]);

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(remote.Peer.QueueMessage(liar, sent));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sent.Task.WaitAsync(PeerPair.Timeout));
        Assert.Equal(message, error.Message);

        Assert.Empty(await remote.SentinelAsync(skipPings: false));
        Assert.True(remote.Peer.IsConnected);
        var call = Assert.Single(writes, c => c.Command == "pg1under");
        Assert.Equal(0, call.Bytes);
        Assert.Same(liar, call.Message);
        Assert.Same(error, call.Error);
    }

    [Fact]
    public async Task OnRead_sees_every_frame_read_with_its_size_and_the_decoded_message_or_null()
    {
        var reads = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(reads: reads);

        // Before the version: ignored, not decoded.
        var early = new PingMessage { Nonce = 1 };
        await remote.SendAsync(early);
        await Eventually.IgnoredAsync(remote.Peer, 1);

        var version = remote.Version();
        await remote.HandshakeAsync(version);
        var ping = new PingMessage { Nonce = 2 };
        await remote.SendAsync(ping);
        await remote.SendAsync(new CustomMessage("pg1read", [1, 2, 3]));
        var inv = new InvMessage { Inventory = new[] { new InventoryVector(InventoryType.Block, Hash256.Parse(new string('7', 64))) } };
        await remote.SendAsync(inv);

        // The hook runs after the listener (which queued the pong), so wait for the count rather than the pong.
        await Poll.UntilAsync(() => reads.Count >= 6, $"six frames seen by OnRead (now {reads.Count})");
        var calls = reads.ToList();
        Assert.Equal(["ping", "version", "verack", "ping", "pg1read", "inv"], calls.Select(c => c.Command));
        Assert.Equal(
            [Size(early), Size(version), FrameHeader.Size, Size(ping), FrameHeader.Size + 3, Size(inv)],
            calls.Select(c => c.Bytes));
        Assert.All(calls, c => Assert.Null(c.Error));

        Assert.Null(calls[0].Message);
        Assert.Equal(version, Assert.IsType<VersionMessage>(calls[1].Message));
        Assert.IsType<VerAckMessage>(calls[2].Message);
        Assert.Equal(ping, Assert.IsType<PingMessage>(calls[3].Message));
        Assert.Null(calls[4].Message);
        Assert.Equal(inv, Assert.IsType<InvMessage>(calls[5].Message));
    }

    [Fact]
    public async Task OnRead_sees_a_short_pong_without_a_message_and_without_an_error()
    {
        var reads = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(reads: reads);
        await remote.HandshakeAsync();

        var payload = new byte[] { 1, 2, 3, 4 };
        var header = new FrameHeader(BitcoinNetwork.Regtest.Magic, PongMessage.Command, payload.Length, DoubleSha256.Checksum(payload));
        var frame = new byte[FrameHeader.Size + payload.Length];
        header.WriteTo(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        await remote.SendRawAsync(frame);

        await Poll.UntilAsync(() => reads.Any(c => c.Command == "pong"), "the short pong seen by OnRead");
        var call = Assert.Single(reads, c => c.Command == "pong");
        Assert.Equal(FrameHeader.Size + 4, call.Bytes);
        Assert.Null(call.Message);
        Assert.Null(call.Error);
        Assert.True(remote.Peer.IsConnected);
    }

    [Fact]
    public async Task OnRead_sees_a_malformed_payload_with_its_error_before_the_peer_disconnects()
    {
        var reads = new ConcurrentQueue<Hooked>();
        await using var remote = Connect(reads: reads);
        await remote.HandshakeAsync();

        // An inv that announces one entry and carries none.
        var payload = new byte[] { 1 };
        var header = new FrameHeader(BitcoinNetwork.Regtest.Magic, InvMessage.Command, payload.Length, DoubleSha256.Checksum(payload));
        var frame = new byte[FrameHeader.Size + payload.Length];
        header.WriteTo(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        await remote.SendRawAsync(frame);

        var reason = await Eventually.DisconnectedAsync(remote.Peer);
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        var call = Assert.Single(reads, c => c.Command == "inv");
        Assert.Equal(FrameHeader.Size + 1, call.Bytes);
        Assert.Null(call.Message);
        var error = Assert.IsType<ProtocolException>(call.Error);
        Assert.Equal(reason.ProtocolError, error.Error);
        Assert.Equal($"malformed inv: {error.Message}", reason.Detail);
    }

    /// <summary>An inbound peer on a fake clock (no keep-alive traffic) recording its hooks.</summary>
    private static PipeRemote Connect(ConcurrentQueue<Hooked>? writes = null, ConcurrentQueue<Hooked>? reads = null)
    {
        var (time, scheduler) = TestConfig.FakeClock();
        // The raw remote speaks v1 and opens with something other than version, which a v2-enabled responder reads as a v2 key (as Bitcoin Core does): these rules are the v1 transport's.
        var config = TestConfig.Create(time: time, scheduler: scheduler) with
        {
            V2Transport = V2TransportMode.Off,
            OnWrite = writes is null ? null : (_, command, bytes, message, error) => writes.Enqueue(new Hooked(command.ToString(), bytes, message, error)),
            OnRead = reads is null ? null : (_, command, bytes, message, error) => reads.Enqueue(new Hooked(command.ToString(), bytes, message, error)),
        };
        return new PipeRemote(config);
    }

    private static int Size(IMessage message) => FrameHeader.Size + message.GetEncodedSize(default);

    private sealed record Hooked(string Command, int Bytes, IMessage? Message, Exception? Error);

    /// <summary>A message whose size function disagrees with what its encoder writes.</summary>
    private sealed class MismeasuredMessage(string command, int measured, byte[] written) : IMessage
    {
        public MessageCommand Command { get; } = MessageCommand.Parse(command);

        public int GetEncodedSize(WireContext context) => measured;

        public void WriteTo(ref WireWriter writer)
        {
            foreach (byte b in written)
            {
                writer.WriteByte(b);
            }
        }
    }
}
