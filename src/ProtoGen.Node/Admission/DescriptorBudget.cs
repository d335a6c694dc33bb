using System;
using System.Globalization;
using System.IO;

namespace ProtoGen.Node.Admission;

/// <summary>
/// The process's file descriptors: its soft limit and how many are open, read from <c>/proc/self</c> on Linux (elsewhere
/// nothing is measured and only the accept loop's back-off protects the process). The runtime itself needs descriptors
/// (a new thread takes a pipe) and fails fast without them, so the server keeps a reserve free. Reading <c>/proc</c>
/// costs about a millisecond, so <see cref="HasHeadroom"/> measures at most once per <see cref="MeasureInterval"/>
/// while the last measurement, less the connections accepted since, leaves plenty of room; near the limit it measures
/// every time. Used by the accept loop only (not thread-safe).
/// </summary>
internal sealed class DescriptorBudget
{
    /// <summary>The longest a measurement is trusted while far from the limit.</summary>
    public static readonly TimeSpan MeasureInterval = TimeSpan.FromSeconds(1);

    /// <summary>How far from the limit, in reserves, an estimate may stand in for a measurement.</summary>
    private const int EstimateMargin = 4;

    private readonly int _reserve;
    private readonly TimeProvider _time;
    private DescriptorCount _last = DescriptorCount.Unknown;
    private long _measuredAt;
    private int _acceptedSince;

    public DescriptorBudget(int reserve, TimeProvider time)
    {
        _reserve = reserve;
        _time = time;
    }

    /// <summary>
    /// Whether one more accepted connection (already holding its descriptor) leaves the reserve free; false with the
    /// measurement when it does not. Always true when nothing can be measured or the reserve is 0.
    /// </summary>
    /// <param name="count">The measurement behind a refusal.</param>
    public bool HasHeadroom(out DescriptorCount count)
    {
        count = _last;
        if (_reserve <= 0)
        {
            return true;
        }

        long now = _time.GetTimestamp();
        if (_last.IsKnown && _time.GetElapsedTime(_measuredAt, now) < MeasureInterval && _last.Free - _acceptedSince > (long)EstimateMargin * _reserve)
        {
            _acceptedSince++;
            return true;
        }

        count = _last = Measure();
        _measuredAt = now;
        _acceptedSince = 0;
        return !count.IsKnown || count.Free >= _reserve;
    }

    /// <summary>Measures the descriptors now.</summary>
    public static DescriptorCount Measure()
    {
        if (!OperatingSystem.IsLinux())
        {
            return DescriptorCount.Unknown;
        }

        try
        {
            if (!TryReadLimit(out long limit))
            {
                return DescriptorCount.Unknown;
            }

            int open = 0;
            foreach (var unused in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                open++;
            }

            return new DescriptorCount(limit, open);
        }
        catch (IOException)
        {
            // Not even /proc could be opened: the descriptors are gone.
            return DescriptorCount.Exhausted;
        }
        catch (UnauthorizedAccessException)
        {
            return DescriptorCount.Unknown;
        }
    }

    private static bool TryReadLimit(out long limit)
    {
        limit = 0;
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            // "Max open files            1024                 1048576              files"
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.AsSpan("Max open files".Length).Trim();
            int end = fields.IndexOf(' ');
            var soft = end < 0 ? fields : fields[..end];
            return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out limit);
        }

        return false;
    }
}

/// <summary>The descriptors measured: the soft limit and how many are open (counting the one used to count them).</summary>
/// <param name="Limit">The soft limit (<c>ulimit -n</c>); -1 when unknown.</param>
/// <param name="Open">Descriptors open; -1 when unknown.</param>
internal readonly record struct DescriptorCount(long Limit, int Open)
{
    /// <summary>Nothing measured (not Linux, no limit, no access).</summary>
    public static DescriptorCount Unknown => new(-1, -1);

    /// <summary>Measuring failed for want of a descriptor: none is free.</summary>
    public static DescriptorCount Exhausted => new(0, 0);

    /// <summary>Whether anything is known.</summary>
    public bool IsKnown => Limit >= 0;

    /// <summary>Descriptors free (0 when exhausted).</summary>
    public long Free => Limit - Open;

    /// <summary>The measurement in words.</summary>
    public string Describe() => Limit == 0
        ? "no file descriptor free (even /proc could not be read)"
        : string.Create(CultureInfo.InvariantCulture, $"{Free} of {Limit} file descriptors free");
}
