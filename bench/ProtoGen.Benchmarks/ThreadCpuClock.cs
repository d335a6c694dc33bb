using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace ProtoGen.Benchmarks;

/// <summary>
/// A clock that reads the calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>, user + system), selected
/// with <c>--cpu-clock</c>. On a shared, overloaded machine wall-clock time mostly measures how long the thread
/// waited for a core; CPU time leaves that out, so ratios between rows are far more stable. It does not count work
/// done on other threads (a background gen2 GC), so the wall-clock tables stay the reference.
/// </summary>
internal sealed partial class ThreadCpuClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static readonly ThreadCpuClock Instance = new();

    public string Title => "ThreadCpuTime";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}
