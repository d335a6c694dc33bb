namespace ProtoGen.Generators.Tests;

/// <summary>
/// The generator's row of docs/architecture.md's layering, read from the built assembly: a netstandard2.0 Roslyn
/// component that references Roslyn and the base library only, never a ProtoGen assembly (the runtime and the schema
/// consume it, not the other way round). The other rows are checked by tests/ProtoGen.Hosting.Tests/LayeringTests.cs
/// and tests/ProtoGen.Cli.Tests/LayeringTests.cs.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void TheGeneratorReferencesRoslynAndTheBaseLibraryOnly()
    {
        var references = typeof(ProtoGenGenerator).Assembly.GetReferencedAssemblies().Select(r => r.Name!).ToList();
        Assert.Contains("netstandard", references);
        Assert.Contains("Microsoft.CodeAnalysis", references);
        var others = references.Where(r => r != "netstandard" && !r.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && !r.StartsWith("System.", StringComparison.Ordinal)).ToList();
        Assert.True(others.Count == 0, "the generator references " + string.Join(", ", others));
    }
}
