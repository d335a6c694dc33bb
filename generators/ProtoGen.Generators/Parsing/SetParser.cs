using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>Reads a <c>[MessageSet]</c> class into a <see cref="MessageSetModel"/>.</summary>
internal static class SetParser
{
    public static MessageSetModel? Parse(INamedTypeSymbol type, AttributeData attribute, List<Problem> problems)
    {
        int before = problems.Count;
        if (!type.IsStatic || type.TypeParameters.Length > 0 || !TypeParser.IsPartialChain(type, out _))
        {
            problems.Add(new Problem(DiagnosticDescriptors.MessageSetShape, type.Locations.FirstOrDefault(), type.Name));
        }

        string name = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s && IsIdentifier(s) ? s : type.Name;
        if (problems.Count > before)
        {
            return null;
        }

        string accessibility = type.DeclaredAccessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            _ => "internal",
        };

        return new MessageSetModel(TypeParser.GetMetadataName(type), TypeParser.GetHierarchy(type), type.Name, name, accessibility);
    }

    private static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
