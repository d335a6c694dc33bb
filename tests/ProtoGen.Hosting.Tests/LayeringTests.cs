using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using ProtoGen.Bitcoin;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Hosting.Tests;

/// <summary>
/// The layering of docs/architecture.md, read from the built assemblies of the library stack (this project sees every
/// one of them): each references only ProtoGen assemblies below it and only the third-party assemblies its layer
/// owns, and none opens its internals to another production assembly (the node is built on the peer's public API
/// only). The CLI's row is checked by tests/ProtoGen.Cli.Tests/LayeringTests.cs, the generator's by
/// tests/ProtoGen.Generators.Tests/LayeringTests.cs.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>The library stack, bottom up: an assembly, the ProtoGen assemblies and other packages it may reference.</summary>
    private static readonly (Assembly Assembly, string[] ProtoGen, string[] Packages)[] Layers =
    [
        (typeof(WireReader).Assembly, [], []),
        (typeof(BitcoinMessages).Assembly, ["ProtoGen.Runtime"], []),
        (typeof(Peer).Assembly, ["ProtoGen.Runtime", "ProtoGen.Bitcoin"], ["Microsoft.Extensions.Logging.Abstractions", "Secp256k1.Net"]),
        (typeof(PeerServer).Assembly, ["ProtoGen.Runtime", "ProtoGen.Bitcoin", "ProtoGen.Peers"], ["Microsoft.Extensions.Logging.Abstractions"]),
        (typeof(BitcoinServiceCollectionExtensions).Assembly, ["ProtoGen.Runtime", "ProtoGen.Bitcoin", "ProtoGen.Peers", "ProtoGen.Node"], ["Microsoft.Extensions."]),
    ];

    [Fact]
    public void EachAssemblyReferencesOnlyTheLayersBelowIt()
    {
        foreach (var (assembly, protoGen, packages) in Layers)
        {
            var name = assembly.GetName().Name!;
            var references = assembly.GetReferencedAssemblies().Select(r => r.Name!).ToList();

            var layers = references.Where(r => r.StartsWith("ProtoGen.", StringComparison.Ordinal)).ToList();
            Assert.True(
                layers.All(protoGen.Contains),
                $"{name} references {string.Join(", ", layers)}; it may reference only {string.Join(", ", protoGen)}");

            var others = references.Where(r => !r.StartsWith("ProtoGen.", StringComparison.Ordinal) && !IsBaseClassLibrary(r)).ToList();
            Assert.True(
                others.All(r => packages.Any(p => r == p || (p.EndsWith('.') && r.StartsWith(p, StringComparison.Ordinal)))),
                $"{name} references {string.Join(", ", others)}; its layer owns only {string.Join(", ", packages)}");
        }
    }

    [Fact]
    public void EachLayerUsesTheOneBelowIt()
    {
        // The table above is not vacuous: every layer but the bottom one does reference its neighbour below.
        for (int i = 1; i < Layers.Length; i++)
        {
            var below = Layers[i - 1].Assembly.GetName().Name;
            Assert.Contains(below, Layers[i].Assembly.GetReferencedAssemblies().Select(r => r.Name));
        }
    }

    [Fact]
    public void NoAssemblyOpensItsInternalsToAnotherProductionAssembly()
    {
        foreach (var (assembly, _, _) in Layers)
        {
            foreach (var friend in assembly.GetCustomAttributes<InternalsVisibleToAttribute>())
            {
                string target = friend.AssemblyName.Split(',')[0];
                Assert.True(
                    target.EndsWith(".Tests", StringComparison.Ordinal) || target is "ProtoGen.Benchmarks" or "ProtoGen.Fuzz",
                    $"{assembly.GetName().Name} opens its internals to {target}, which is not a test, benchmark or fuzz project");
            }
        }
    }

    [Fact]
    public void TheRuntimeKnowsNothingAboutBitcoin()
    {
        var runtime = typeof(WireReader).Assembly;
        Assert.DoesNotContain(runtime.GetReferencedAssemblies(), r => r.Name!.StartsWith("ProtoGen.", StringComparison.Ordinal));
        Assert.DoesNotContain(runtime.GetExportedTypes(), t => t.FullName!.Contains("Bitcoin", StringComparison.Ordinal));
    }

    /// <summary>The .NET runtime's own assemblies, which every layer may use.</summary>
    private static bool IsBaseClassLibrary(string name) =>
        name is "System" or "netstandard" or "mscorlib" || name.StartsWith("System.", StringComparison.Ordinal);
}
