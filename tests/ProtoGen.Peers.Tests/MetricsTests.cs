using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Metrics;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>Test classes that must not run alongside others: the peer meter is process-wide, and the leak test wants the machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Peer1SequentialCollection
{
    public const string Name = "peer1 sequential (metrics, leaks)";
}

/// <summary>
/// Statistics, metrics and logging — the counters as System.Diagnostics.Metrics instruments on the meter
/// "ProtoGen.Peers". Runs alone (the meter is static); message counters are also checked on commands no other test uses.
/// </summary>
[Collection(Peer1SequentialCollection.Name)]
public class MetricsTests
{
    [Fact]
    public async Task Messages_and_bytes_are_counted_per_command_both_ways()
    {
        using var metrics = new MetricsRecorder();
        var (time, scheduler) = TestConfig.FakeClock();
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(time: time, scheduler: scheduler), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        for (int i = 0; i < 3; i++)
        {
            Assert.True(raw.Peer.QueueMessage(new CustomMessage("pg1mout", new byte[10])));
        }

        await raw.SendAsync(new CustomMessage("pg1min", new byte[5]));
        await raw.SendAsync(new CustomMessage("pg1min", new byte[5]));
        await FramingTests.PingBarrierAsync(raw, 0x3e7);

        Assert.Equal(3, metrics.Sum("protogen.peer.messages.sent", "command", "pg1mout"));
        Assert.Equal(3 * (FrameHeader.Size + 10), metrics.Sum("protogen.peer.bytes.sent", "command", "pg1mout"));
        Assert.Equal(2, metrics.Sum("protogen.peer.messages.received", "command", "pg1min"));
        Assert.Equal(2 * (FrameHeader.Size + 5), metrics.Sum("protogen.peer.bytes.received", "command", "pg1min"));

        // Nothing else runs meanwhile: the instruments agree with this peer's statistics for every command.
        var stats = raw.Peer.GetStats();
        foreach (var (command, count) in stats.SentByCommand)
        {
            Assert.Equal(count.Messages, metrics.Sum("protogen.peer.messages.sent", "command", command));
            Assert.Equal(count.Bytes, metrics.Sum("protogen.peer.bytes.sent", "command", command));
        }

        foreach (var (command, count) in stats.ReceivedByCommand)
        {
            Assert.Equal(count.Messages, metrics.Sum("protogen.peer.messages.received", "command", command));
            Assert.Equal(count.Bytes, metrics.Sum("protogen.peer.bytes.received", "command", command));
        }
    }

    [Fact]
    public async Task Connected_goes_up_and_down_by_direction_and_disconnects_are_counted_by_reason()
    {
        using var metrics = new MetricsRecorder();

        // An inbound peer that the remote breaks with a wrong magic.
        await using (var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Inbound))
        {
            await raw.HandshakeAsync();
            Assert.Equal([1L], metrics.Longs("protogen.peer.connected", "direction", "inbound"));
            await raw.SendRawAsync(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, new PingMessage { Nonce = 1 }));
            await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.Equal([1L, -1L], metrics.Longs("protogen.peer.connected", "direction", "inbound"));
        Assert.Equal(1, metrics.Sum("protogen.peer.disconnects", "reason", "ProtocolViolation"));

        // An outbound peer that we end.
        await using (var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Outbound))
        {
            Assert.Equal([1L], metrics.Longs("protogen.peer.connected", "direction", "outbound"));
            raw.Peer.Disconnect();
            await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.Equal([1L, -1L], metrics.Longs("protogen.peer.connected", "direction", "outbound"));
        Assert.Equal(1, metrics.Sum("protogen.peer.disconnects", "reason", "Requested"));
        Assert.Equal(0, metrics.Sum("protogen.peer.connected", "direction", "inbound") + metrics.Sum("protogen.peer.connected", "direction", "outbound"));
    }

    [Fact]
    public async Task Dropped_frames_and_ping_round_trips_are_recorded()
    {
        using var metrics = new MetricsRecorder();
        var (time, scheduler) = TestConfig.FakeClock();
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create(time: time, scheduler: scheduler), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        // The keep-alive ping goes out at the first tick; the remote answers 25 ms (fake) later.
        time.Advance(PeerDefaults.SchedulerTick);
        var (payload, _) = await raw.ReceiveUntilAsync("ping");
        time.Advance(TimeSpan.FromMilliseconds(25));
        await raw.SendAsync(new PongMessage { Nonce = RawPeer.Decode<PingMessage>(payload).Nonce });
        await Poll.UntilAsync(() => metrics.Count("protogen.peer.ping.rtt") == 1, "a ping round trip recorded");
        Assert.Equal([25.0], metrics.Values("protogen.peer.ping.rtt"));

        var corrupt = Frame.ToArray(BitcoinNetwork.Regtest.Magic, new PingMessage { Nonce = 1 });
        corrupt[^1] ^= 0x01;
        await raw.SendRawAsync(corrupt);
        await FramingTests.PingBarrierAsync(raw, 2);
        Assert.Equal(1, metrics.Sum("protogen.peer.frames.dropped", "reason", "checksum mismatch"));
    }

    /// <summary>Records every measurement of the peer meter while it lives.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public MetricsRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PeerMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public List<double> Values(string instrument, string? tag = null, string? value = null) =>
            _measurements.Where(m => m.Instrument == instrument && (tag is null || m.Tags.Any(t => t.Key == tag && Equals(t.Value, value)))).Select(m => m.Value).ToList();

        public List<long> Longs(string instrument, string tag, string value) => Values(instrument, tag, value).Select(v => (long)v).ToList();

        public long Sum(string instrument, string tag, string value) => (long)Values(instrument, tag, value).Sum();

        public int Count(string instrument) => Values(instrument).Count;

        public void Dispose() => _listener.Dispose();
    }
}
