using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ProtoGen.Benchmarks;

/// <summary>The extra columns: bytes per operation, MB/s, speed-up over NBitcoin, allocation per transaction, share of the SHA-256d limit.</summary>
internal abstract class BenchColumn : IColumn
{
    protected BenchColumn(string name, string legend, int priority)
    {
        ColumnName = name;
        Legend = legend;
        PriorityInCategory = priority;
    }

    public string Id => GetType().Name;

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
        HasBlock(benchmarkCase) && Compute(summary, benchmarkCase) is { } value ? value.ToString(Format, CultureInfo.InvariantCulture) : "-";

    /// <summary>Whether the case has a <c>Block</c> parameter; the block columns mean nothing for the others (dispatch).</summary>
    private static bool HasBlock(BenchmarkCase benchmarkCase)
    {
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            if (parameter.Name == "Block")
            {
                return true;
            }
        }

        return false;
    }

    protected virtual string Format => "N0";

    protected abstract double? Compute(Summary summary, BenchmarkCase benchmarkCase);

    protected static string BlockOf(BenchmarkCase benchmarkCase) => (string)benchmarkCase.Parameters["Block"];

    /// <summary>The bytes one operation processes: the block for decode and encode, the bytes hashed for the hash benchmarks.</summary>
    protected static long BytesPerOperation(BenchmarkCase benchmarkCase)
    {
        var facts = BlockCorpus.Facts(BlockOf(benchmarkCase));
        return benchmarkCase.Descriptor.Type == typeof(HashBenchmarks) ? facts.HashedBytes : facts.Size;
    }

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

internal sealed class BytesPerOpColumn() : BenchColumn("Bytes/op", "Bytes processed per operation (block size; for hashing, Σ stripped + total tx size)", 0)
{
    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase) => BytesPerOperation(benchmarkCase);
}

internal sealed class ThroughputColumn() : BenchColumn("MB/s", "Bytes/op ÷ Mean, in 10^6 bytes per second", 1)
{
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
        if (report is null)
        {
            return null;
        }

        long? allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        return allocated is { } a ? (double)a / BlockCorpus.Facts(BlockOf(benchmarkCase)).Transactions : null;
    }
}

internal sealed class LimitShareColumn() : BenchColumn("% of SHA-256d limit", "SHA-256d limit's mean ÷ this mean (hash benchmarks only)", 4)
{
    protected override string Format => "P0";

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Descriptor.Type != typeof(HashBenchmarks))
        {
            return null;
        }

        var limit = Sibling(summary, benchmarkCase, other => other.Descriptor.WorkloadMethod.Name == nameof(HashBenchmarks.Sha256dLimit));
        return limit is not null && MeanNanoseconds(summary, limit) is { } l && MeanNanoseconds(summary, benchmarkCase) is { } m ? l / m : null;
    }
}
