using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Networking;

/// <summary>How the network commands show peers, times, sizes and message counts.</summary>
internal static class PeerFormat
{
    /// <summary>A count with thousands separators: <c>56,691</c>.</summary>
    /// <param name="value">The count.</param>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A duration: <c>0.214 ms</c>, <c>12.3 ms</c>, <c>1.42 s</c>.</summary>
    /// <param name="duration">The duration.</param>
    public static string Duration(TimeSpan duration)
    {
        double ms = duration.TotalMilliseconds;
        return ms < 10 ? Invariant($"{ms:0.000} ms")
            : ms < 1000 ? Invariant($"{ms:0.0} ms")
            : Invariant($"{duration.TotalSeconds:0.00} s");
    }

    /// <summary>A ping round trip, or <c>-</c> when none was measured.</summary>
    /// <param name="roundTrip">The round trip.</param>
    public static string Ping(TimeSpan? roundTrip) => roundTrip is { } rtt ? Duration(rtt) : "-";

    /// <summary>Service bits: <c>0x409 (Network, Witness, NetworkLimited)</c>.</summary>
    /// <param name="services">The services.</param>
    public static string Services(ServiceFlags services) => Invariant($"0x{(ulong)services:x} ({services})");

    /// <summary>A remote address (an IPv4-mapped IPv6 address as IPv4), or <c>?</c>.</summary>
    /// <param name="endPoint">The address.</param>
    public static string Address(System.Net.EndPoint? endPoint) => endPoint switch
    {
        null => "?",
        System.Net.IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => new System.Net.IPEndPoint(ip.Address.MapToIPv4(), ip.Port).ToString(),
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>The negotiated features, or <c>none</c>.</summary>
    /// <param name="features">The features.</param>
    public static string Features(PeerFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var items = new List<string>();
        if (features.Witness)
        {
            items.Add("witness (BIP144)");
        }

        if (features.WtxidRelay)
        {
            items.Add("wtxidrelay (BIP339)");
        }

        if (features.AddrV2)
        {
            items.Add("addrv2 (BIP155)");
        }

        if (features.SendHeaders)
        {
            items.Add("sendheaders (BIP130)");
        }

        if (features.CompactBlocks is { } compact)
        {
            items.Add(Invariant($"compact blocks v{compact.Version}{(compact.HighBandwidth ? " high-bandwidth" : string.Empty)} (BIP152)"));
        }

        if (features.FeeFilter is { } feeRate)
        {
            items.Add(Invariant($"feefilter {feeRate} sat/kvB (BIP133)"));
        }

        if (features.TxReconciliation)
        {
            items.Add("txrcncl (BIP330)");
        }

        items.Add(features.RelayTransactions ? "tx relay" : "no tx relay (blocks only)");
        return string.Join(", ", items);
    }

    /// <summary>One line of a peer's traffic and end: agent, version, messages and bytes each way, ping, how long, why it ended.</summary>
    /// <param name="stats">The peer's final statistics.</param>
    /// <param name="now">Now, for the connection's age.</param>
    public static string Traffic(PeerStats stats, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stats);
        string agent = stats.HandshakeComplete || stats.UserAgent.Length > 0 ? Quote(stats.UserAgent) : "(no handshake)";
        return Invariant($"agent {agent}, version {stats.RemoteProtocolVersion}, ")
            + Invariant($"sent {Count(stats.MessagesSent)} messages ({Count(stats.BytesSent)} bytes), received {Count(stats.MessagesReceived)} messages ({Count(stats.BytesReceived)} bytes), ")
            + Invariant($"ping {Ping(stats.MinPingRoundTrip)}, connected {Duration(now - stats.ConnectedAt)}");
    }

    /// <summary>A user agent in quotes (it is remote-controlled text: control characters are replaced).</summary>
    /// <param name="userAgent">The user agent.</param>
    public static string Quote(string? userAgent)
    {
        var text = new StringBuilder(userAgent?.Length + 2 ?? 2).Append('"');
        foreach (char c in userAgent ?? string.Empty)
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        return text.Append('"').ToString();
    }

    /// <summary>
    /// The per-command table of two connected peers: what <paramref name="left"/> sent and <paramref name="right"/>
    /// received, and the other way round, with message and byte totals.
    /// </summary>
    /// <param name="output">The destination.</param>
    /// <param name="leftName">The first peer's name (column headings).</param>
    /// <param name="left">The first peer's statistics.</param>
    /// <param name="rightName">The second peer's name.</param>
    /// <param name="right">The second peer's statistics.</param>
    public static void WriteMessageTable(TextWriter output, string leftName, PeerStats left, string rightName, PeerStats right)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var commands = new SortedSet<string>(StringComparer.Ordinal);
        commands.UnionWith(left.SentByCommand.Keys);
        commands.UnionWith(left.ReceivedByCommand.Keys);
        commands.UnionWith(right.SentByCommand.Keys);
        commands.UnionWith(right.ReceivedByCommand.Keys);

        string[] headings = [$"{leftName} sent", $"{rightName} received", $"{rightName} sent", $"{leftName} received"];
        var rows = new List<(string Name, long[] Values)>();
        foreach (var command in commands)
        {
            rows.Add((command, [Get(left.SentByCommand, command).Messages, Get(right.ReceivedByCommand, command).Messages, Get(right.SentByCommand, command).Messages, Get(left.ReceivedByCommand, command).Messages]));
        }

        rows.Add(("messages", [left.MessagesSent, right.MessagesReceived, right.MessagesSent, left.MessagesReceived]));
        rows.Add(("bytes", [left.BytesSent, right.BytesReceived, right.BytesSent, left.BytesReceived]));
        int nameWidth = "command".Length;
        foreach (var row in rows)
        {
            nameWidth = Math.Max(nameWidth, row.Name.Length);
        }

        var widths = new int[headings.Length];
        for (int i = 0; i < headings.Length; i++)
        {
            widths[i] = headings[i].Length;
            foreach (var row in rows)
            {
                widths[i] = Math.Max(widths[i], Count(row.Values[i]).Length);
            }
        }

        var line = new StringBuilder();
        line.Append("  ").Append("command".PadRight(nameWidth));
        for (int i = 0; i < headings.Length; i++)
        {
            line.Append("  ").Append(headings[i].PadLeft(widths[i]));
        }

        output.WriteLine(line.ToString());
        for (int r = 0; r < rows.Count; r++)
        {
            if (r == rows.Count - 2)
            {
                output.WriteLine("  " + new string('-', line.Length - 2));
            }

            line.Clear().Append("  ").Append(rows[r].Name.PadRight(nameWidth));
            for (int i = 0; i < headings.Length; i++)
            {
                line.Append("  ").Append(Count(rows[r].Values[i]).PadLeft(widths[i]));
            }

            output.WriteLine(line.ToString());
        }
    }

    /// <summary>Formats invariantly.</summary>
    /// <param name="text">The interpolated text.</param>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static MessageCount Get(IReadOnlyDictionary<string, MessageCount> counts, string command) =>
        counts.TryGetValue(command, out var count) ? count : default;
}
