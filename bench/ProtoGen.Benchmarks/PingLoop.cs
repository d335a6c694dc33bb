using System.Diagnostics;
using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Benchmarks;

/// <summary>
/// The ping rows of <see cref="PeerPairBenchmarks"/> in a plain loop: rounds of ProtoGen pings and raw socket echoes,
/// alternating in one process, each round printing its median and 99th percentile and the process CPU, thread-pool work items and
/// context switches per round trip, which show how many thread hops a round trip takes (scripts and docs/benchmarks.md).
/// </summary>
internal static class PingLoop
{
    private const int PerRound = 2000;

    /// <summary>Connects both pairs, warms them up, runs <paramref name="rounds"/> alternating rounds and prints each.</summary>
    public static int Run(string transport, int rounds)
    {
        using var pair = new ProtoGenPeerPair(transport, _ => new BitcoinListeners<Peer>());
        using var echo = RawEchoPair.Connect();
        var samples = new double[PerRound];
        Round(samples, () => pair.Client.PingAsync().GetAwaiter().GetResult());
        Round(samples, () => echo.RoundTripAsync(7).GetAwaiter().GetResult());
        for (int r = 1; r <= rounds; r++)
        {
            Print($"round {r}/{rounds} ProtoGen {transport}", samples, Round(samples, () => pair.Client.PingAsync().GetAwaiter().GetResult()));
            Print($"round {r}/{rounds} raw socket echo", samples, Round(samples, () => echo.RoundTripAsync(7).GetAwaiter().GetResult()));
        }

        return 0;
    }

    private static (long WorkItems, long Switches, TimeSpan Cpu) Round(double[] samples, Action roundTrip)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        long items = ThreadPool.CompletedWorkItemCount;
        long switches = ProcStat.ContextSwitches();
        for (int i = 0; i < samples.Length; i++)
        {
            long started = Stopwatch.GetTimestamp();
            roundTrip();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        long spentItems = ThreadPool.CompletedWorkItemCount - items;
        long spentSwitches = ProcStat.ContextSwitches() - switches;
        process.Refresh();
        return (spentItems, spentSwitches, process.TotalProcessorTime - cpu);
    }

    private static void Print(string what, double[] samples, (long WorkItems, long Switches, TimeSpan Cpu) spent)
    {
        Array.Sort(samples);
        double n = samples.Length;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{what}: median {samples[samples.Length / 2]:F1} us, p99 {samples[(int)(0.99 * n)]:F1} us, {spent.Cpu.TotalMicroseconds / n:F1} us of process CPU, {spent.WorkItems / n:F2} thread-pool work items and {spent.Switches / n:F2} context switches per round trip"));
    }
}
