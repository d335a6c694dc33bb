using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ProtoGen.Benchmarks;

// Usage (see docs/benchmarks.md):
//   dotnet run -c Release --project bench/ProtoGen.Benchmarks --artifacts-path /tmp/art-bench -- --filter '*'
//   dotnet run -c Release --project bench/ProtoGen.Benchmarks --artifacts-path /tmp/art-bench -- --ci
// Options of our own, taken out before BenchmarkDotNet sees the rest (--filter, --anyCategories, ...):
//   --job Dry|Short|Medium|Long|Default  the base job (Default when absent);
//   --ci            short for "--filter * --job Dry": every benchmark once, no timing claims;
//   --cpu-clock     measure the benchmark thread's CPU time instead of wall-clock time (see ThreadCpuClock);
//   --outOfProcess  let BenchmarkDotNet build and run a child project. By default benchmarks run in this process
//                   (InProcessEmitToolchain), so nothing is built into the shared source tree.
//   --loop v1|v2 BUFFER_KIB COUNT [encoded] [collect] [threads]   no BenchmarkDotNet: set up PeerPairBenchmarks and run its
//                   block transfer (or, with "encoded", the served-encoded one) COUNT times, for a profiler to watch
//                   (scripts/profile-peer-pair.sh, scripts/ab-peer-pair.sh); prints the MB/s and process CPU of each
//                   transfer. "collect" forces a full garbage collection before each transfer, as BenchmarkDotNet does
//                   before each iteration; without it the collections the transfers cause fall inside them.
//                   "threads" adds the threads that used the most CPU in each transfer (Linux; ThreadCpuTimes).
//   --socket-loop blocks|inv|mixed BUFFER_KIB COUNT [collect] [threads] [reuse]   the same for SocketReadBenchmarks'
//                   ProtoGen reader ("reuse": the reader with MessageStreamOptions.ReusePayloadArrays).
//   --ping-loop v1|v2 ROUNDS   PeerPairBenchmarks' ProtoGen ping and raw echo in alternating rounds of 2,000 round
//                   trips: median, 99th percentile, thread-pool work items and context switches per round trip.
//   --alloc v1|v2 COUNT [types]   what two peers allocate per inv message beyond the decoded message, in the steady
//                   state (InvStreamBenchmarks' pair, COUNT transfers after eight); "types" samples which types.
if (args is ["--loop", var transport, var bufferKiB, var count, ..] && args.Length <= 7)
{
    var flags = args.AsSpan(4);
    return PeerPairLoop.Run(transport, LoopArgument(bufferKiB), LoopArgument(count), flags.Contains("encoded"), flags.Contains("collect"), flags.Contains("threads"));
}

if (args is ["--socket-loop", var stream, var readKiB, var reads, ..] && args.Length <= 7)
{
    var flags = args.AsSpan(4);
    return SocketReadLoop.Run(stream, LoopArgument(readKiB), LoopArgument(reads), flags.Contains("collect"), flags.Contains("threads"), flags.Contains("reuse"));
}

if (args is ["--ping-loop", var pingTransport, var rounds])
{
    return PingLoop.Run(pingTransport, LoopArgument(rounds));
}

if (args is ["--alloc", var allocTransport, var transfers, ..] && args.Length <= 4)
{
    return AllocationLoop.Run(allocTransport, LoopArgument(transfers), args is [_, _, _, "types"]);
}

var arguments = new List<string>(args.Length + 2);
string jobName = "default";
bool inProcess = true;
bool cpuClock = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--ci":
            arguments.AddRange(["--filter", "*"]);
            jobName = "dry";
            break;
        case "--job" or "-j" when i + 1 < args.Length:
            jobName = args[++i].ToLowerInvariant();
            break;
        case "--cpu-clock":
            cpuClock = true;
            break;
        case "--outOfProcess":
            inProcess = false;
            break;
        default:
            arguments.Add(args[i]);
            break;
    }
}

var job = jobName switch
{
    "dry" => Job.Dry,
    "short" or "shortrun" => Job.ShortRun,
    "medium" or "mediumrun" => Job.MediumRun,
    "long" or "longrun" => Job.LongRun,
    "default" => Job.Default,
    _ => throw new ArgumentException($"unknown job '{jobName}': use Dry, Short, Medium, Long or Default"),
};

if (inProcess)
{
    // The NBitcoin merkle-root benchmarks take over 100 ms an operation on a loaded machine; the in-process default
    // timeout (5 minutes for a whole benchmark) is too short for them.
    job = job.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true));
}

if (cpuClock)
{
    job = job.WithClock(ThreadCpuClock.Instance);
}

// Marked as the default job: BenchmarkDotNet applies the remaining command-line job options (--iterationCount, ...) on top.
var config = new BenchConfig().AddJob(job.AsDefault());
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run([.. arguments], config);

// A benchmark that threw (a failed setup check, for instance) must fail the run, so that CI notices.
foreach (var summary in summaries)
{
    if (summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success))
    {
        Console.Error.WriteLine("benchmarks: at least one benchmark failed; see the log above");
        return 1;
    }
}

return 0;

static int LoopArgument(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
