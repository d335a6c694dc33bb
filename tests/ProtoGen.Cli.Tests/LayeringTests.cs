using System.Reflection;
using System.Runtime.CompilerServices;

namespace ProtoGen.Cli.Tests;

/// <summary>
/// The CLI's row of docs/architecture.md's layering, read from the built assembly: <c>protogen</c> sits on the node
/// layer (and what the node exposes: the peer, the Bitcoin schema, the runtime), never on the hosting layer, and opens
/// its internals to its tests only. The library stack's rows are checked by tests/ProtoGen.Hosting.Tests/LayeringTests.cs.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] Below = ["ProtoGen.Runtime", "ProtoGen.Bitcoin", "ProtoGen.Peers", "ProtoGen.Node"];

    [Fact]
    public void TheCliReferencesTheNodeLayerAndWhatIsBelowIt()
    {
        var references = typeof(Program).Assembly.GetReferencedAssemblies().Select(r => r.Name!).ToList();
        var layers = references.Where(r => r.StartsWith("ProtoGen.", StringComparison.Ordinal)).ToList();
        Assert.Contains("ProtoGen.Node", layers);
        Assert.True(layers.All(Below.Contains), "protogen references " + string.Join(", ", layers));
    }

    [Fact]
    public void TheCliOpensItsInternalsToItsTestsOnly()
    {
        var friends = typeof(Program).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName.Split(',')[0]);
        Assert.Equal(["ProtoGen.Cli.Tests"], friends);
    }
}
