using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// Golden output: every generated file of every scenario is compared with Baselines/{Scenario}/{HintName}.cs.txt.
/// </summary>
/// <remarks>
/// To accept a deliberate change of the generated code, run the suite once with PROTOGEN_UPDATE_BASELINES=1:
/// <code>PROTOGEN_UPDATE_BASELINES=1 dotnet test tests/ProtoGen.Generators.Tests --artifacts-path /tmp/art-me</code>
/// It rewrites the baselines in the source tree (and deletes those no longer generated); review the diff and commit.
/// With the <c>CI</c> variable set the update is refused and the test fails (<see cref="BaselinePolicy"/>).
/// </remarks>
public sealed class GoldenOutputTests
{
    public static TheoryData<string> ScenarioNames => new(Scenarios.All);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void GeneratedFiles_MatchBaselines(string scenario)
    {
        var mode = BaselinePolicy.FromEnvironment();
        Assert.True(mode != BaselineMode.Refused, BaselinePolicy.RefusalMessage(Environment.GetEnvironmentVariable(BaselinePolicy.CiVariable)));
        var run = ScenarioRun.Get(scenario);
        bool update = mode == BaselineMode.Update;
        if (update)
        {
            UpdateBaselines(scenario, run);
        }

        // Normally the copies next to the test assembly; right after an update those are stale, so the source tree.
        string directory = update ? SourceBaselineDirectory(scenario) : Path.Combine(AppContext.BaseDirectory, "Baselines", scenario);
        var expectedNames = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.cs.txt").Select(f => Path.GetFileName(f)[..^".txt".Length]).Order(StringComparer.Ordinal).ToList()
            : [];
        Assert.Equal(expectedNames, run.Generated.Keys.ToList());
        foreach (var (hintName, actual) in run.Generated)
        {
            string expected = File.ReadAllText(Path.Combine(directory, hintName + ".txt")).ReplaceLineEndings("\n");
            AssertSameText(hintName, expected, actual);
        }
    }

    [Theory]
    [InlineData(null, null, BaselineMode.Compare)]
    [InlineData(null, "true", BaselineMode.Compare)]
    [InlineData("0", null, BaselineMode.Compare)]
    [InlineData("", null, BaselineMode.Compare)]
    [InlineData("true", null, BaselineMode.Compare)]
    [InlineData("1", null, BaselineMode.Update)]
    [InlineData("1", "", BaselineMode.Update)]
    [InlineData("1", "true", BaselineMode.Refused)]
    [InlineData("1", "1", BaselineMode.Refused)]
    [InlineData("1", "false", BaselineMode.Refused)]
    public void BaselinePolicy_UpdatesOnlyWhenAskedAndNeverOnCi(string? update, string? ci, BaselineMode expected) =>
        Assert.Equal(expected, BaselinePolicy.Decide(update, ci));

