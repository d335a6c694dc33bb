using System.Globalization;

namespace ProtoGen.Benchmarks;

/// <summary>Fields of a Linux <c>/proc/…/stat</c> line (proc(5)), read by <see cref="TransferCounters"/> and <see cref="ThreadCpuTimes"/>, and the process's context switches (<see cref="PingLoop"/>).</summary>
internal static class ProcStat
{
    /// <summary>The command name, between the first '(' and the last ')' (it may hold spaces and parentheses).</summary>
    /// <param name="stat">The whole line.</param>
    public static string Name(string stat) => stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];

    /// <summary>The numeric fields <paramref name="numbers"/> (as proc(5) numbers them: state is 3), summed.</summary>
    /// <param name="stat">The whole line.</param>
    /// <param name="numbers">Field numbers after the name, from 4 on.</param>
    public static long Sum(string stat, params ReadOnlySpan<int> numbers)
    {
        // Split after the name: its spaces would shift the fields.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long sum = 0;
        foreach (int number in numbers)
        {
            sum += long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        }

        return sum;
    }

    /// <summary>Context switches, voluntary and not, summed over the process's threads (Linux; 0 elsewhere).</summary>
    public static long ContextSwitches()
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return 0;
        }

        long sum = 0;
        foreach (string directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(directory, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)
                        || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        sum += long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return sum;
    }
}
