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
/// "ProtoGen.Peer". Runs alone (the meter is static); message counters are also checked on commands no other test uses.
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

        // Commands the Bitcoin set does not know share the tag value "other": a remote cannot mint new time series.
        Assert.Equal(3, metrics.Sum(PeerMetrics.Messages, Sent, Command(PeerMetrics.OtherCommand)));
        Assert.Equal(3 * (FrameHeader.Size + 10), metrics.Sum(PeerMetrics.Io, Sent, Command(PeerMetrics.OtherCommand)));
        Assert.Equal(2, metrics.Sum(PeerMetrics.Messages, Received, Command(PeerMetrics.OtherCommand)));
        Assert.Equal(2 * (FrameHeader.Size + 5), metrics.Sum(PeerMetrics.Io, Received, Command(PeerMetrics.OtherCommand)));

        // Nothing else runs meanwhile: the instruments agree with this peer's statistics for every command.
        var stats = raw.Peer.GetStats();
        AssertAgree(metrics, Sent, stats.SentByCommand);
        AssertAgree(metrics, Received, stats.ReceivedByCommand);
    }

    private static readonly KeyValuePair<string, object?> Sent = new(PeerMetrics.DirectionTag, "transmit");
    private static readonly KeyValuePair<string, object?> Received = new(PeerMetrics.DirectionTag, "receive");

    private static KeyValuePair<string, object?> Command(string command) => new(PeerMetrics.CommandTag, command);

    private static void AssertAgree(MetricsRecorder metrics, KeyValuePair<string, object?> direction, IReadOnlyDictionary<string, MessageCount> byCommand)
    {
        var expected = byCommand
            .GroupBy(c => BitcoinMessages.Messages.Any(m => m.Command == c.Key) ? c.Key : PeerMetrics.OtherCommand)
            .ToDictionary(g => g.Key, g => (Messages: g.Sum(c => c.Value.Messages), Bytes: g.Sum(c => c.Value.Bytes)));
        foreach (var (command, count) in expected)
        {
            Assert.Equal(count.Messages, metrics.Sum(PeerMetrics.Messages, direction, Command(command)));
            Assert.Equal(count.Bytes, metrics.Sum(PeerMetrics.Io, direction, Command(command)));
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
            Assert.Equal([1L], metrics.Longs(PeerMetrics.Active, new KeyValuePair<string, object?>(PeerMetrics.PeerDirectionTag, "inbound")));
            await raw.SendRawAsync(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, new PingMessage { Nonce = 1 }));
            await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.Equal([1L, -1L], metrics.Longs(PeerMetrics.Active, new KeyValuePair<string, object?>(PeerMetrics.PeerDirectionTag, "inbound")));
        Assert.Equal(1, metrics.Sum(PeerMetrics.Disconnects, new KeyValuePair<string, object?>(PeerMetrics.DisconnectReasonTag, "ProtocolViolation")));

        // An outbound peer that we end.
        await using (var raw = await RawPeer.ConnectAsync(TestConfig.Create(), PeerDirection.Outbound))
        {
            Assert.Equal([1L], metrics.Longs(PeerMetrics.Active, new KeyValuePair<string, object?>(PeerMetrics.PeerDirectionTag, "outbound")));
            raw.Peer.Disconnect();
            await raw.Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }

        Assert.Equal([1L, -1L], metrics.Longs(PeerMetrics.Active, new KeyValuePair<string, object?>(PeerMetrics.PeerDirectionTag, "outbound")));
        Assert.Equal(1, metrics.Sum(PeerMetrics.Disconnects, new KeyValuePair<string, object?>(PeerMetrics.DisconnectReasonTag, "Requested")));
        Assert.Equal(0, metrics.Sum(PeerMetrics.Active, new KeyValuePair<string, object?>(PeerMetrics.PeerDirectionTag, "inbound")) + metrics.Sum(PeerMetrics.Active, new KeyValuePair<string, object?>(PeerMetrics.PeerDirectionTag, "outbound")));
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
        await Poll.UntilAsync(() => metrics.Count(PeerMetrics.PingDuration) == 1, "a ping round trip recorded");
        Assert.Equal([0.025], metrics.Values(PeerMetrics.PingDuration));

        var corrupt = Frame.ToArray(BitcoinNetwork.Regtest.Magic, new PingMessage { Nonce = 1 });
        corrupt[^1] ^= 0x01;
        await raw.SendRawAsync(corrupt);
        await FramingTests.PingBarrierAsync(raw, 2);
        Assert.Equal(1, metrics.Sum(PeerMetrics.FramesDropped, new KeyValuePair<string, object?>(PeerMetrics.DropReasonTag, "checksum mismatch")));
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

        public List<double> Values(string instrument, params KeyValuePair<string, object?>[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(mt => mt.Key == t.Key && Equals(mt.Value, t.Value)))).Select(m => m.Value).ToList();

        public List<long> Longs(string instrument, params KeyValuePair<string, object?>[] tags) => Values(instrument, tags).Select(v => (long)v).ToList();

        public long Sum(string instrument, params KeyValuePair<string, object?>[] tags) => (long)Values(instrument, tags).Sum();

        public int Count(string instrument) => Values(instrument).Count;

        public void Dispose() => _listener.Dispose();
    }
}
