using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Transport and lifecycle — Disconnect(reason) is idempotent and safe from any thread and from inside listeners;
/// WaitForDisconnectAsync completes after both loops stopped and the stream is closed; the reason shows in stats and logs.
/// </summary>
public class DisconnectTests
{
    private const int DisconnectedEvent = 7;

    [Fact]
    public async Task Disconnect_from_20_threads_at_once_records_exactly_one_reason()
    {
        var log = new LogCapture(LogLevel.Information);
        var callbacks = new ConcurrentQueue<DisconnectReason>();
        var config = TestConfig.Create() with { Logger = log, OnDisconnected = (_, reason) => callbacks.Enqueue(reason) };
        await using var pair = await TrackedPair.ConnectAsync(config, TestConfig.Create());
        await pair.HandshakeAsync();
        var peer = pair.Client;

        var reasons = Enumerable.Range(0, 20).Select(i => new DisconnectReason(DisconnectKind.Requested, $"thread {i}")).ToArray();
        using var start = new Barrier(reasons.Length);
        var threads = reasons.Select(reason => new Thread(() =>
        {
            start.SignalAndWait();
            peer.Disconnect(reason);
            peer.Disconnect(reason);
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(PeerPair.Timeout));
        }

        await peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        peer.Disconnect(new DisconnectReason(DisconnectKind.Requested, "too late"));

        var recorded = peer.DisconnectReason!;
        Assert.Contains(recorded, reasons);
        Assert.Same(recorded, peer.GetStats().DisconnectReason);
        Assert.Equal([recorded], callbacks);
        var lines = log.Entries.Where(e => e.EventId.Id == DisconnectedEvent).ToList();
        Assert.Single(lines);
        Assert.Contains(recorded.Detail, lines[0].Message, StringComparison.Ordinal);
        Assert.False(peer.IsConnected);
    }

    [Fact]
    public async Task Disconnect_from_inside_a_listener_ends_the_peer_once()
    {
        var callbacks = new ConcurrentQueue<DisconnectReason>();
        var later = new ConcurrentQueue<string>();
        var listener = new BitcoinListeners<Peers.Peer>
        {
            OnPing = (peer, ping) =>
            {
                peer.Disconnect(new DisconnectReason(DisconnectKind.Requested, $"listener saw ping {ping.Nonce}"));
                peer.Disconnect(new DisconnectReason(DisconnectKind.Requested, "second call"));
                Assert.False(peer.IsConnected);
            },
            OnGetAddr = (_, _) => later.Enqueue("getaddr"),
        };
        var config = TestConfig.Create(listener) with { OnDisconnected = (_, reason) => callbacks.Enqueue(reason) };
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await raw.HandshakeAsync();

        // The ping and a message after it in the same write: the listener ends the peer in the middle of the batch.
        byte[] ping = ProtoGen.Bitcoin.Framing.Frame.ToArray(BitcoinNetwork.Regtest.Magic, new PingMessage { Nonce = 5 });
        byte[] getAddr = ProtoGen.Bitcoin.Framing.Frame.ToArray(BitcoinNetwork.Regtest.Magic, new GetAddrMessage());
        await raw.SendRawAsync([.. ping, .. getAddr]);

        await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        Assert.Equal("listener saw ping 5", raw.Peer.DisconnectReason!.Detail);
        Assert.Equal([raw.Peer.DisconnectReason], callbacks);
        Assert.Empty(later);
        Assert.True(PeerLoops.Stopped(raw.Peer));
        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
    }

    [Fact]
    public async Task WaitForDisconnectAsync_completes_after_both_loops_stopped_and_the_stream_is_closed()
    {
        await using var pair = await TrackedPair.ConnectAsync(TestConfig.Create(), TestConfig.Create());
        await pair.HandshakeAsync();

        // While connected the reader loop has a read in progress on the stream.
        await Poll.UntilAsync(() => pair.ClientStream.ActiveOperations >= 1, "a read in progress");
        Assert.False(pair.Client.WaitForDisconnectAsync().IsCompleted);

        pair.Client.Disconnect();
        await pair.Client.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.True(PeerLoops.Stopped(pair.Client));
        Assert.True(pair.ClientStream.IsDisposed);
        Assert.Equal(0, pair.ClientStream.ActiveOperations);

        // The other side sees the connection close.
        await pair.Server.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        Assert.Contains(pair.Server.DisconnectReason!.Kind, new[] { DisconnectKind.RemoteClosed, DisconnectKind.TransportError });
        Assert.True(PeerLoops.Stopped(pair.Server));
        Assert.True(pair.ServerStream.IsDisposed);
    }

    [Fact]
    public async Task A_peer_disconnected_before_its_handshake_fails_the_handshake_and_stops()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(remote.Peer.QueueMessage(new GetAddrMessage(), held));

        remote.Peer.Disconnect(DisconnectKind.Requested, "changed my mind");
        await remote.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        var failure = await Assert.ThrowsAsync<PeerDisconnectedException>(() => remote.Peer.WaitForHandshakeAsync());
        Assert.Equal("changed my mind", failure.Reason!.Detail);
        await Assert.ThrowsAsync<PeerDisconnectedException>(() => held.Task);
        Assert.Equal(0, scheduler.Count);
        Assert.True(PeerLoops.Stopped(remote.Peer));
    }

