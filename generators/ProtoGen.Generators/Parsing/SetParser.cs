using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>Reads a <c>[MessageSet]</c> class into a <see cref="MessageSetModel"/>, and the runtime's default payload limit.</summary>
internal static class SetParser
{
    /// <summary>
    /// The runtime's <c>MessageSetAttribute.DefaultMaxPayloadLength</c>, read from the referenced runtime so that the
    /// number is defined once, there; null when the compilation has no runtime (or one without the constant).
    /// </summary>
    public static int? DefaultMaxPayloadLength(Compilation compilation) =>
        compilation.GetTypeByMetadataName(WellKnownTypeNames.MessageSetAttribute)?
            .GetMembers(WellKnownTypeNames.DefaultMaxPayloadLengthField)
            .OfType<IFieldSymbol>()
            .FirstOrDefault(f => f.IsConst)?
            .ConstantValue as int?;

    /// <summary>The payload limit of an assembly's messages: its set's, or the runtime's default, or (no runtime constant at all) unbounded.</summary>
    public static int PayloadLimit(MessageSetModel? set, int? runtimeDefault) => set?.MaxPayloadLength ?? runtimeDefault ?? int.MaxValue;

    public static MessageSetModel? Parse(INamedTypeSymbol type, AttributeData attribute, List<Problem> problems)
    {
        int before = problems.Count;
        if (!type.IsStatic || type.TypeParameters.Length > 0 || !TypeDeclarations.IsPartialChain(type, out _))
        {
            problems.Add(new Problem(DiagnosticDescriptors.MessageSetShape, type.Locations.FirstOrDefault(), type.Name));
        }

        string name = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s && IsIdentifier(s) ? s : type.Name;
        int? maxPayload = null;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == WellKnownTypeNames.MaxPayloadLengthArgument && named.Value.Value is int limit)
            {
                maxPayload = limit;
                if (limit <= 0)
                {
                    var location = SymbolLookup.GetNamedArgumentLocation(attribute, named.Key) ?? type.Locations.FirstOrDefault();
                    problems.Add(new Problem(DiagnosticDescriptors.InvalidPayloadLimit, location, type.Name, limit));
                }
            }
        }

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

        return new MessageSetModel(TypeDeclarations.GetMetadataName(type), TypeDeclarations.GetHierarchy(type), type.Name, name, accessibility, maxPayload);
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
