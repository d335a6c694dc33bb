using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace ProtoGen.Benchmarks;

/// <summary>The configuration every benchmark class runs with: memory diagnoser, the extra columns, one table group per category and block.</summary>
public sealed class BenchConfig : ManualConfig
{
    /// <summary>Creates the configuration (Program adds the job).</summary>
    public BenchConfig()
    {
        AddLogger(ConsoleLogger.Default);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray());
        AddValidator(DefaultConfig.Instance.GetValidators().ToArray());
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(CategoriesColumn.Default, StatisticColumn.Median);
        AddColumn(new BytesPerOpColumn(), new ThroughputColumn(), new SpeedupColumn(), new AllocatedPerTxColumn(), LimitShareColumn.SameBytes(), LimitShareColumn.Mebibyte());

        // "x NBitcoin" (baseline mean ÷ mean) replaces Ratio; GC counts add little next to Allocated and Alloc/tx.
        HideColumns("Ratio", "RatioSD", "Gen0", "Gen1", "Gen2");
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        AddExporter(MarkdownExporter.GitHub);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared, BenchmarkDotNet.Order.MethodOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(20));
        WithOptions(ConfigOptions.JoinSummary);

        // Results and logs go next to the built benchmark (under --artifacts-path), not into the shared source tree.
        WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
    }
}
