using System.Globalization;
using System.Text;

namespace ProtoGen.Benchmarks;

/// <summary>
/// The CPU time of each of the process's threads (Linux <c>/proc/self/task/*/stat</c>; empty elsewhere), for the
/// loops' <c>threads</c> flag: which threads one transfer kept busy. It is how the tiered JIT's background compiler
/// was seen taking 40–120 ms of a transfer in a fresh process (docs/benchmarks.md, "JIT warm-up").
/// </summary>
internal sealed class ThreadCpuTimes
{
    private const int Shown = 5;

    // Thread id → (name as the kernel keeps it, at most 15 characters; utime + stime in clock ticks).
    private readonly Dictionary<int, (string Name, long Ticks)> _threads;

    private ThreadCpuTimes(Dictionary<int, (string Name, long Ticks)> threads) => _threads = threads;

    /// <summary>Every thread's CPU time now.</summary>
    public static ThreadCpuTimes Now()
    {
        var threads = new Dictionary<int, (string Name, long Ticks)>();
        if (!OperatingSystem.IsLinux())
        {
            return new ThreadCpuTimes(threads);
        }

        foreach (string directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended between the listing and the read
            }

            // utime and stime are fields 14 and 15 (proc(5)).
            threads[int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture)] = (ProcStat.Name(stat), ProcStat.Sum(stat, 14, 15));
        }

        return new ThreadCpuTimes(threads);
    }

    /// <summary>The threads that used the most CPU since <paramref name="before"/>, busiest first, as the loops print them.</summary>
    /// <param name="before">An earlier <see cref="Now"/>.</param>
    public string Since(ThreadCpuTimes before)
    {
        var busy = new List<(string Name, int Id, long Ticks)>();
        foreach (var (id, (name, ticks)) in _threads)
        {
            long spent = ticks - (before._threads.TryGetValue(id, out var earlier) ? earlier.Ticks : 0);
            if (spent > 0)
            {
                busy.Add((name, id, spent));
            }
        }

        busy.Sort(static (a, b) => b.Ticks.CompareTo(a.Ticks));
        var text = new StringBuilder("threads:");
        for (int i = 0; i < busy.Count && i < Shown; i++)
        {
            // /proc counts in clock ticks of 10 ms (USER_HZ 100 on Linux).
            text.Append(CultureInfo.InvariantCulture, $" {busy[i].Name} #{busy[i].Id} {busy[i].Ticks * 10} ms,");
        }

        return busy.Count == 0 ? "threads: (none measured)" : text.ToString(0, text.Length - 1);
    }
}
