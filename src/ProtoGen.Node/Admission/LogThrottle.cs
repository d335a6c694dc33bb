using System;
using System.Threading;

namespace ProtoGen.Node.Admission;

/// <summary>
/// Keeps a log line that a remote can trigger at will from flooding the log: the first few pass, then at most one per
/// interval, which says how many were held back (btcd logs its admission refusals the same way). Thread-safe.
/// </summary>
internal sealed class LogThrottle
{
    /// <summary>Lines that always pass first.</summary>
    public const int First = 3;

    /// <summary>The least time between two lines after the first few (btcd: 30 seconds).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _seen;
    private long _suppressed;
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public LogThrottle(TimeProvider time) => _time = time;

    /// <summary>Whether to log this event; <paramref name="suppressed"/> is how many were held back since the last one logged.</summary>
    /// <param name="suppressed">Events not logged since the previous line.</param>
    public bool ShouldLog(out long suppressed)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _seen++;
            if (_seen <= First || now - _last >= Interval)
            {
                suppressed = _suppressed;
                _suppressed = 0;
                _last = now;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }
}
