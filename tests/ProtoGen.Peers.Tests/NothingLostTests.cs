using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Nothing is lost: a message queued with a completion is either written (the completion succeeds) or, when the peer
/// ends first, its completion fails with the disconnect reason; nothing is pending once WaitForDisconnectAsync has
/// completed. Concurrent senders race random disconnects (seeded, bounded).
/// </summary>
public class NothingLostTests
{
    private const int Senders = 6;
    private const int MessagesPerSender = 400;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Every_completion_ends_written_or_failed_with_the_reason_under_concurrent_senders_and_a_random_disconnect(int seed)
    {
        var random = new Random(seed);
        await using var pair = await PeerPair.HandshakeAsync(TestConfig.Create() with { SendQueueCapacity = 64 }, TestConfig.Create());
        var sender = random.Next(2) == 0 ? pair.Client : pair.Server;
        var completions = new ConcurrentBag<TaskCompletionSource>();
        var sendAsyncs = new ConcurrentBag<Task>();
        int disconnectAfter = random.Next(Senders * MessagesPerSender);
        int queued = 0;
        var reason = new DisconnectReason(DisconnectKind.Requested, $"random disconnect, seed {seed}");

        var threads = Enumerable.Range(0, Senders).Select(t => Task.Run(() =>
        {
            var local = new Random(seed * 100 + t);
            for (int i = 0; i < MessagesPerSender; i++)
            {
                if (Interlocked.Increment(ref queued) == disconnectAfter)
                {
                    sender.Disconnect(reason);
                }

                var message = new PingMessage { Nonce = (ulong)((t * MessagesPerSender) + i + 1) };
                if (local.Next(4) == 0)
                {
                    sendAsyncs.Add(sender.SendAsync(message));
                }
                else
                {
                    var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    completions.Add(sent);
                    sender.QueueMessage(message, sent);
                }
            }
        })).ToArray();
        await Task.WhenAll(threads).WaitAsync(PeerPair.Timeout);
        sender.Disconnect(reason);
        await sender.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.Equal(reason, sender.DisconnectReason);
        Assert.All(completions, c => AssertEnded(c.Task, reason));
        foreach (var send in sendAsyncs)
        {
            await send.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(PeerPair.Timeout);
            AssertEnded(send, reason);
        }

        Assert.Equal(0, sender.QueuedMessageCount);
        Assert.Equal(0, sender.QueuedBytes);
    }

    [Fact]
    public async Task Messages_held_before_the_handshake_fail_with_the_reason_when_the_peer_ends_first()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);
        var held = Enumerable.Range(0, 50).Select(i =>
        {
            var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Assert.True(raw.Peer.QueueMessage(new PingMessage { Nonce = (ulong)i + 1 }, sent));
            return sent;
        }).ToList();
        Assert.Equal(50, raw.Peer.QueuedMessageCount);

        var reason = new DisconnectReason(DisconnectKind.Requested, "ended before the handshake");
        raw.Peer.Disconnect(reason);
        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.All(held, h => AssertEnded(h.Task, reason, mustFail: true));
        Assert.Equal(0, raw.Peer.QueuedMessageCount);
        Assert.Equal(0, raw.Peer.QueuedBytes);
    }

    /// <summary>A completion has ended: written, or failed with the peer's reason (or refused at once because the queue was full).</summary>
    private static void AssertEnded(Task task, DisconnectReason reason, bool mustFail = false)
    {
        Assert.True(task.IsCompleted, "a completion is still pending after the peer stopped");
        if (task.IsCompletedSuccessfully)
        {
            Assert.False(mustFail, "a message held before the handshake was reported written");
            return;
        }

        var error = task.Exception!.InnerException;
        if (error is SendQueueFullException)
        {
            return;
        }

        var disconnected = Assert.IsType<PeerDisconnectedException>(error);
        Assert.Equal(reason, disconnected.Reason);
    }
}
