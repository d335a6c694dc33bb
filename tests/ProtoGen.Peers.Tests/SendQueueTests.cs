using System.Collections.Concurrent;
using System.IO.Pipelines;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Sending — QueueMessage never blocks and reports when a message is written; the queue is bounded; SendAsync waits
/// for room; messages queued before the handshake are held and sent after it in order; many threads may send at once.
/// </summary>
public class SendQueueTests
{
    /// <summary>An output pipe that stops accepting writes after 1 KiB is unread.</summary>
    private static readonly PipeOptions TinyPipe = new(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false);

    /// <summary>About 36 KB on the wire: far more than <see cref="TinyPipe"/> takes before it pushes back.</summary>
    private static InvMessage Filler(byte tag) => new()
    {
        Inventory = Enumerable.Range(0, 1000).Select(i => new InventoryVector(InventoryType.Tx, Hash(tag, i))).ToArray(),
    };

    [Fact]
    public async Task QueueMessage_returns_at_once_and_completes_its_signal_only_when_the_message_is_written()
    {
        await using var remote = new PipeRemote(TestConfig.Create(), peerOutput: TinyPipe);
        await remote.HandshakeAsync();

        // The remote stops reading; the filler backs the writer up.
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queued = await Task.Run(() =>
        {
            Assert.True(remote.Peer.QueueMessage(Filler(1)));
            return remote.Peer.QueueMessage(new PingMessage { Nonce = 77 }, sent);
        }).WaitAsync(PeerPair.Timeout);
        Assert.True(queued);
        Assert.False(sent.Task.IsCompleted, "completed although the remote has not read the filler");

        // The remote reads again: the ping arrives, and its signal completes.
        var (frame, _) = await remote.ReceiveUntilAsync(f => f.Command == "ping" && f.Decode<PingMessage>().Nonce == 77);
        await sent.Task.WaitAsync(PeerPair.Timeout);
        Assert.Equal(77UL, frame.Decode<PingMessage>().Nonce);
    }

    [Fact]
    public async Task A_written_message_has_reached_the_remote_when_its_signal_completes()
    {
        var received = new ConcurrentQueue<ulong>();
        var listener = new BitcoinListeners<Peers.Peer> { OnPing = (_, p) => received.Enqueue(p.Nonce) };
        await using var pair = await PeerPair.HandshakeAsync(TestConfig.Create(), TestConfig.Create(listener));

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(pair.Client.QueueMessage(new PingMessage { Nonce = 0xfeed }, sent));
        await sent.Task.WaitAsync(PeerPair.Timeout);

        await Poll.UntilAsync(() => received.Contains(0xfeedUL), "the server received the ping");
    }

    [Fact]
    public async Task A_full_queue_refuses_the_message_and_fails_its_signal_with_SendQueueFullException()
    {
        const int capacity = 4;
        await using var remote = new PipeRemote(TestConfig.Create() with { SendQueueCapacity = capacity }, peerOutput: TinyPipe);
        await remote.HandshakeAsync();

        Assert.True(remote.Peer.QueueMessage(Filler(2)));
        await remote.WaitForUnreadAsync(30_000);

        // Queue until refused: never blocks, and refuses once the capacity is reached.
        var signals = new List<TaskCompletionSource>();
        int accepted = await Task.Run(() =>
        {
            int count = 0;
            while (true)
            {
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signals.Add(signal);
                if (!remote.Peer.QueueMessage(new PingMessage { Nonce = (ulong)(1000 + count) }, signal))
                {
                    return count;
                }

                count++;
                Assert.True(count < 100, "the queue never filled");
            }
        }).WaitAsync(PeerPair.Timeout);

        Assert.Equal(capacity, accepted);
        Assert.Equal(capacity, remote.Peer.QueuedMessageCount);
        await Assert.ThrowsAsync<SendQueueFullException>(() => signals[^1].Task.WaitAsync(PeerPair.Timeout));
        Assert.False(remote.Peer.QueueMessage(new GetAddrMessage()));
        Assert.True(remote.Peer.IsConnected);

        // Once the remote reads again, every accepted message is delivered, in order.
        var nonces = new List<ulong>();
        while (nonces.Count < accepted)
        {
            var frame = await remote.ReceiveFrameAsync();
            // Only ours: the peer's own keep-alive ping carries a random nonce.
            if (frame.Command == "ping" && frame.Decode<PingMessage>().Nonce - 1000 < (ulong)accepted)
            {
                nonces.Add(frame.Decode<PingMessage>().Nonce);
            }
        }

        Assert.Equal(Enumerable.Range(1000, accepted).Select(i => (ulong)i), nonces);
        await Task.WhenAll(signals.Take(accepted).Select(s => s.Task)).WaitAsync(PeerPair.Timeout);
    }

