using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>A type declaration's shape as the emitters need it: partial chain, keyword, containing types, metadata and namespace names.</summary>
internal static class TypeDeclarations
{
    /// <summary>Whether the type and every containing type are declared <c>partial</c>; otherwise the first one that is not.</summary>
    public static bool IsPartialChain(INamedTypeSymbol type, out INamedTypeSymbol? notPartial)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            foreach (var reference in t.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    notPartial = t;
                    return false;
                }
            }
        }

        notPartial = null;
        return true;
    }

    public static string GetKeyword(INamedTypeSymbol type)
    {
        if (type.IsRecord)
        {
            return type.IsValueType ? "record struct" : "record";
        }

        return type.TypeKind switch
        {
            TypeKind.Struct => "struct",
            TypeKind.Interface => "interface",
            _ => "class",
        };
    }

    public static HierarchyInfo GetHierarchy(INamedTypeSymbol type)
    {
        var containing = new List<TypeDeclarationInfo>();
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            containing.Insert(0, new TypeDeclarationInfo((t.IsStatic ? "static " : string.Empty) + GetKeyword(t), t.Name));
        }

        return new HierarchyInfo(NamespaceName(type.ContainingNamespace), containing.ToEquatableArray());
    }

    public static string GetMetadataName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            parts.Insert(0, t.MetadataName);
        }

        string ns = NamespaceName(type.ContainingNamespace);
        return (ns.Length > 0 ? ns + "." : string.Empty) + string.Join("+", parts);
    }

    /// <summary>
    /// The dotted namespace name from the symbols' own names: <c>E.event</c> for <c>namespace E.@event</c>
    /// (ToDisplayString would keep the <c>@</c>, which is not valid in a hint name); the emitters escape it again.
    /// </summary>
    public static string NamespaceName(INamespaceSymbol? ns)
    {
        var parts = new List<string>();
        for (var n = ns; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace)
        {
            parts.Insert(0, n.Name);
        }

        return string.Join(".", parts);
    }
}
