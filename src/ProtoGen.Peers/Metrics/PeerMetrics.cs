using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Metrics;

/// <summary>
/// The peer counters as <c>System.Diagnostics.Metrics</c> instruments on the meter <c>ProtoGen.Peer</c>, named and
/// tagged after the OpenTelemetry conventions (listen with OpenTelemetry, dotnet-counters or a MeterListener). Every
/// instrument, its unit, description and tags are listed in docs/observability.md; this class is their only definition.
/// </summary>
public static class PeerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ProtoGen.Peer";

    /// <summary>Messages sent and received (<c>{message}</c>), tagged with <see cref="DirectionTag"/> and <see cref="CommandTag"/>.</summary>
    public const string Messages = "protogen.peer.messages";

    /// <summary>Bytes sent and received, message headers included (<c>By</c>), tagged with <see cref="DirectionTag"/> and <see cref="CommandTag"/>.</summary>
    public const string Io = "protogen.peer.io";

    /// <summary>Peers running (<c>{peer}</c>), tagged with <see cref="PeerDirectionTag"/>.</summary>
    public const string Active = "protogen.peer.active";

    /// <summary>Peers ended (<c>{peer}</c>), tagged with <see cref="DisconnectReasonTag"/>.</summary>
    public const string Disconnects = "protogen.peer.disconnects";

    /// <summary>Frames dropped without ending the peer (<c>{frame}</c>), tagged with <see cref="DropReasonTag"/>.</summary>
    public const string FramesDropped = "protogen.peer.frames.dropped";

    /// <summary>Ping round-trip times (<c>s</c>).</summary>
    public const string PingDuration = "protogen.peer.ping.duration";

    /// <summary>The OpenTelemetry attribute for the direction of traffic: <c>transmit</c> or <c>receive</c>.</summary>
    public const string DirectionTag = "network.io.direction";

    /// <summary>The Bitcoin command of a message (a command the Bitcoin set does not know is counted as <c>other</c>).</summary>
    public const string CommandTag = "bitcoin.command";

    /// <summary>Who opened the connection: <c>inbound</c> or <c>outbound</c>.</summary>
    public const string PeerDirectionTag = "protogen.peer.direction";

    /// <summary>Why a peer ended: a <see cref="DisconnectKind"/> name.</summary>
    public const string DisconnectReasonTag = "protogen.disconnect.reason";

    /// <summary>Why a frame was dropped: <c>checksum mismatch</c> or <c>malformed command</c>.</summary>
    public const string DropReasonTag = "protogen.drop.reason";

    /// <summary>The <see cref="CommandTag"/> value of commands the Bitcoin set does not know (bounds the tag's values).</summary>
    public const string OtherCommand = "other";

    private const string Transmit = "transmit";
    private const string Receive = "receive";

    // Ping round trips from sub-millisecond loopback to slow overlay networks.
    private static readonly double[] s_pingBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Meter s_meter = new(MeterName, "0.1.0");
    private static readonly Counter<long> s_messages = s_meter.CreateCounter<long>(Messages, "{message}", "Bitcoin messages sent and received, by direction and command");
    private static readonly Counter<long> s_io = s_meter.CreateCounter<long>(Io, "By", "Bytes of Bitcoin messages sent and received, headers included, by direction and command");
    private static readonly UpDownCounter<long> s_active = s_meter.CreateUpDownCounter<long>(Active, "{peer}", "Peers running, by who opened the connection");
    private static readonly Counter<long> s_disconnects = s_meter.CreateCounter<long>(Disconnects, "{peer}", "Peers ended, by reason");
    private static readonly Counter<long> s_framesDropped = s_meter.CreateCounter<long>(FramesDropped, "{frame}", "Frames dropped without ending the peer (bad checksum or command field), by reason");
    private static readonly Histogram<double> s_pingDuration = s_meter.CreateHistogram(PingDuration, "s", "Ping round-trip times", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = s_pingBuckets });

    internal static void Sent(MessageCommand command, int bytes) => Count(Transmit, command, bytes);

    internal static void Received(MessageCommand command, int bytes) => Count(Receive, command, bytes);

    internal static void Connected(PeerDirection direction, int delta) =>
        s_active.Add(delta, new KeyValuePair<string, object?>(PeerDirectionTag, direction == PeerDirection.Inbound ? "inbound" : "outbound"));

    internal static void Disconnected(DisconnectKind kind) =>
        s_disconnects.Add(1, new KeyValuePair<string, object?>(DisconnectReasonTag, kind.ToString()));

    internal static void FrameDropped(string reason) =>
        s_framesDropped.Add(1, new KeyValuePair<string, object?>(DropReasonTag, reason));

    internal static void PingRoundTrip(TimeSpan roundTrip) => s_pingDuration.Record(roundTrip.TotalSeconds);

    private static void Count(string direction, MessageCommand command, int bytes)
    {
        if (s_messages.Enabled || s_io.Enabled)
        {
            // Only the Bitcoin set's commands become tag values: a remote cannot mint new time series.
            var commandTag = new KeyValuePair<string, object?>(CommandTag, BitcoinMessages.FindMessage(command)?.Command ?? OtherCommand);
            var directionTag = new KeyValuePair<string, object?>(DirectionTag, direction);
            s_messages.Add(1, directionTag, commandTag);
            s_io.Add(bytes, directionTag, commandTag);
        }
    }
}