    [Fact]
    public async Task The_reason_is_visible_in_the_statistics_and_in_the_log()
    {
        var log = new LogCapture(LogLevel.Information);
        await using var remote = new PipeRemote(TestConfig.Create() with { Logger = log });
        await remote.HandshakeAsync();

        var reason = new DisconnectReason(DisconnectKind.Stalled, "no headers in time");
        remote.Peer.Disconnect(reason);
        await remote.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.Same(reason, remote.Peer.GetStats().DisconnectReason);
        var line = Assert.Single(log.Entries, e => e.EventId.Id == DisconnectedEvent);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal($"Peer {remote.Peer.Id} (stream) disconnected: Stalled: no headers in time", line.Message);
        Assert.Same(reason, log.Field(line, "Reason"));
    }

    [Fact]
    public async Task A_protocol_violation_reason_names_the_error_in_stats_and_log()
    {
        var log = new LogCapture(LogLevel.Information);
        await using var remote = new PipeRemote(TestConfig.Create() with { Logger = log });
        await remote.HandshakeAsync();

        await remote.SendRawAsync(ProtoGen.Bitcoin.Framing.Frame.ToArray(BitcoinNetwork.Testnet3.Magic, new PingMessage { Nonce = 1 }));
        await remote.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        var reason = remote.Peer.GetStats().DisconnectReason!;
        Assert.Equal(ProtocolError.BadMagic, reason.ProtocolError);
        var line = Assert.Single(log.Entries, e => e.EventId.Id == DisconnectedEvent);
        Assert.Contains("ProtocolViolation (BadMagic)", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disconnect_while_a_write_is_stuck_still_completes_the_whole_shutdown()
    {
        var pool = new CountingMemoryPool();
        var callbacks = new ConcurrentQueue<DisconnectReason>();
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler) with { MemoryPool = pool, OnDisconnected = (_, reason) => callbacks.Enqueue(reason) };
        await using var pair = await TrackedPair.ConnectAsync(config, TestConfig.Create(time: time, scheduler: scheduler));
        await pair.HandshakeAsync();

        // The remote stops reading: the next write hangs in the stream.
        pair.ClientStream.BlockWrites = true;
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(pair.Client.QueueMessage(new GetAddrMessage(), stuck));
        await Poll.UntilAsync(() => pair.ClientStream.ActiveWrites == 1, "the write is stuck");
        Assert.True(pair.Client.QueueMessage(new GetAddrMessage(), queued));

        pair.Client.Disconnect(DisconnectKind.Requested, "give up");
        await pair.Client.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.Equal("give up", Assert.Single(callbacks).Detail);
        await Assert.ThrowsAsync<PeerDisconnectedException>(() => stuck.Task.WaitAsync(PeerPair.Timeout));
        await Assert.ThrowsAsync<PeerDisconnectedException>(() => queued.Task.WaitAsync(PeerPair.Timeout));
        Assert.True(PeerLoops.Stopped(pair.Client));
        Assert.True(pair.ClientStream.IsDisposed);
        Assert.Equal(0, pool.Outstanding);
    }
}