    [Fact]
    public async Task SendAsync_waits_for_room_instead_of_dropping()
    {
        const int capacity = 2;
        await using var remote = new PipeRemote(TestConfig.Create() with { SendQueueCapacity = capacity }, peerOutput: TinyPipe);
        await remote.HandshakeAsync();
        Assert.True(remote.Peer.QueueMessage(Filler(3)));
        await remote.WaitForUnreadAsync(30_000);
        int accepted = 0;
        while (remote.Peer.QueueMessage(new PingMessage { Nonce = 2000 }))
        {
            accepted++;
            Assert.True(accepted < 100, "the queue never filled");
        }

        Assert.Equal(capacity, accepted);
        var send = remote.Peer.SendAsync(new PingMessage { Nonce = 2001 });
        Assert.False(send.IsCompleted);
        Assert.Equal(capacity, remote.Peer.QueuedMessageCount);

        // The remote drains: the waiting message gets its turn and arrives after the ones queued before it.
        var (_, before) = await remote.ReceiveUntilAsync(f => f.Command == "ping" && f.Decode<PingMessage>().Nonce == 2001);
        await send.WaitAsync(PeerPair.Timeout);
        Assert.Equal(accepted, before.Count(f => f.Command == "ping" && f.Decode<PingMessage>().Nonce == 2000));
    }

    [Fact]
    public async Task SendAsync_on_a_full_queue_is_woken_by_the_writer_not_by_the_clock()
    {
        // The clock never moves: a sender that polled on a timer would wait for ever.
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { SendQueueCapacity = 1 }, peerOutput: TinyPipe);
        await remote.HandshakeAsync();
        Assert.True(remote.Peer.QueueMessage(Filler(4)));
        await remote.WaitForUnreadAsync(30_000);
        Assert.True(remote.Peer.QueueMessage(new PingMessage { Nonce = 3000 }));
        var sends = Enumerable.Range(1, 3).Select(i => remote.Peer.SendAsync(new PingMessage { Nonce = 3000 + (ulong)i })).ToArray();
        Assert.DoesNotContain(sends, s => s.IsCompleted);

