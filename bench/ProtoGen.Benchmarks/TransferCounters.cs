using System.Diagnostics;
using System.Globalization;

namespace ProtoGen.Benchmarks;

/// <summary>
/// What one transfer of the plain loops (<see cref="PeerPairLoop"/>, <see cref="SocketReadLoop"/>) cost the process
/// besides wall time: CPU time (all threads), minor page faults (Linux <c>/proc/self/stat</c>; -1 elsewhere) and
/// garbage collections by generation; and, for the loops' <c>threads</c> flag, each thread's CPU time.
/// </summary>
internal readonly record struct TransferCounters(TimeSpan Cpu, long MinorFaults, int Gen0, int Gen1, int Gen2, ThreadCpuTimes? Threads)
{
    /// <summary>The process's counters now (with every thread's CPU time if <paramref name="threads"/>).</summary>
    public static TransferCounters Now(Process process, bool threads = false)
    {
        process.Refresh();
        return new(process.TotalProcessorTime, ReadMinorFaults(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), threads ? ThreadCpuTimes.Now() : null);
    }

    /// <summary>What was spent between <paramref name="before"/> and now, as the loops print it (the busiest threads too if it has them).</summary>
    public static string Since(Process process, in TransferCounters before)
    {
        var now = Now(process, before.Threads is not null);
        long faults = before.MinorFaults < 0 || now.MinorFaults < 0 ? -1 : now.MinorFaults - before.MinorFaults;
        string spent = string.Create(
            CultureInfo.InvariantCulture,
            $"process CPU {(now.Cpu - before.Cpu).TotalMilliseconds:F1} ms, {faults} page faults, collections {now.Gen0 - before.Gen0}/{now.Gen1 - before.Gen1}/{now.Gen2 - before.Gen2} (gen 0/1/2)");
        return before.Threads is { } threadsBefore ? spent + "; " + now.Threads!.Since(threadsBefore) : spent;
    }

    private static long ReadMinorFaults()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        // minflt is field 10 (proc(5)).
        return ProcStat.Sum(File.ReadAllText("/proc/self/stat"), 10);
    }
}
