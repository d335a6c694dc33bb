using System.Diagnostics;
using System.Globalization;

namespace ProtoGen.Benchmarks;

/// <summary>
/// What one transfer of the plain loops (<see cref="PeerPairLoop"/>, <see cref="SocketReadLoop"/>) cost the process
/// besides wall time: CPU time (all threads), minor page faults (Linux <c>/proc/self/stat</c>; -1 elsewhere) and
/// garbage collections by generation.
/// </summary>
internal readonly record struct TransferCounters(TimeSpan Cpu, long MinorFaults, int Gen0, int Gen1, int Gen2)
{
    /// <summary>The process's counters now.</summary>
    public static TransferCounters Now(Process process)
    {
        process.Refresh();
        return new(process.TotalProcessorTime, ReadMinorFaults(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    /// <summary>What was spent between <paramref name="before"/> and now, as the loops print it.</summary>
    public static string Since(Process process, in TransferCounters before)
    {
        var now = Now(process);
        long faults = before.MinorFaults < 0 || now.MinorFaults < 0 ? -1 : now.MinorFaults - before.MinorFaults;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"process CPU {(now.Cpu - before.Cpu).TotalMilliseconds:F1} ms, {faults} page faults, collections {now.Gen0 - before.Gen0}/{now.Gen1 - before.Gen1}/{now.Gen2 - before.Gen2} (gen 0/1/2)");
    }

    private static long ReadMinorFaults()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        // Fields after the parenthesised command name: state is field 3, minflt field 10 (proc(5)).
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[10 - 3], CultureInfo.InvariantCulture);
    }
}
