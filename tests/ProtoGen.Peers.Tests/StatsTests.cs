using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>Statistics — GetStats returns one consistent snapshot with every field filled sensibly.</summary>
public class StatsTests
{
    [Fact]
    public async Task Every_field_of_the_snapshot_matches_what_the_remote_saw()
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var start = time.GetUtcNow();
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(time: time, scheduler: scheduler), PeerDirection.Inbound);
        var peer = raw.Peer;
        var sentByRemote = new Dictionary<string, MessageCount>();
        var receivedByRemote = new Dictionary<string, MessageCount>();

        async Task Send(IMessage message)
        {
            var bytes = Frame.ToArray(BitcoinNetwork.Regtest.Magic, message);
            // A command the peer knows no message for is counted as "other".
            Count(sentByRemote, message is CustomMessage ? "other" : message.Command.ToString(), bytes.Length);
            await raw.SendRawAsync(bytes);
        }

        async Task<(string Command, byte[] Payload)> Receive()
        {
            var (command, payload) = await raw.ReceiveFrameAsync();
            Count(receivedByRemote, command.ToString(), FrameHeader.Size + payload.Length);
            return (command.ToString(), payload);
        }

        async Task<byte[]> ReceiveUntil(Func<string, byte[], bool> match)
        {
            while (true)
            {
                var (command, payload) = await Receive();
                if (match(command, payload))
                {
                    return payload;
                }
            }
        }

        // Handshake, with a remote clock 1 h 2 min 3 s ahead of ours and every feature message.
        var remoteServices = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited;
        await Send(RawPeer.Version(services: remoteServices, height: 150) with { Timestamp = start.ToUnixTimeSeconds() + 3723 });
        await Send(new WtxidRelayMessage());
        await Send(new SendAddrV2Message());
        await Send(new SendTxRcnclMessage { Version = 1, Salt = 42 });
        await ReceiveUntil((command, _) => command == "verack");
        await Send(new VerAckMessage());
        await peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        await Send(new SendHeadersMessage());
        await Send(new SendCmpctMessage { HighBandwidth = true, Version = 2 });
        await Send(new FeeFilterMessage { FeeRate = 2000 });

        // Some traffic both ways.
        await Send(new InvMessage { Inventory = new[] { new InventoryVector(InventoryType.Wtx, Hash256.Parse(new string('1', 64))), new InventoryVector(InventoryType.Block, Hash256.Parse(new string('2', 64))) } });
        await Send(new CustomMessage("pg1stats", [1, 2, 3]));
        Assert.True(peer.QueueMessage(new GetHeadersMessage { Version = 70016, Locator = new[] { Hash256.Parse(new string('3', 64)) } }));
        await ReceiveUntil((command, _) => command == "getheaders");

        // The keep-alive ping goes out at the first tick; the remote answers it 40 ms (fake) later.
        time.Advance(PeerDefaults.SchedulerTick);
        var pingSentAt = time.GetUtcNow();
        ulong nonce = RawPeer.Decode<PingMessage>(await ReceiveUntil((command, _) => command == "ping")).Nonce;
        time.Advance(TimeSpan.FromMilliseconds(40));
        await Send(new PongMessage { Nonce = nonce });
        peer.UpdateLastBlockHeight(160);
        peer.UpdateLastBlockHeight(155);

        // A last round trip: once its pong is back, the peer has counted everything both ways.
        await Send(new PingMessage { Nonce = 9 });
        await ReceiveUntil((command, payload) => command == "pong" && RawPeer.Decode<PongMessage>(payload).Nonce == 9);
        var stats = peer.GetStats();

        Assert.Equal(peer.Id, stats.Id);
        Assert.IsType<IPEndPoint>(stats.RemoteEndPoint);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)stats.RemoteEndPoint!).Address);
        Assert.True(stats.Inbound);
        Assert.Equal(remoteServices, stats.Services);
        Assert.Equal("/RawPeer:1.0/", stats.UserAgent);
        Assert.Equal(70016, stats.ProtocolVersion);
        Assert.Equal(70016, stats.RemoteProtocolVersion);
        Assert.Equal(150, stats.StartingHeight);
        Assert.Equal(160, stats.LastBlock);
        Assert.Equal(TimeSpan.FromSeconds(3723), stats.TimeOffset);
        Assert.Equal(start, stats.ConnectedAt);
        Assert.Equal(pingSentAt + TimeSpan.FromMilliseconds(40), stats.LastSend);
        Assert.Equal(pingSentAt + TimeSpan.FromMilliseconds(40), stats.LastReceive);

        Assert.Equal(Sorted(receivedByRemote), Sorted(stats.SentByCommand));
        Assert.Equal(Sorted(sentByRemote), Sorted(stats.ReceivedByCommand));
        Assert.Equal(receivedByRemote.Values.Sum(c => c.Bytes), stats.BytesSent);
        Assert.Equal(receivedByRemote.Values.Sum(c => c.Messages), stats.MessagesSent);
        Assert.Equal(sentByRemote.Values.Sum(c => c.Bytes), stats.BytesReceived);
        Assert.Equal(sentByRemote.Values.Sum(c => c.Messages), stats.MessagesReceived);
        Assert.Equal(0, stats.MessagesIgnored);

        Assert.Equal(nonce, stats.LastPingNonce);
        Assert.Equal(pingSentAt, stats.LastPingTime);
        Assert.Equal(TimeSpan.FromMilliseconds(40), stats.LastPingRoundTrip);
        Assert.Equal(TimeSpan.FromMilliseconds(40), stats.MinPingRoundTrip);
        Assert.False(stats.PingOutstanding);
        Assert.Equal(new PeerFeatures(WtxidRelay: true, AddrV2: true, SendHeaders: true, CompactBlocks: new CompactBlockMode(true, 2), FeeFilter: 2000, Witness: true, TxReconciliation: true, RelayTransactions: true), stats.Features);
        Assert.True(stats.HandshakeComplete);
        Assert.Equal(0, stats.QueuedMessages);
        Assert.Null(stats.DisconnectReason);

        // After the end: the reason, and the counters as they were.
        peer.Disconnect(DisconnectKind.Requested, "stats done");
        await peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        var final = peer.GetStats();
        Assert.Equal("stats done", final.DisconnectReason!.Detail);
        Assert.Equal(stats.BytesReceived, final.BytesReceived);
        Assert.Equal(stats.BytesSent, final.BytesSent);
        Assert.True(final.HandshakeComplete);
    }

    [Fact]
    public async Task Snapshots_taken_during_traffic_are_each_internally_consistent()
    {
        var listener = new BitcoinListeners<Peers.Peer> { OnGetAddr = (peer, _) => peer.QueueMessage(new AddrMessage()) };
        // Two configurations: one would share its nonce cache and look like a connection to ourselves.
        await using var pair = await PeerPair.HandshakeAsync(TestConfig.Create(listener) with { SendQueueCapacity = 10_000 }, TestConfig.Create(listener) with { SendQueueCapacity = 10_000 });

        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, 2).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 1_000 && !stop.IsCancellationRequested; i++)
            {
                pair.Client.QueueMessage(new GetAddrMessage());
                pair.Server.QueueMessage(new PingMessage { Nonce = (ulong)i });
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToList();

        int snapshots = 0;
        while (!traffic.All(t => t.IsCompleted) || snapshots < 200)
        {
            foreach (var peer in new[] { pair.Client, pair.Server })
            {
                var s = peer.GetStats();
                Assert.Equal(s.BytesSent, s.SentByCommand.Values.Sum(c => c.Bytes));
                Assert.Equal(s.MessagesSent, s.SentByCommand.Values.Sum(c => c.Messages));
                Assert.Equal(s.BytesReceived, s.ReceivedByCommand.Values.Sum(c => c.Bytes));
                Assert.Equal(s.MessagesReceived, s.ReceivedByCommand.Values.Sum(c => c.Messages));
                Assert.True(s.HandshakeComplete);
                Assert.NotNull(s.LastSend);
                snapshots++;
            }

            await Task.Yield();
        }

        await Task.WhenAll(traffic).WaitAsync(PeerPair.Timeout);
        Assert.True(snapshots >= 200);
    }

    [Fact]
    public async Task Commands_no_message_set_knows_are_counted_together_as_other_so_that_new_names_cannot_grow_the_counters()
    {
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        var before = raw.Peer.GetStats();

        // 200 frames, each with a command of its own that nobody knows (empty payloads: 24 bytes each).
        const int frames = 200;
        var flood = Enumerable.Range(0, frames).SelectMany(i => FramingTests.Header($"zz{i}", 0, DoubleSha256.Checksum(ReadOnlySpan<byte>.Empty))).ToArray();
        await raw.SendRawAsync(flood);
        Assert.Equal([5UL], await FramingTests.PingBarrierAsync(raw, 5));

        var after = raw.Peer.GetStats();
        Assert.True(raw.Peer.IsConnected);
        Assert.DoesNotContain(after.ReceivedByCommand.Keys, k => k.StartsWith("zz", StringComparison.Ordinal));
        Assert.Equal(new MessageCount(frames, frames * FrameHeader.Size), after.ReceivedByCommand["other"]);
        Assert.Empty(after.ReceivedByCommand.Keys.Except(before.ReceivedByCommand.Keys).Except(["other", "ping"]));
        Assert.Equal(after.MessagesReceived, after.ReceivedByCommand.Values.Sum(c => c.Messages));
    }

    private static void Count(Dictionary<string, MessageCount> counts, string command, int bytes)
    {
        var count = counts.GetValueOrDefault(command);
        counts[command] = new MessageCount(count.Messages + 1, count.Bytes + bytes);
    }

    private static List<KeyValuePair<string, MessageCount>> Sorted(IReadOnlyDictionary<string, MessageCount> counts) =>
        counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
}
