using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Node.Metrics;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Metrics;

/// <summary>What a server's peer budget holds is on the ProtoGen.Node meter (summed over the budgets in use).</summary>
public class BudgetMetricsTests
{
    [Fact]
    public async Task An_incomplete_message_over_the_budget_shows_in_the_budget_instruments()
    {
        var budget = new PeerBudget(maxPartialMessageBytes: 100_000, maxQueuedSendBytes: 1_000_000, deadline: TimeSpan.FromMinutes(5));
        var config = NodeTestConfig.Create() with { Budget = budget };
        await using var server = new PeerServer(config, new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();

        // Declare a 1,000,000-byte block and send 300,000 bytes of it: more than the 100,000-byte budget.
        var magic = BitcoinNetwork.Regtest.Magic;
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(server.LocalEndPoint).WaitAsync(NodeTestConfig.Timeout);
        var partial = new byte[FrameHeader.Size + 300_000];
        new FrameHeader(magic, MessageCommand.Parse("block"), 1_000_000, 0).WriteTo(partial);
        await client.SendAsync(Frame.ToArray(magic, Version()));
        await client.SendAsync(Frame.ToArray(magic, new VerAckMessage()));
        _ = client.SendAsync(partial);
        await Poll.UntilAsync(() => budget.GetStats().PausedReceivers == 1, "the sender paused over the budget");
        var held = budget.GetStats().PartialMessageBytes;
        Assert.True(held > 100_000, $"{held} bytes held");

        var seen = Observe();
        Assert.True(seen["protogen.node.budget.partial_messages"] >= held, $"gauge {seen["protogen.node.budget.partial_messages"]}, held {held}");
        Assert.True(seen["protogen.node.budget.paused/receive"] >= 1);
        Assert.True(seen.ContainsKey("protogen.node.budget.paused/transmit"));
        Assert.True(seen.ContainsKey("protogen.node.budget.queued_sends"));
        Assert.True(seen.ContainsKey("protogen.node.budget.disconnects"));
        foreach (var peer in server.Peers)
        {
            peer.Disconnect();
        }
    }

    /// <summary>One collection of the node meter's observable instruments: name (and direction tag) to value.</summary>
    private static ConcurrentDictionary<string, long> Observe()
    {
        var seen = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NodeMetrics.MeterName && instrument.Name.StartsWith("protogen.node.budget.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen[instrument.Name + (tags.Length > 0 ? "/" + tags[0].Value : string.Empty)] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    private static VersionMessage Version() => new()
    {
        Version = 70016,
        Services = ServiceFlags.Network | ServiceFlags.Witness,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = 0x77,
        UserAgent = "/Holder:1.0/",
        StartHeight = 0,
        Relay = true,
    };
}
