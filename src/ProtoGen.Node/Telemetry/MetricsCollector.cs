using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Text;
using System.Threading;

namespace ProtoGen.Node.Telemetry;

/// <summary>
/// Aggregates the measurements of the named meters in memory (counters and up-down counters as sums, histograms as
/// buckets, sum and count, gauges as their last value, per set of tags) and writes them in the Prometheus text
/// exposition format (<see cref="PrometheusText"/>). Built on a <see cref="MeterListener"/>: no reflection, NativeAOT
/// safe. Needs the <c>System.Diagnostics.Metrics.Meter.IsSupported</c> feature (MSBuild <c>MetricsSupport</c>) on.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private static readonly double[] s_defaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly HashSet<string> _meters;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _scrapeLock = new();

    /// <summary>Starts collecting the instruments of <paramref name="meterNames"/>, those published already and later ones.</summary>
    /// <param name="meterNames">The meters, for example <c>ProtoGen.Peer</c>.</param>
    public MetricsCollector(params string[] meterNames)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        _meters = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name) && InstrumentState.TryCreate(instrument, s_defaultBuckets) is { } state)
            {
                _instruments[instrument] = state;
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>The meters collected.</summary>
    public IReadOnlyCollection<string> Meters => _meters;

    /// <summary>Observes the observable instruments and returns every series in the Prometheus text format (version 0.0.4).</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_scrapeLock)
        {
            _listener.RecordObservableInstruments();
            var states = new List<InstrumentState>(_instruments.Values);
            states.Sort((a, b) => string.CompareOrdinal(a.Instrument.Name, b.Instrument.Name));
            foreach (var state in states)
            {
                state.WriteTo(text);
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();
}
