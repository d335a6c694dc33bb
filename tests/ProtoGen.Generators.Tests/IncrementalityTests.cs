using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Models;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// Incrementality, read from the driver's tracked steps: what an edit re-runs and what stays cached. Each test runs
/// the generator over the Basic scenario, applies one edit and runs the same driver again.
/// </summary>
public sealed class IncrementalityTests
{
    private const string UnrelatedFile = """
        namespace Elsewhere
        {
            public static class Helper
            {
                public static int Twice(int x) => x * 2;
            }
        }
        """;

    /// <summary>Every tracking name the generator declares.</summary>
    private static readonly string[] AllSteps = typeof(TrackingNames)
        .GetFields()
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void TrackingNames_AreAllUsedByThePipeline()
    {
        var (_, result) = Run(Initial());
        var tracked = result.Results.Single().TrackedSteps.Keys.Where(k => k.StartsWith("ProtoGen.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(AllSteps.Order(StringComparer.Ordinal), tracked);
    }

    [Fact]
    public void SameCompilation_RunAgain_EverythingCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var second = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var step in AllSteps)
        {
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void UnrelatedFileAdded_NothingModified()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(UnrelatedFile, CompilationHelper.ParseOptions, "Elsewhere.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertNothingModified(second);
    }

    [Fact]
    public void CommentAdded_NothingModified()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "[Since(60001)]", "// the BIP31 nonce\n        [Since(60001)]");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertNothingModified(second);
    }

