using System.Diagnostics;
using System.Globalization;

namespace ProtoGen.Benchmarks;

/// <summary>
/// The block transfer of <see cref="PeerPairBenchmarks"/> in a plain loop, without BenchmarkDotNet, so that a sampling
/// profiler sees only the two peers at work (scripts/profile-peer-pair.sh records where the time goes). Each line also
/// gives the process's CPU time for that transfer (both peers): on a shared machine it varies less than the wall clock.
/// </summary>
internal static class PeerPairLoop
{
    /// <summary>
    /// Sets up the pair, runs the transfer <paramref name="count"/> times (served encoded if <paramref name="encoded"/>;
    /// after a full collection if <paramref name="collect"/>), prints each one's MB/s and cleans up.
    /// </summary>
    public static int Run(string transport, int bufferKiB, int count, bool encoded = false, bool collect = false, bool threads = false)
    {
        var pair = new PeerPairBenchmarks { Transport = transport, BufferKiB = bufferKiB };
        pair.SetupLimit();
        pair.Setup();
        long bytes = StreamCorpus.Bytes(pair.Stream).Length;
        try
        {
            using var process = Process.GetCurrentProcess();
            for (int i = 0; i < count; i++)
            {
                if (collect)
                {
                    CollectGarbage();
                }

                var before = TransferCounters.Now(process, threads);
                long started = Stopwatch.GetTimestamp();
                int delivered = encoded ? pair.EncodedBlockTransfer() : pair.BlockTransfer();
                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                string spent = TransferCounters.Since(process, before);
                Check.Equal(StreamCorpus.Messages(pair.Stream).Length, delivered, "every block delivered");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transfer {i + 1}/{count} ({transport}, {bufferKiB} KiB{(encoded ? ", served encoded" : "")}): {bytes / seconds / 1e6:F0} MB/s, {spent}"));
            }
        }
        finally
        {
            pair.Cleanup();
        }

        return 0;
    }

    /// <summary>A full, blocking collection, as BenchmarkDotNet forces before each iteration (its default GcForce).</summary>
    internal static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