        // The remote drains: each waiting sender is let in as the writer takes a message.
        var seen = new HashSet<ulong>();
        await remote.ReceiveUntilAsync(f => f.Command == "ping" && seen.Add(f.Decode<PingMessage>().Nonce) && seen.IsSupersetOf([3000UL, 3001UL, 3002UL, 3003UL]));
        await Task.WhenAll(sends).WaitAsync(PeerPair.Timeout);
        Assert.Equal(0, remote.Peer.QueuedMessageCount);
    }

    [Fact]
    public async Task SendAsync_waiting_for_room_fails_with_the_reason_when_the_peer_ends()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { SendQueueCapacity = 1 }, peerOutput: TinyPipe);
        await remote.HandshakeAsync();
        Assert.True(remote.Peer.QueueMessage(Filler(5)));
        await remote.WaitForUnreadAsync(30_000);
        Assert.True(remote.Peer.QueueMessage(new PingMessage { Nonce = 4000 }));
        var send = remote.Peer.SendAsync(new PingMessage { Nonce = 4001 });
        Assert.False(send.IsCompleted);

        var reason = new DisconnectReason(DisconnectKind.Requested, "ended while a sender waited for room");
        remote.Peer.Disconnect(reason);
        var error = await Assert.ThrowsAsync<PeerDisconnectedException>(() => send.WaitAsync(PeerPair.Timeout));
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task Messages_queued_before_the_handshake_are_held_and_sent_after_it_in_order()
    {
        await using var remote = new PipeRemote(TestConfig.Create());
        var messages = new IMessage[]
        {
            new GetAddrMessage(),
            new PingMessage { Nonce = 11 },
            new FeeFilterMessage { FeeRate = 5000 },
            new PingMessage { Nonce = 12 },
            new GetHeadersMessage { Version = 70016, Locator = new[] { Hash(9, 1) }, HashStop = Hash256.Zero },
        };
        var signals = messages.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        for (int i = 0; i < messages.Length; i++)
        {
            Assert.True(remote.Peer.QueueMessage(messages[i], signals[i]));
        }

        Assert.Equal(messages.Length, remote.Peer.QueuedMessageCount);
        Assert.DoesNotContain(signals, s => s.Task.IsCompleted);

        // Nothing of ours goes out during the handshake.
        var handshake = await remote.HandshakeAsync();
        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack"], handshake.Select(f => f.Command));

        var after = (await remote.SentinelAsync(skipPings: false)).Where(f => f.Command != "ping" || f.Decode<PingMessage>().Nonce is 11 or 12).ToList();
        Assert.Equal(messages.Select(m => m.Command.ToString()), after.Select(f => f.Command));
        Assert.Equal([11UL, 12UL], after.Where(f => f.Command == "ping").Select(f => f.Decode<PingMessage>().Nonce));
        await Task.WhenAll(signals.Select(s => s.Task)).WaitAsync(PeerPair.Timeout);
    }

    [Fact]
    public async Task Eight_threads_queueing_500_messages_each_all_arrive_each_thread_in_order()
    {
        const int threads = 8;
        const int perThread = 500;
        const ulong marker = 0x7e57_0000_0000_0000;
        var received = new ConcurrentQueue<ulong>();
        var listener = new BitcoinListeners<Peers.Peer>
        {
            OnPing = (_, p) =>
            {
                if ((p.Nonce & 0xffff_0000_0000_0000) == marker)
                {
                    received.Enqueue(p.Nonce);
                }
            },
        };
        var config = TestConfig.Create() with { SendQueueCapacity = threads * perThread };
        await using var pair = await PeerPair.HandshakeAsync(config, TestConfig.Create(listener));

        using var start = new Barrier(threads);
        var refused = 0;
        var senders = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                if (!pair.Client.QueueMessage(new PingMessage { Nonce = marker | ((ulong)t << 32) | (uint)i }))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToList();
        senders.ForEach(s => s.Start());
        foreach (var sender in senders)
        {
            Assert.True(sender.Join(PeerPair.Timeout));
        }

        Assert.Equal(0, refused);
        await Poll.UntilAsync(() => received.Count == threads * perThread, $"all {threads * perThread} messages delivered (now {received.Count})");
        var byThread = received.GroupBy(n => (int)((n >> 32) & 0xffff)).ToDictionary(g => g.Key, g => g.Select(n => (int)(n & 0xffff_ffff)).ToList());
        Assert.Equal(threads, byThread.Count);
        foreach (var (_, sequence) in byThread)
        {
            Assert.Equal(Enumerable.Range(0, perThread), sequence);
        }

        Assert.True(pair.Client.IsConnected && pair.Server.IsConnected);
    }

    [Fact]
    public async Task Four_senders_awaiting_SendAsync_on_a_queue_of_one_all_get_through_each_in_order()
    {
        const int senders = 4;
        const int perSender = 250;
        const ulong marker = 0x5e4d_0000_0000_0000;
        var received = new ConcurrentQueue<ulong>();
        var listener = new BitcoinListeners<Peers.Peer>
        {
            OnPing = (_, p) =>
            {
                if ((p.Nonce & 0xffff_0000_0000_0000) == marker)
                {
                    received.Enqueue(p.Nonce);
                }
            },
        };
        await using var pair = await PeerPair.HandshakeAsync(TestConfig.Create() with { SendQueueCapacity = 1 }, TestConfig.Create(listener));

        // Each sender has one message in flight; the other three wait for room and are woken as the writer takes one.
        var sends = Enumerable.Range(0, senders).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < perSender; i++)
            {
                await pair.Client.SendAsync(new PingMessage { Nonce = marker | ((ulong)t << 32) | (uint)i });
            }
        }));
        await Task.WhenAll(sends).WaitAsync(PeerPair.Timeout);

        await Poll.UntilAsync(() => received.Count == senders * perSender, $"all {senders * perSender} messages delivered (now {received.Count})");
        var bySender = received.GroupBy(n => (int)((n >> 32) & 0xffff)).ToDictionary(g => g.Key, g => g.Select(n => (int)(n & 0xffff_ffff)).ToList());
        Assert.Equal(senders, bySender.Count);
        Assert.All(bySender.Values, sequence => Assert.Equal(Enumerable.Range(0, perSender), sequence));
        Assert.Equal(0, pair.Client.QueuedMessageCount);
    }

    private static Hash256 Hash(byte tag, int i)
    {
        var bytes = new byte[32];
        bytes[0] = tag;
        BitConverter.TryWriteBytes(bytes.AsSpan(1), i);
        return new Hash256(bytes);
    }
}
