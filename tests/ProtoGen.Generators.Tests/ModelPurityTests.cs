using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;
using ProtoGen.Generators.Parsing;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// The models Roslyn caches between runs must hold no Roslyn objects (they would pin whole compilations and defeat
/// caching) and must compare by value. The models are captured twice: from the pipeline's tracked step outputs,
/// and by calling the parsers directly.
/// </summary>
public sealed class ModelPurityTests
{
    /// <summary>Roslyn types that must never be reachable from a model.</summary>
    private static readonly Type[] Forbidden =
    [
        typeof(ISymbol),
        typeof(SyntaxNode),
        typeof(SyntaxTree),
        typeof(SemanticModel),
        typeof(Compilation),
        typeof(Location),
        typeof(AttributeData),
        typeof(SyntaxReference),
        typeof(SyntaxToken),
        typeof(Diagnostic),
    ];

    public static TheoryData<string> ScenarioNames => new(Scenarios.All);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void PipelineModels_HoldNoRoslynObjects(string scenario)
    {
        var steps = ScenarioRun.Get(scenario).Result.Results.Single().TrackedSteps;
        int visited = 0;
        foreach (var name in new[] { TrackingNames.Messages, TrackingNames.WireTypes, TrackingNames.Summaries, TrackingNames.MessageSets, TrackingNames.SelectedSet, TrackingNames.SetOutputs })
        {
            foreach (var (value, _) in steps[name].SelectMany(s => s.Outputs))
            {
                visited += Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }

        // The walk did reach the models' strings and fields, not just the top objects.
        Assert.True(visited > 50, $"only {visited} objects visited");
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void ParsedModels_HoldNoRoslynObjects(string scenario)
    {
        var (types, sets) = ParseAll(ScenarioRun.Get(scenario).Compilation);
        Assert.NotEmpty(types);
        Assert.Single(sets);
        foreach (var model in types.Cast<object>().Concat(sets))
        {
            Walk(model, model.ToString()!, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    [Fact]
    public void ModelTypes_DeclareOnlyValueShapedFields()
    {
        // Records of strings, bools, ints, enums, EquatableArray<T> and other models; no arrays, lists or ImmutableArray.
        var modelTypes = typeof(TypeModel).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(TypeModel).Namespace && !t.IsEnum && !t.IsNested)
            .ToList();
        Assert.Contains(typeof(FieldModel), modelTypes);
        foreach (var type in modelTypes)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                var t = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
                bool ok = t == typeof(string) || t == typeof(bool) || t == typeof(int) || t.IsEnum
                    || modelTypes.Contains(t)
                    || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(EquatableArray<>) && modelTypes.Contains(t.GetGenericArguments()[0]));
                Assert.True(ok, $"{type.Name}.{field.Name} has type {t}, which is not allowed in a cached model");
            }

            Assert.True(type.GetMethod("<Clone>$") is not null || type.IsValueType, $"{type.Name} is not a record");
        }
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void ParsingTwice_GivesEqualModels_ThatAreNotTheSameInstances(string scenario)
    {
        var first = ParseAll(CompilationHelper.CreateCompilation(($"{scenario}.cs", Scenarios.Source(scenario))));
        var second = ParseAll(CompilationHelper.CreateCompilation(($"{scenario}.cs", Scenarios.Source(scenario))));

        Assert.Equal(first.Types.Count, second.Types.Count);
        for (int i = 0; i < first.Types.Count; i++)
        {
            AssertEqualNotSame(first.Types[i], second.Types[i]);
            for (int f = 0; f < first.Types[i].Fields.Count; f++)
            {
                AssertEqualNotSame(first.Types[i].Fields[f], second.Types[i].Fields[f]);
                AssertEqualNotSame(first.Types[i].Fields[f].Value, second.Types[i].Fields[f].Value);
            }
        }

        AssertEqualNotSame(first.Sets.Single(), second.Sets.Single());
    }

    [Fact]
    public void PipelineRunsOverEqualSources_GiveEqualModels()
    {
        var a = CompilationHelper.RunGenerator(CompilationHelper.CreateCompilation(("Basic.cs", Scenarios.BasicSource))).Result.Results.Single().TrackedSteps;
        var b = CompilationHelper.RunGenerator(CompilationHelper.CreateCompilation(("Basic.cs", Scenarios.BasicSource))).Result.Results.Single().TrackedSteps;
        foreach (var name in new[] { TrackingNames.Messages, TrackingNames.WireTypes, TrackingNames.MessageSets })
        {
            var left = a[name].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            var right = b[name].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            Assert.Equal(left.Count, right.Count);
            for (int i = 0; i < left.Count; i++)
            {
                AssertEqualNotSame(left[i], right[i]);
            }
        }

        var summariesA = (EquatableArray<MessageSummary>)a[TrackingNames.Summaries].Single().Outputs.Single().Value;
        var summariesB = (EquatableArray<MessageSummary>)b[TrackingNames.Summaries].Single().Outputs.Single().Value;
        Assert.Equal(summariesA, summariesB);
        Assert.Equal(summariesA.GetHashCode(), summariesB.GetHashCode());
        Assert.Equal(["checked", "hello", "items", "ping"], summariesA.Select(s => s.Command));
    }

    [Fact]
    public void ChangedField_GivesUnequalModel()
    {
        var before = ParseAll(CompilationHelper.CreateCompilation(("Basic.cs", Scenarios.BasicSource))).Types.Single(t => t.Name == "PingMessage");
        var after = ParseAll(CompilationHelper.CreateCompilation(("Basic.cs", Scenarios.BasicSource.Replace("[Since(60001)]", "[Since(60002)]", StringComparison.Ordinal))))
            .Types.Single(t => t.Name == "PingMessage");
        Assert.NotEqual(before, after);
        Assert.Equal(before.Message, after.Message);
    }

    [Fact]
    public void EquatableArray_ComparesByContent()
    {
        var a = new EquatableArray<MessageSummary>([new MessageSummary("ping", "global::A", "Ping", true)]);
        var b = new EquatableArray<MessageSummary>([new MessageSummary("ping", "global::A", "Ping", true)]);
        var c = new EquatableArray<MessageSummary>([new MessageSummary("pong", "global::A", "Ping", true)]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.Equal(default(EquatableArray<MessageSummary>), EquatableArray<MessageSummary>.Empty);
        Assert.Equal(default(EquatableArray<MessageSummary>).GetHashCode(), EquatableArray<MessageSummary>.Empty.GetHashCode());
    }

    private static void AssertEqualNotSame(object first, object second)
    {
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        if (!first.GetType().IsValueType)
        {
            Assert.NotSame(first, second);
        }
    }

    /// <summary>Parses every [Message]/[WireType] type and the [MessageSet] of a compilation, in source order.</summary>
    private static (List<TypeModel> Types, List<MessageSetModel> Sets) ParseAll(Compilation compilation)
    {
        var known = new KnownTypes(compilation);
        Assert.True(known.IsComplete);
        var types = new List<TypeModel>();
        var sets = new List<MessageSetModel>();
        foreach (var symbol in compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .OrderBy(s => s.Locations[0].SourceSpan.Start))
        {
            var attributes = symbol.GetAttributes();
            var problems = new List<Problem>();
            if (SymbolLookup.FindAttribute(attributes, known.MessageAttribute) is not null || SymbolLookup.FindAttribute(attributes, known.WireTypeAttribute) is not null)
            {
                if (TypeParser.Parse(symbol, known, problems, CancellationToken.None) is { } model)
                {
                    types.Add(model);
                }
                else
                {
                    Assert.NotEmpty(problems);
                }
            }

            if (SymbolLookup.FindAttribute(attributes, known.MessageSetAttribute) is { } setAttribute && SetParser.Parse(symbol, setAttribute, problems) is { } set)
            {
                sets.Add(set);
            }
        }

        return (types, sets);
    }

    /// <summary>Walks every field reachable from <paramref name="value"/>; fails on a Roslyn object. Returns the objects visited.</summary>
    private static int Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null)
        {
            return 0;
        }

        var type = value.GetType();
        foreach (var forbidden in Forbidden)
        {
            Assert.False(forbidden.IsAssignableFrom(type), $"{path} holds a {type.FullName} ({forbidden.Name})");
        }

        Assert.False(type.Assembly == typeof(Compilation).Assembly || type.Assembly == typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly, $"{path} holds the Roslyn type {type.FullName}");
        if (type.IsPrimitive || type.IsEnum || value is string || (!type.IsValueType && !seen.Add(value)))
        {
            return 1;
        }

        int count = 1;
        if (value is Array array)
        {
            int i = 0;
            foreach (var item in (IEnumerable)array)
            {
                count += Walk(item, $"{path}[{i++}]", seen);
            }

            return count;
        }

        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                count += Walk(field.GetValue(value), path + "." + field.Name, seen);
            }
        }

        return count;
    }
}