    [Fact]
    public void UnrelatedMemberAdded_NothingModified()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);

        // A method and a get-only property are not fields: the models stay equal.
        var edited = Edit(compilation, "public uint Value { get; init; }", "public uint Value { get; init; }\n\n        public uint Twice => Value * 2;\n\n        public override string ToString() => \"checked\";");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertNothingModified(second);
    }

    [Fact]
    public void MessageFieldChanged_OnlyThatMessageModified_DispatchCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "[Since(60001)]", "[Since(60002)]");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var messages = Outputs(second, TrackingNames.Messages);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(messages, o => Name(o.Value) == "PingMessage").Reason);
        Assert.All(messages.Where(o => Name(o.Value) != "PingMessage"), o => Assert.Contains(o.Reason, CachedOrUnchanged));

        // The summaries hold no field details, so the dispatcher and listeners are not regenerated.
        Assert.All(Outputs(second, TrackingNames.Summaries), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.SelectedSet), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.SetOutputs), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.WireTypes), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    [Fact]
    public void MessageFieldAdded_MessageModified_DispatchCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "public uint Value { get; init; }", "public uint Value { get; init; }\n\n        public ushort Extra { get; init; }");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.Messages), o => Name(o.Value) == "CheckedMessage").Reason);
        Assert.All(Outputs(second, TrackingNames.Summaries), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.SetOutputs), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    [Fact]
    public void WireTypeFieldChanged_OnlyThatWireTypeModified()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "[FixedLength(4)]", "[FixedLength(16)]");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var wireTypes = Outputs(second, TrackingNames.WireTypes);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(wireTypes, o => Name(o.Value) == "Endpoint").Reason);
        Assert.All(wireTypes.Where(o => Name(o.Value) != "Endpoint"), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.Messages), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.Summaries), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.SetOutputs), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    [Fact]
    public void CommandChanged_SummariesAndDispatchModified()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "[Message(\"ping\", V2ShortId = 18)]", "[Message(\"pong\", V2ShortId = 18)]");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.Messages), o => Name(o.Value) == "PingMessage").Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.Summaries)).Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.SetOutputs)).Reason);
        Assert.All(Outputs(second, TrackingNames.SelectedSet), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    [Fact]
    public void V2ShortIdChanged_MessageModified_DispatchCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "V2ShortId = 18", "V2ShortId = 19");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The id lives in the message's descriptor only: the summaries the dispatcher is built from do not change.
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.Messages), o => Name(o.Value) == "PingMessage").Reason);
        Assert.All(Outputs(second, TrackingNames.Summaries), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.SetOutputs), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    [Fact]
    public void ListenerNameChanged_SummariesModified()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "ListenerName = \"ItemList\"", "ListenerName = \"Items\"");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.Summaries)).Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.SetOutputs)).Reason);
    }

    [Fact]
    public void SetRenamed_SetModified_MessagesCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "[MessageSet(\"Test\"", "[MessageSet(\"Probe\"");
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.SelectedSet)).Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.SetOutputs)).Reason);
        Assert.All(Outputs(second, TrackingNames.Messages), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.Summaries), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    [Fact]
    public void SetPayloadLimitChanged_LimitModified_ModelsAndSummariesCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);
        var edited = Edit(compilation, "MaxPayloadLength = 5000)]", "MaxPayloadLength = 6000)]");
        var result = driver.RunGenerators(edited).GetRunResult();
        var second = result.Results.Single();

        // The limit goes into every message's descriptor, so serializers are re-emitted; the models are not re-read.
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.PayloadLimit)).Reason);
        Assert.All(Outputs(second, TrackingNames.DefaultPayloadLimit), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.Messages), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.WireTypes), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.All(Outputs(second, TrackingNames.Summaries), o => Assert.Contains(o.Reason, CachedOrUnchanged));
        string hello = result.GeneratedTrees.Single(t => t.FilePath.EndsWith("Scenarios.Basic.HelloMessage.Serializer.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("            6000,\n", hello, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageRemoved_SummariesModified_OtherMessagesCached()
    {
        var compilation = Initial();
        var (driver, _) = Run(compilation);

        // Removing [Message] from CheckedMessage removes it from the pipeline (its partial OnDecoded then needs a declaration).
        var edited = Edit(compilation, "[Message(\"checked\")]\n    public sealed partial record CheckedMessage", "public sealed partial record CheckedMessage");
        var result = driver.RunGenerators(edited).GetRunResult();
        var second = result.Results.Single();

        Assert.Equal(IncrementalStepRunReason.Removed, Assert.Single(Outputs(second, TrackingNames.Messages), o => o.Reason == IncrementalStepRunReason.Removed).Reason);
        Assert.DoesNotContain(result.GeneratedTrees, t => t.FilePath.EndsWith("CheckedMessage.Serializer.g.cs", StringComparison.Ordinal));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, TrackingNames.Summaries)).Reason);
        Assert.All(Outputs(second, TrackingNames.Messages).Where(o => o.Reason != IncrementalStepRunReason.Removed), o => Assert.Contains(o.Reason, CachedOrUnchanged));
    }

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    private static Compilation Initial() =>
        CompilationHelper.CreateCompilation(("Basic.cs", Scenarios.BasicSource), ("Elsewhere0.cs", "namespace Elsewhere { internal static class Empty { } }"));

    private static (GeneratorDriver Driver, GeneratorDriverRunResult Result) Run(Compilation compilation)
    {
        var driver = CompilationHelper.CreateDriver().RunGenerators(compilation);
        return (driver, driver.GetRunResult());
    }

    private static Compilation Edit(Compilation compilation, string find, string replace)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Basic.cs");
        string text = tree.GetText().ToString();
        Assert.Contains(find, text, StringComparison.Ordinal);
        var newTree = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(find, replace, StringComparison.Ordinal)));
        return compilation.ReplaceSyntaxTree(tree, newTree);
    }

    private static List<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).ToList()
            : throw new InvalidOperationException($"step {step} was not tracked");

    private static string Name(object value) => ((TypeModel)value).Name;

    private static void AssertNothingModified(GeneratorRunResult result)
    {
        foreach (var step in AllSteps)
        {
            var outputs = Outputs(result, step);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(CachedOrUnchanged.Contains(o.Reason), $"{step}: {o.Reason} for {o.Value}"));
        }

        Assert.All(
            result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(CachedOrUnchanged.Contains(o.Reason), $"output step: {o.Reason}"));
    }
}
