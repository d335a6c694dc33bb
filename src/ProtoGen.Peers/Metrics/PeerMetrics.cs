using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace ProtoGen.Peers.Metrics;

/// <summary>
/// The peer counters as <c>System.Diagnostics.Metrics</c> instruments on the meter <c>ProtoGen.Peer</c>
/// (listen with a MeterListener, dotnet-counters or OpenTelemetry).
/// </summary>
public static class PeerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ProtoGen.Peer";

    private static readonly Meter s_meter = new(MeterName, "0.1.0");
    private static readonly Counter<long> s_messagesSent = s_meter.CreateCounter<long>("protogen.peer.messages.sent", "{message}", "Messages written, by command");
    private static readonly Counter<long> s_messagesReceived = s_meter.CreateCounter<long>("protogen.peer.messages.received", "{message}", "Frames received, by command");
    private static readonly Counter<long> s_bytesSent = s_meter.CreateCounter<long>("protogen.peer.bytes.sent", "By", "Bytes written, headers included, by command");
    private static readonly Counter<long> s_bytesReceived = s_meter.CreateCounter<long>("protogen.peer.bytes.received", "By", "Bytes received, headers included, by command");
    private static readonly UpDownCounter<long> s_connected = s_meter.CreateUpDownCounter<long>("protogen.peer.connected", "{peer}", "Peers running, by direction");
    private static readonly Counter<long> s_disconnects = s_meter.CreateCounter<long>("protogen.peer.disconnects", "{peer}", "Peers ended, by reason");
    private static readonly Counter<long> s_framesDropped = s_meter.CreateCounter<long>("protogen.peer.frames.dropped", "{frame}", "Frames dropped (bad checksum or command), by reason");
    private static readonly Histogram<double> s_pingRoundTrip = s_meter.CreateHistogram<double>("protogen.peer.ping.rtt", "ms", "Ping round-trip times");

    internal static void Sent(MessageCommand command, int bytes)
    {
        if (s_messagesSent.Enabled || s_bytesSent.Enabled)
        {
            var tag = new KeyValuePair<string, object?>("command", command.ToString());
            s_messagesSent.Add(1, tag);
            s_bytesSent.Add(bytes, tag);
        }
    }

    internal static void Received(MessageCommand command, int bytes)
    {
        if (s_messagesReceived.Enabled || s_bytesReceived.Enabled)
        {
            var tag = new KeyValuePair<string, object?>("command", command.ToString());
            s_messagesReceived.Add(1, tag);
            s_bytesReceived.Add(bytes, tag);
        }
    }

    internal static void Connected(PeerDirection direction, int delta) =>
        s_connected.Add(delta, new KeyValuePair<string, object?>("direction", direction == PeerDirection.Inbound ? "inbound" : "outbound"));

    internal static void Disconnected(DisconnectKind kind) =>
        s_disconnects.Add(1, new KeyValuePair<string, object?>("reason", kind.ToString()));

    internal static void FrameDropped(string reason) =>
        s_framesDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal static void PingRoundTrip(TimeSpan roundTrip) => s_pingRoundTrip.Record(roundTrip.TotalMilliseconds);
}
