using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Text;
using System.Threading;

namespace ProtoGen.Node.Telemetry;

/// <summary>How an instrument's measurements are aggregated.</summary>
internal enum InstrumentKind
{
    /// <summary>Added up, never decreasing (Prometheus counter).</summary>
    Counter,

    /// <summary>Added up, either way (Prometheus gauge).</summary>
    UpDownCounter,

    /// <summary>The last value (Prometheus gauge); also observable counters, which report their running total.</summary>
    LastValue,

    /// <summary>Buckets, sum and count (Prometheus histogram).</summary>
    Histogram,
}

/// <summary>One instrument's series, keyed by their tags.</summary>
internal sealed class InstrumentState
{
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly double[] _buckets;

    private InstrumentState(Instrument instrument, InstrumentKind kind, double[] buckets)
    {
        Instrument = instrument;
        Kind = kind;
        _buckets = buckets;
        Name = PrometheusText.MetricName(instrument.Name, instrument.Unit, kind == InstrumentKind.Counter);
    }

    public Instrument Instrument { get; }

    public InstrumentKind Kind { get; }

    public string Name { get; }

    /// <summary>The state of a supported instrument, or null.</summary>
    public static InstrumentState? TryCreate(Instrument instrument, double[] defaultBuckets)
    {
        InstrumentKind? kind = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or Counter<float> => InstrumentKind.Counter,
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> or UpDownCounter<float> => InstrumentKind.UpDownCounter,
            Histogram<long> or Histogram<int> or Histogram<double> or Histogram<float> => InstrumentKind.Histogram,
            ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => InstrumentKind.LastValue,
            ObservableUpDownCounter<long> or ObservableUpDownCounter<int> or ObservableUpDownCounter<double> => InstrumentKind.LastValue,
            ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double> => InstrumentKind.LastValue,
            Gauge<long> or Gauge<int> or Gauge<double> => InstrumentKind.LastValue,
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        var buckets = instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { } advised } => [.. advised],
            Histogram<long> { Advice.HistogramBucketBoundaries: { } advised } => Array.ConvertAll([.. advised], v => (double)v),
            Histogram<int> { Advice.HistogramBucketBoundaries: { } advised } => Array.ConvertAll([.. advised], v => (double)v),
            _ => defaultBuckets,
        };
        return new InstrumentState(instrument, kind.Value, buckets);
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string labels = PrometheusText.Labels(tags);
        var series = _series.GetOrAdd(labels, static (_, buckets) => new Series(buckets.Length), _buckets);
        series.Record(Kind, value, _buckets);
    }

    public void WriteTo(StringBuilder text)
    {
        if (_series.IsEmpty)
        {
            return;
        }

        string type = Kind switch
        {
            InstrumentKind.Counter => "counter",
            InstrumentKind.Histogram => "histogram",
            _ => "gauge",
        };
        PrometheusText.Header(text, Name, Instrument.Description, type);
        var keys = new List<string>(_series.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (var labels in keys)
        {
            _series[labels].WriteTo(text, Name, labels, Kind, _buckets);
        }
    }

    /// <summary>One series: a value, or a histogram's buckets, sum and count.</summary>
    private sealed class Series
    {
        private readonly long[] _bucketCounts;
        private readonly Lock _lock = new();
        private double _value;
        private long _count;

        public Series(int buckets) => _bucketCounts = new long[buckets + 1];

        public void Record(InstrumentKind kind, double value, double[] buckets)
        {
            lock (_lock)
            {
                switch (kind)
                {
                    case InstrumentKind.LastValue:
                        _value = value;
                        break;
                    case InstrumentKind.Histogram:
                        int i = 0;
                        while (i < buckets.Length && value > buckets[i])
                        {
                            i++;
                        }

                        _bucketCounts[i]++;
                        _value += value;
                        _count++;
                        break;
                    default:
                        _value += value;
                        break;
                }
            }
        }

        public void WriteTo(StringBuilder text, string name, string labels, InstrumentKind kind, double[] buckets)
        {
            lock (_lock)
            {
                if (kind != InstrumentKind.Histogram)
                {
                    PrometheusText.Sample(text, name, labels, null, _value);
                    return;
                }

                long cumulative = 0;
                for (int i = 0; i < buckets.Length; i++)
                {
                    cumulative += _bucketCounts[i];
                    PrometheusText.Sample(text, name + "_bucket", labels, PrometheusText.Label("le", PrometheusText.Number(buckets[i])), cumulative);
                }

                PrometheusText.Sample(text, name + "_bucket", labels, PrometheusText.Label("le", "+Inf"), _count);
                PrometheusText.Sample(text, name + "_sum", labels, null, _value);
                PrometheusText.Sample(text, name + "_count", labels, null, _count);
            }
        }
    }
}
