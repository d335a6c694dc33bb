using System.Globalization;

namespace ProtoGen.Benchmarks;

/// <summary>Fields of a Linux <c>/proc/…/stat</c> line (proc(5)), read by <see cref="TransferCounters"/> and <see cref="ThreadCpuTimes"/>.</summary>
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
}
