using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ProtoGen.Generators.Parsing;

/// <summary>Symbol lookups the parsers share: an attribute by its class, a named argument's location, type identity.</summary>
internal static class SymbolLookup
{
    /// <summary>The first attribute of class <paramref name="attributeType"/>, or null (also when the runtime lacks that class).</summary>
    public static AttributeData? FindAttribute(IEnumerable<AttributeData> attributes, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
        {
            return null;
        }

        foreach (var attribute in attributes)
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>The location of a named argument (<c>Name = value</c>) of an attribute, or null.</summary>
    public static Location? GetNamedArgumentLocation(AttributeData attribute, string name)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax && syntax.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument.GetLocation();
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="type"/> is the runtime type <paramref name="known"/> (false when either is missing).</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) => type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type, known);
}
