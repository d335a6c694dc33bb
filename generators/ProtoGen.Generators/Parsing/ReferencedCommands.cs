using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ProtoGen.Generators.Parsing;

/// <summary>
/// The commands that message sets in referenced assemblies already declare, read once per compilation (on first use)
/// for PGEN0205. Only an assembly that references the runtime can declare messages, so the framework and every other
/// library is passed over by its list of references, without a look at its types.
/// </summary>
internal sealed class ReferencedCommands
{
    private readonly Dictionary<string, Owner> _owners;

    private ReferencedCommands(Dictionary<string, Owner> owners) => _owners = owners;

    /// <summary>Who declares a command elsewhere: the message type, its set and its assembly (display names).</summary>
    public sealed record Owner(string TypeName, string SetName, string AssemblyName);

    public static ReferencedCommands Scan(Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<string, Owner>(System.StringComparer.Ordinal);
        var runtime = known.MessageAttribute?.ContainingAssembly;
        if (runtime is null)
        {
            return new ReferencedCommands(owners);
        }

        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!ReferencesRuntime(assembly, runtime.Identity.Name))
            {
                continue;
            }

            var messages = new List<(string Command, INamedTypeSymbol Type)>();
            INamedTypeSymbol? set = null;
            Collect(assembly.GlobalNamespace, known, messages, ref set);

            // Messages of an assembly without a set are dispatched by no one, so they cannot hide ours.
            if (set is null)
            {
                continue;
            }

            foreach (var (command, type) in messages)
            {
                if (!owners.ContainsKey(command))
                {
                    owners.Add(command, new Owner(type.ToDisplayString(), set.ToDisplayString(), assembly.Identity.Name));
                }
            }
        }

        return new ReferencedCommands(owners);
    }

    public bool TryFind(string command, out Owner owner) => _owners.TryGetValue(command, out owner!);

    private static bool ReferencesRuntime(IAssemblySymbol assembly, string runtimeName)
    {
        foreach (var module in assembly.Modules)
        {
            foreach (var reference in module.ReferencedAssemblies)
            {
                if (reference.Name == runtimeName)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void Collect(INamespaceOrTypeSymbol container, KnownTypes known, List<(string, INamedTypeSymbol)> messages, ref INamedTypeSymbol? set)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                Collect(ns, known, messages, ref set);
            }
            else if (member is INamedTypeSymbol type)
            {
                foreach (var attribute in type.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.MessageAttribute)
                        && attribute.ConstructorArguments.Length > 0
                        && attribute.ConstructorArguments[0].Value is string command)
                    {
                        messages.Add((command, type));
                    }
                    else if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.MessageSetAttribute))
                    {
                        set ??= type;
                    }
                }

                Collect(type, known, messages, ref set);
            }
        }
    }
}
