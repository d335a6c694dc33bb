using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ProtoGen.Generators.Diagnostics.Analyzers;

namespace ProtoGen.Generators.Tests.Infrastructure;

/// <summary>
/// Builds in-memory compilations against the running framework and ProtoGen.Runtime, runs the generator and the
/// analyzer over them, and emits and loads the result. The reference set is built once and shared by every test.
/// </summary>
internal static class CompilationHelper
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The framework assemblies of the running runtime plus ProtoGen.Runtime.dll.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((text, i) => ($"Source{i}.cs", text)).ToArray());

    public static CSharpCompilation CreateCompilation(params (string Path, string Text)[] sources) =>
        CreateCompilation("ProtoGen.Scenario", [], sources);

    /// <summary>A compilation named <paramref name="assemblyName"/> that also references <paramref name="references"/>.</summary>
    public static CSharpCompilation CreateCompilation(string assemblyName, IEnumerable<MetadataReference> references, params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
            References.AddRange(references),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true));

    /// <summary>Creates a driver with step tracking on (the incrementality tests read the tracked steps).</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new ProtoGenGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns the driver (for further runs), the result and the compilation with the generated trees.</summary>
    public static (GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output) RunGenerator(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver, driver.GetRunResult(), output);
    }

    /// <summary>The analyzer's diagnostics, in source order.</summary>
    public static ImmutableArray<Diagnostic> RunAnalyzer(Compilation compilation) =>
        compilation
            .WithAnalyzers([new DeclarationAnalyzer()])
            .GetAnalyzerDiagnosticsAsync()
            .GetAwaiter()
            .GetResult()
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();

    /// <summary>The exact source text under a diagnostic's location.</summary>
    public static string GetLocationText(Diagnostic diagnostic)
    {
        var location = diagnostic.Location;
        Assert.True(location.IsInSource, $"{diagnostic.Id} has no source location");
        return location.SourceTree!.GetText().ToString(location.SourceSpan);
    }

    /// <summary>Compiler errors and warnings of a compilation (after generation).</summary>
    public static ImmutableArray<Diagnostic> CompilerProblems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>Generates, then emits the compilation as a metadata reference for another compilation (an assembly as it ships).</summary>
    public static MetadataReference BuildLibrary(Compilation compilation)
    {
        var (_, _, output) = RunGenerator(compilation);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, "emit failed:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    /// <summary>Emits the compilation and loads it into a collectible context (ProtoGen.Runtime resolves to the test's own copy).</summary>
    public static Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, "emit failed:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new AssemblyLoadContext("scenario-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return context.LoadFromStream(stream);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The framework's own assemblies (the directory of System.Private.CoreLib) from the trusted platform list;
        // test-only dependencies such as xunit and Roslyn are left out.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(WireReader).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
