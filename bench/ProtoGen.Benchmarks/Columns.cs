using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ProtoGen.Benchmarks;

/// <summary>The extra columns: bytes per operation, MB/s, speed-up over NBitcoin, allocation per transaction, shares of the SHA-256d limits.</summary>
internal abstract class BenchColumn : IColumn
{
    protected BenchColumn(string name, string legend, int priority)
    {
        ColumnName = name;
        Legend = legend;
        PriorityInCategory = priority;
    }

    public string Id => GetType().Name + ":" + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory { get; }

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        (HasParameter(benchmarkCase, "Block") || HasParameter(benchmarkCase, "Stream") || (AppliesToMessageSizes && HasParameter(benchmarkCase, "Size")))
        && Compute(summary, benchmarkCase) is { } value ? value.ToString(Format, CultureInfo.InvariantCulture) : "-";

    /// <summary>Whether the column also means something for the per-message rows of <see cref="Sha256BackendBenchmarks"/> (a <c>Size</c> parameter).</summary>
    protected virtual bool AppliesToMessageSizes => false;

    /// <summary>Whether the case has the parameter; the block columns mean nothing for the others (dispatch).</summary>
    private static bool HasParameter(BenchmarkCase benchmarkCase, string name)
    {
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            if (parameter.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    protected virtual string Format => "N0";

    protected abstract double? Compute(Summary summary, BenchmarkCase benchmarkCase);

    /// <summary>The case's data: its block, or its stream and buffer size (the throughput benchmarks).</summary>
    protected static string BlockOf(BenchmarkCase benchmarkCase) => HasParameter(benchmarkCase, "Stream")
        ? (string)benchmarkCase.Parameters["Stream"] + "/" + (HasParameter(benchmarkCase, "BufferKiB") ? benchmarkCase.Parameters["BufferKiB"] : 0)
        : (string)benchmarkCase.Parameters["Block"];

    /// <summary>
    /// The bytes one operation processes: the block for decode and encode, the bytes that must be hashed for the hash
    /// benchmarks (<see cref="HashBenchmarks.BytesPerOperation"/>), the message size for the per-message rows.
    /// </summary>
    protected static long BytesPerOperation(BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Descriptor.Type == typeof(Sha256BackendBenchmarks))
        {
            return (int)benchmarkCase.Parameters["Size"];
        }

        if (HasParameter(benchmarkCase, "Stream"))
        {
            return StreamCorpus.Bytes((string)benchmarkCase.Parameters["Stream"]).Length;
        }

        var facts = BlockCorpus.Facts(BlockOf(benchmarkCase));
        return benchmarkCase.Descriptor.Type == typeof(HashBenchmarks)
            ? HashBenchmarks.BytesPerOperation(benchmarkCase.Descriptor.WorkloadMethod.Name, benchmarkCase.Descriptor.Categories[0], facts)
            : facts.Size;
    }

    protected static bool IsStreamBenchmark(BenchmarkCase benchmarkCase) => StreamBenchmarkTypes.Contains(benchmarkCase.Descriptor.Type);

    protected static double? MeanNanoseconds(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean is double mean && mean > 0 ? mean : null;

    /// <summary>The first case of the same type, block and job that <paramref name="match"/> accepts, if any.</summary>
    protected static BenchmarkCase? Sibling(Summary summary, BenchmarkCase benchmarkCase, Func<BenchmarkCase, bool> match)
    {
        foreach (var other in summary.BenchmarksCases)
        {
            if (other.Descriptor.Type == benchmarkCase.Descriptor.Type
                && BlockOf(other) == BlockOf(benchmarkCase)
                && other.Job == benchmarkCase.Job
                && match(other))
            {
                return other;
            }
        }

        return null;
    }
}

internal static class StreamBenchmarkTypes
{
    public static bool Contains(Type type) => type == typeof(FramedStreamBenchmarks) || type == typeof(SocketReadBenchmarks) || type == typeof(PeerPairBenchmarks);
}

internal sealed class BytesPerOpColumn() : BenchColumn("Bytes/op", "Bytes processed per operation (block size; for hashing, the bytes that must be hashed: see HashBenchmarks.BytesPerOperation; per message for Sha256BackendBenchmarks)", 0)
{
    protected override bool AppliesToMessageSizes => true;

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase) => BytesPerOperation(benchmarkCase);
}

internal sealed class ThroughputColumn() : BenchColumn("MB/s", "Bytes/op ÷ Mean, in 10^6 bytes per second", 1)
{
    protected override bool AppliesToMessageSizes => true;

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase) =>
        MeanNanoseconds(summary, benchmarkCase) is { } mean ? BytesPerOperation(benchmarkCase) * 1000.0 / mean : null;
}

