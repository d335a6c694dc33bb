using System;
using System.Globalization;
using System.IO;

namespace ProtoGen.Node.Admission;

/// <summary>
/// The process's file descriptors: its soft limit and how many are open, read from <c>/proc/self</c> on Linux (elsewhere
/// nothing is measured and only the accept loop's back-off protects the process). The runtime itself needs descriptors
/// (a new thread takes a pipe) and fails fast without them, so the server keeps a reserve free.
/// </summary>
internal static class DescriptorBudget
{
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