    [Fact]
    public void BaselinePolicy_RefusalSaysWhy()
    {
        string message = BaselinePolicy.RefusalMessage("true");
        Assert.Contains("PROTOGEN_UPDATE_BASELINES=1", message, StringComparison.Ordinal);
        Assert.Contains("CI=true", message, StringComparison.Ordinal);
        Assert.Contains("never rewritten on CI", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Basic_HintNames_AreExactlyTheValidTypesAndTheSet()
    {
        Assert.Equal(
            [
                "Scenarios.Basic.CheckedMessage.Serializer.g.cs",
                "Scenarios.Basic.Endpoint.Serializer.g.cs",
                "Scenarios.Basic.HelloMessage.Serializer.g.cs",
                "Scenarios.Basic.Item.Serializer.g.cs",
                "Scenarios.Basic.ItemsMessage.Serializer.g.cs",
                "Scenarios.Basic.PingMessage.Serializer.g.cs",
                "Scenarios.Basic.TestMessages.Dispatcher.g.cs",
                "Scenarios.Basic.TestMessages.ListenerGroup.g.cs",
                "Scenarios.Basic.TestMessages.Listeners.g.cs",
            ],
            ScenarioRun.Get(Scenarios.Basic).Generated.Keys);
    }

    [Fact]
    public void Basic_InvalidType_HasNoOutput_AndIsNotDispatched()
    {
        var run = ScenarioRun.Get(Scenarios.Basic);
        Assert.DoesNotContain(run.Generated.Keys, k => k.Contains("BrokenMessage", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Generated.Values, text => text.Contains("BrokenMessage", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Generated.Values, text => text.Contains("\"broken\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Codecs_HintNames()
    {
        Assert.Equal(
            [
                "Scenarios.Codecs.CodecMessages.Dispatcher.g.cs",
                "Scenarios.Codecs.CodecMessages.ListenerGroup.g.cs",
                "Scenarios.Codecs.CodecMessages.Listeners.g.cs",
                "Scenarios.Codecs.Note.Serializer.g.cs",
                "Scenarios.Codecs.PayMessage.Serializer.g.cs",
                "Scenarios.Codecs.RawMessage.Serializer.g.cs",
            ],
            ScenarioRun.Get(Scenarios.Codecs).Generated.Keys);
    }

    [Fact]
    public void Shapes_HintNames_UseMetadataNamesOfNestedTypes()
    {
        Assert.Equal(
            [
                "GlobalMessage.Serializer.g.cs",
                "Scenarios.Shapes.Box.Serializer.g.cs",
                "Scenarios.Shapes.EmptyMessage.Serializer.g.cs",
                "Scenarios.Shapes.Outer-Middle-NestedMessage.Serializer.g.cs",
                "Scenarios.Shapes.Pair.Serializer.g.cs",
                "Scenarios.Shapes.PointMessage.Serializer.g.cs",
                "Scenarios.Shapes.ShapeMessages.Dispatcher.g.cs",
                "Scenarios.Shapes.ShapeMessages.ListenerGroup.g.cs",
                "Scenarios.Shapes.ShapeMessages.Listeners.g.cs",
                "Scenarios.Shapes.StructMessage.Serializer.g.cs",
            ],
            ScenarioRun.Get(Scenarios.Shapes).Generated.Keys);
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void EveryGeneratedFile_StartsWithAutoGeneratedHeader(string scenario)
    {
        foreach (var (hintName, text) in ScenarioRun.Get(scenario).Generated)
        {
            Assert.True(text.StartsWith("// <auto-generated/>\n#nullable enable\n", StringComparison.Ordinal), hintName + " lacks the header");
            Assert.EndsWith(".g.cs", hintName, StringComparison.Ordinal);
            Assert.All(hintName, c => Assert.True(c < 0x80, hintName + " is not ASCII"));
        }
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void EveryTypeReference_IsGlobalQualified(string scenario)
    {
        // Object creation and base lists; the only unqualified names allowed are C# keyword types, the generated private
        // Dispatcher class and the TPeer type parameter.
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "Dispatcher", "TPeer", "string", "byte", "sbyte", "bool", "short", "ushort", "int", "uint", "long", "ulong" };
        var newPattern = new Regex(@"\bnew\s+(?<type>[A-Za-z_][\w.:]*)", RegexOptions.CultureInvariant);
        var basePattern = new Regex(@"\b(?:class|struct|record|interface)\s+\w+(?:<[^>]*>)?\s*:\s*(?<bases>[^{\n]+)", RegexOptions.CultureInvariant);
        var typeofPattern = new Regex(@"\btypeof\((?<type>[^)]*)\)", RegexOptions.CultureInvariant);
        foreach (var (hintName, text) in ScenarioRun.Get(scenario).Generated)
        {
            var code = StripComments(text);
            foreach (Match m in newPattern.Matches(code))
            {
                string type = m.Groups["type"].Value;
                Assert.True(type.StartsWith("global::", StringComparison.Ordinal) || allowed.Contains(type), $"{hintName}: 'new {type}' is not global-qualified");
            }

            foreach (Match m in basePattern.Matches(code))
            {
                foreach (var b in SplitTopLevel(m.Groups["bases"].Value))
                {
                    Assert.True(b.StartsWith("global::", StringComparison.Ordinal), $"{hintName}: base '{b}' is not global-qualified");
                }
            }

            foreach (Match m in typeofPattern.Matches(code))
            {
                Assert.StartsWith("global::", m.Groups["type"].Value, StringComparison.Ordinal);
            }

            Assert.Matches(new Regex("global::ProtoGen\\.", RegexOptions.CultureInvariant), code);
        }
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void GeneratedCode_CompilesWithoutWarnings(string scenario)
    {
        var run = ScenarioRun.Get(scenario);
        Assert.Empty(run.Result.Diagnostics);
        Assert.Empty(CompilationHelper.CompilerProblems(run.Output));
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Generation_IsDeterministic(string scenario)
    {
        var first = ScenarioRun.Get(scenario).Generated;
        var again = CompilationHelper.RunGenerator(CompilationHelper.CreateCompilation(($"{scenario}.cs", Scenarios.Source(scenario))))
            .Result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        Assert.Equal(first.Keys, again.Keys.Order(StringComparer.Ordinal));
        foreach (var (hintName, text) in first)
        {
            Assert.Equal(text, again[hintName]);
        }
    }

    [Fact]
    public void GeneratedSources_AreUtf8()
    {
        foreach (var source in ScenarioRun.Get(Scenarios.Basic).Result.Results.Single().GeneratedSources)
        {
            Assert.Equal(Encoding.UTF8.WebName, source.SourceText.Encoding?.WebName);
        }
    }

    private static void UpdateBaselines(string scenario, ScenarioRun run)
    {
        string directory = SourceBaselineDirectory(scenario);
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.GetFiles(directory, "*.cs.txt"))
        {
            File.Delete(stale);
        }

        foreach (var (hintName, text) in run.Generated)
        {
            File.WriteAllText(Path.Combine(directory, hintName + ".txt"), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }

    private static string SourceBaselineDirectory(string scenario, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Baselines", scenario);

    private static void AssertSameText(string hintName, string expected, string actual)
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && string.Equals(e[line], a[line], StringComparison.Ordinal))
        {
            line++;
        }

        Assert.Fail(
            $"{hintName} differs from its baseline at line {line + 1} (set {BaselinePolicy.UpdateVariable}=1 to accept):\n" +
            $"  expected: {(line < e.Length ? e[line] : "<end of file>")}\n" +
            $"  actual:   {(line < a.Length ? a[line] : "<end of file>")}");
    }

    private static string StripComments(string code) =>
        string.Join("\n", code.Split('\n').Select(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) ? string.Empty : Regex.Replace(l, @"//.*$", string.Empty)));

    private static IEnumerable<string> SplitTopLevel(string bases)
    {
        int depth = 0;
        int start = 0;
        for (int i = 0; i < bases.Length; i++)
        {
            switch (bases[i])
            {
                case '<':
                    depth++;
                    break;
                case '>':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return bases[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }

        yield return bases[start..].Trim();
    }
}