internal sealed class SpeedupColumn() : BenchColumn("x NBitcoin", "NBitcoin's mean ÷ this mean, in the same category and block (> 1: faster than NBitcoin)", 2)
{
    protected override string Format => "F2";

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        var categories = benchmarkCase.Descriptor.Categories;
        var baseline = Sibling(summary, benchmarkCase, other => other.Descriptor.Baseline && other.Descriptor.Categories.SequenceEqual(categories));
        return baseline is not null && MeanNanoseconds(summary, baseline) is { } b && MeanNanoseconds(summary, benchmarkCase) is { } m ? b / m : null;
    }
}

internal sealed class AllocatedPerTxColumn() : BenchColumn("Alloc/tx", "Allocated bytes per operation ÷ transactions in the block", 3)
{
    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report is null || benchmarkCase.Parameters.Items.Any(p => p.Name == "Stream"))
        {
            return null;
        }

        long? allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        return allocated is { } a ? (double)a / BlockCorpus.Facts(BlockOf(benchmarkCase)).Transactions : null;
    }
}

/// <summary>A hash row's throughput (MB/s) as a share of a SHA-256d limit row's throughput, same block and run.</summary>
internal sealed class LimitShareColumn(string name, string limitMethod, string legend) : BenchColumn(name, legend, 4)
{
    /// <summary>Against one SHA-256d call over as many bytes as the txid+wtxid pass hashes.</summary>
    public static LimitShareColumn SameBytes() => new(
        "% of limit (same bytes)", nameof(HashBenchmarks.Sha256dLimit), "MB/s ÷ MB/s of one SHA-256d over a buffer as long as the txid+wtxid bytes (hash benchmarks), or over the same stream (throughput benchmarks)");

    /// <summary>Against one SHA-256d call over 1 MiB (the goal's reference).</summary>
    public static LimitShareColumn Mebibyte() => new(
        "% of limit (1 MiB)", nameof(HashBenchmarks.Sha256dLimit1MiB), "MB/s ÷ MB/s of one SHA-256d over 1 MiB with the best single-message backend (hash benchmarks only)");

    protected override string Format => "P0";

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        BenchmarkCase? limit;
        if (benchmarkCase.Descriptor.Type == typeof(HashBenchmarks))
        {
            limit = Sibling(summary, benchmarkCase, other => other.Descriptor.WorkloadMethod.Name == limitMethod);
        }
        else if (IsStreamBenchmark(benchmarkCase) && limitMethod == nameof(HashBenchmarks.Sha256dLimit))
        {
            // The throughput benchmarks: against the SHA-256d row over the same bytes, same category.
            var categories = benchmarkCase.Descriptor.Categories;
            limit = Sibling(summary, benchmarkCase, other => other.Descriptor.WorkloadMethod.Name.StartsWith("Sha256dLimit", StringComparison.Ordinal) && other.Descriptor.Categories.SequenceEqual(categories));
        }
        else
        {
            return null;
        }

        return limit is not null && MeanNanoseconds(summary, limit) is { } l && MeanNanoseconds(summary, benchmarkCase) is { } m
            ? (BytesPerOperation(benchmarkCase) / m) / (BytesPerOperation(limit) / l)
            : null;
    }
}
