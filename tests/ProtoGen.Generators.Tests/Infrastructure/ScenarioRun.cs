using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ProtoGen.Generators.Tests.Infrastructure;

/// <summary>One scenario compiled and generated once per test run, shared by the test classes.</summary>
internal sealed class ScenarioRun
{
    private static readonly ConcurrentDictionary<string, Lazy<ScenarioRun>> s_runs = new(StringComparer.Ordinal);

    private readonly Lazy<Assembly> _assembly;

    private ScenarioRun(string name)
    {
        Name = name;
        Compilation = CompilationHelper.CreateCompilation(($"{name}.cs", Scenarios.Source(name)));
        (_, Result, Output) = CompilationHelper.RunGenerator(Compilation);
        Generated = Result.Results.Single().GeneratedSources
            .ToImmutableSortedDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        _assembly = new Lazy<Assembly>(() => CompilationHelper.EmitAndLoad(Output));
    }

    public string Name { get; }

    /// <summary>The scenario source alone.</summary>
    public Compilation Compilation { get; }

    public GeneratorDriverRunResult Result { get; }

    /// <summary>The scenario plus the generated trees.</summary>
    public Compilation Output { get; }

    /// <summary>Generated text by hint name.</summary>
    public ImmutableSortedDictionary<string, string> Generated { get; }

    /// <summary>The emitted and loaded assembly (built on first use).</summary>
    public Assembly Assembly => _assembly.Value;

    public static ScenarioRun Get(string name) =>
        s_runs.GetOrAdd(name, n => new Lazy<ScenarioRun>(() => new ScenarioRun(n))).Value;

    public Type GetType(string fullName) =>
        Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException($"type {fullName} not found in scenario {Name}");
}
