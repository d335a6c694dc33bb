using System.Diagnostics;
using System.Globalization;

namespace ProtoGen.Benchmarks;

/// <summary>
/// <see cref="SocketReadBenchmarks"/>' ProtoGen reader in a plain loop, without BenchmarkDotNet, for a profiler (the
/// counterpart of <see cref="PeerPairLoop"/>): each line gives the MB/s and the process's CPU time of one read of the
/// stream (the sending thread included).
/// </summary>
internal static class SocketReadLoop
{
    /// <summary>Sets up the socket pair, reads <paramref name="stream"/> <paramref name="count"/> times (after a full collection if <paramref name="collect"/>; with the busiest threads if <paramref name="threads"/>) and cleans up.</summary>
    public static int Run(string stream, int bufferKiB, int count, bool collect = false, bool threads = false, bool reuse = false)
    {
        var reading = new SocketReadBenchmarks { Stream = stream, BufferKiB = bufferKiB };
        reading.Setup();
        long bytes = StreamCorpus.Bytes(stream).Length;
        try
        {
            using var process = Process.GetCurrentProcess();
            for (int i = 0; i < count; i++)
            {
                if (collect)
                {
                    PeerPairLoop.CollectGarbage();
                }

                var before = TransferCounters.Now(process, threads);
                long started = Stopwatch.GetTimestamp();
                int delivered = (reuse ? reading.ProtoGenSocketReusingArrays() : reading.ProtoGenSocket()).GetAwaiter().GetResult();
                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                string spent = TransferCounters.Since(process, before);
                Check.Equal(StreamCorpus.Messages(stream).Length, delivered, "every message delivered");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transfer {i + 1}/{count} ({stream}, {bufferKiB} KiB, socket read{(reuse ? ", arrays reused" : "")}): {bytes / seconds / 1e6:F0} MB/s, {spent}"));
            }
        }
        finally
        {
            reading.Cleanup();
        }

        return 0;
    }
}
