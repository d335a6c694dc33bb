using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ProtoGen.Node.Telemetry;

/// <summary>
/// The Prometheus text exposition format (version 0.0.4), with OpenTelemetry's mapping of names: characters outside
/// <c>[a-zA-Z0-9_:]</c> become <c>_</c>, the unit is appended as a word (<c>By</c>: <c>_bytes</c>, <c>s</c>:
/// <c>_seconds</c>; annotations such as <c>{peer}</c> add nothing), and monotonic counters end in <c>_total</c>.
/// </summary>
public static class PrometheusText
{
    /// <summary>The content type of a scrape.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The Prometheus name of an instrument.</summary>
    /// <param name="instrument">The instrument's name, e.g. <c>protogen.peer.io</c>.</param>
    /// <param name="unit">Its UCUM unit, e.g. <c>By</c>.</param>
    /// <param name="monotonicCounter">Whether it is a counter (adds <c>_total</c>).</param>
    public static string MetricName(string instrument, string? unit, bool monotonicCounter)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var name = new StringBuilder(Sanitize(instrument));
        string? word = UnitWord(unit);
        if (word is not null && !name.ToString().EndsWith("_" + word, StringComparison.Ordinal))
        {
            name.Append('_').Append(word);
        }

        if (monotonicCounter)
        {
            name.Append("_total");
        }

        return name.ToString();
    }

    /// <summary>The label set of a series (sorted by name, escaped), without braces; empty for no tags.</summary>
    /// <param name="tags">The measurement's tags.</param>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var tag in sorted)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(Label(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        return text.ToString();
    }

    /// <summary>One label: <c>name="value"</c>, the name sanitised and the value escaped.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    public static string Label(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(Sanitize(name)).Append("=\"");
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    /// <summary>A number as Prometheus writes it (invariant, shortest round trip, <c>+Inf</c>/<c>-Inf</c>/<c>NaN</c>).</summary>
    /// <param name="value">The value.</param>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static void Header(StringBuilder text, string name, string? description, string type)
    {
        if (!string.IsNullOrEmpty(description))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }

        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    internal static void Sample(StringBuilder text, string name, string labels, string? extraLabel, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            text.Append('{').Append(labels);
            if (extraLabel is not null)
            {
                text.Append(labels.Length > 0 ? "," : string.Empty).Append(extraLabel);
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c));
            text.Append(ok ? c : '_');
        }

        return text.ToString();
    }

    private static string? UnitWord(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "By" => "bytes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "d" => "days",
        "bit" => "bits",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        _ when unit.StartsWith('{') => null,
        _ => Sanitize(unit),
    };
}
