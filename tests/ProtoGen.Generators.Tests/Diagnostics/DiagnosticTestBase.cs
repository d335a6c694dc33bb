using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests.Diagnostics;

/// <summary>
/// One test per diagnostic ID (and per variant): the analyzer reports exactly the expected IDs, each located on the
/// expected source text, and the generator emits no serializer for the invalid type while the valid rest of the
/// assembly is still generated and compiles.
/// </summary>
/// <remarks>The tests are split by diagnostic family into the classes of this folder; this base holds what they share.</remarks>
public abstract class DiagnosticTestBase
{
    /// <summary>A valid set and message that every case compiles alongside.</summary>
    protected const string ValidRest = """
        using ProtoGen;

        namespace D
        {
            [MessageSet("D")]
            public static partial class DMessages
            {
            }

            [Message("ok")]
            public sealed partial record OkMessage
            {
                public int Value { get; init; }
            }
        }
        """;

    /// <summary>The same without the set, for the set-shape cases.</summary>
    protected const string ValidMessageOnly = """
        using ProtoGen;

        namespace D
        {
            [Message("ok")]
            public sealed partial record OkMessage
            {
                public int Value { get; init; }
            }
        }
        """;

    /// <summary>
    /// Compiles <paramref name="invalid"/> (inside namespace D, as Invalid.cs) with the valid rest, checks the
    /// analyzer's diagnostics and that the generator skipped <paramref name="invalidType"/> but nothing else.
    /// </summary>
    protected static List<Diagnostic> Verify(string invalid, string invalidType, params (string Id, string Text)[] expected)
    {
        var (diagnostics, run) = Analyze(invalid, ValidRest);
        AssertDiagnostics(diagnostics, expected);
        Assert.All(diagnostics, d => Assert.Equal("Invalid.cs", d.Location.SourceTree!.FilePath));

        var hints = HintNames(run);
        Assert.Equal(["D.DMessages.Dispatcher.g.cs", "D.DMessages.ListenerGroup.g.cs", "D.DMessages.Listeners.g.cs", "D.OkMessage.Serializer.g.cs"], hints);
        Assert.DoesNotContain(run.Results.Single().GeneratedSources, s => s.SourceText.ToString().Contains(invalidType, StringComparison.Ordinal));
        Assert.Empty(run.Diagnostics);
        Assert.Empty(Errors(run));
        return diagnostics;
    }

    /// <summary>The message's codec is generated (it is valid on its own) but the dispatcher leaves it out, and everything compiles.</summary>
    protected static void AssertDroppedFromDispatch(Run run, string typeName)
    {
        Assert.Empty(Errors(run));
        Assert.Contains(HintNames(run), h => h.EndsWith(typeName.Replace('.', '-') + ".Serializer.g.cs", StringComparison.Ordinal));
        string dispatcher = run.Results.Single().GeneratedSources.Single(s => s.HintName == "D.DMessages.Dispatcher.g.cs").SourceText.ToString();
        Assert.DoesNotContain("global::D." + typeName + ".", dispatcher, StringComparison.Ordinal);
        Assert.Contains("global::D.OkMessage.Read", dispatcher, StringComparison.Ordinal);
    }

    protected static void VerifySet(string invalidSet, params (string Id, string Text)[] expected)
    {
        var (diagnostics, run) = Analyze(invalidSet, ValidMessageOnly);
        AssertDiagnostics(diagnostics, expected);

        // No dispatcher for the malformed set; the message's codec is still generated and compiles.
        Assert.Equal(["D.OkMessage.Serializer.g.cs"], HintNames(run));
        Assert.Empty(Errors(run));
    }

    protected static (List<Diagnostic> Diagnostics, Run Run) Analyze(string invalid, string rest, params MetadataReference[] references)
    {
        string source = "using ProtoGen;\n\nnamespace D\n{\n" + Indent(invalid) + "}\n";
        var compilation = CompilationHelper.CreateCompilation("ProtoGen.Scenario", references, ("Valid.cs", rest), ("Invalid.cs", source));
        var diagnostics = CompilationHelper.RunAnalyzer(compilation).ToList();
        var (_, result, output) = CompilationHelper.RunGenerator(compilation);

        // A real build analyzes the compilation with the generator's output in it: the same diagnostics, in the same places.
        Assert.Equal(Describe(diagnostics), Describe(CompilationHelper.RunAnalyzer(output)));
        return (diagnostics, new Run(result, output));
    }

    protected static List<(string Id, string File, string Text)> Describe(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => (d.Id, d.Location.SourceTree?.FilePath ?? string.Empty, CompilationHelper.GetLocationText(d))).ToList();

    protected static List<Diagnostic> Errors(Run run) =>
        run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    protected static List<string> HintNames(Run run) =>
        run.Results.Single().GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal).ToList();

    /// <summary>A generator run and the compilation with its output.</summary>
    protected sealed record Run(GeneratorDriverRunResult Result, Compilation Output)
    {
        public System.Collections.Immutable.ImmutableArray<GeneratorRunResult> Results => Result.Results;

        public System.Collections.Immutable.ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;
    }

    protected static void AssertDiagnostics(IReadOnlyList<Diagnostic> actual, params (string Id, string Text)[] expected)
    {
        var got = actual.Select(d => (d.Id, CompilationHelper.GetLocationText(d))).ToList();
        Assert.Equal(expected.ToList(), got);
        Assert.All(actual, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    private static string Indent(string text) =>
        string.Concat(text.Split('\n').Select(l => (l.Length == 0 ? string.Empty : "    " + l) + "\n"));
}
