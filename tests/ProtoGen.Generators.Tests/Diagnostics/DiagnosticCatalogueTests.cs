using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests.Diagnostics;

/// <summary>The valid scenarios have no diagnostics, and every diagnostic ID has a test in this folder.</summary>
public sealed class DiagnosticCatalogueTests : DiagnosticTestBase
{
    [Fact]
    public void ValidDeclarations_HaveNoDiagnostics()
    {
        foreach (var scenario in Scenarios.All)
        {
            // As a real build runs it: after the generator, whose members the analyzer must not take for the user's.
            Assert.Equal(Describe(CompilationHelper.RunAnalyzer(ScenarioRun.Get(scenario).Compilation)), Describe(CompilationHelper.RunAnalyzer(ScenarioRun.Get(scenario).Output)));
            var diagnostics = CompilationHelper.RunAnalyzer(ScenarioRun.Get(scenario).Output);
            if (scenario == Scenarios.Basic)
            {
                // Basic deliberately contains one non-partial message.
                AssertDiagnostics(diagnostics, ("PGEN0001", "BrokenMessage"));
            }
            else
            {
                Assert.Empty(diagnostics);
            }
        }
    }

    [Fact]
    public void EveryDescriptor_HasATest()
    {
        var ids = typeof(ProtoGenGenerator).Assembly.GetType("ProtoGen.Generators.Diagnostics.DiagnosticDescriptors", throwOnError: true)!
            .GetFields()
            .Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        var tested = typeof(DiagnosticTestBase).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(DiagnosticTestBase)))
            .SelectMany(t => t.GetMethods())
            .Select(m => m.Name.Split('_')[0])
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(id, tested));

        // The analyzer declares every descriptor, and the release notes list every ID.
        var supported = new ProtoGen.Generators.Diagnostics.Analyzers.DeclarationAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), supported.Order(StringComparer.Ordinal));
    }
}
