using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Diagnostics;

namespace ProtoGen.Generators.Parsing;

/// <summary>Reads a <c>[WireCodec]</c> attribute and checks that the codec type has the static Read/Write/GetEncodedSize shape for the value type.</summary>
internal static class CodecReader
{
    /// <summary>The codec type (fully qualified) and its declared minimum size, or null (with a problem added) when the codec has the wrong shape.</summary>
    public static (string CodecType, int MinSize)? Read(AttributeData attribute, ITypeSymbol valueType, string owner, KnownTypes known, Location? location, List<Problem> problems)
    {
        var codec = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        int minSize = 1;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "MinEncodedSize" && named.Value.Value is int m)
            {
                minSize = m;
            }
        }

        if (codec is null || !HasCodecShape(codec, valueType, known))
        {
            problems.Add(new Problem(
                DiagnosticDescriptors.CodecShape,
                location,
                codec?.ToDisplayString() ?? "(none)",
                owner,
                valueType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
            return null;
        }

        if (minSize < 0)
        {
            minSize = 0;
        }

        return (codec.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), minSize);
    }

    private static bool HasCodecShape(INamedTypeSymbol codec, ITypeSymbol valueType, KnownTypes known)
    {
        bool read = false, write = false, size = false;
        foreach (var member in codec.GetMembers())
        {
            if (member is not IMethodSymbol { IsStatic: true, IsGenericMethod: false } method
                || method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
            {
                continue;
            }

            var p = method.Parameters;
            switch (method.Name)
            {
                case "Read":
                    read |= p.Length == 1 && p[0].RefKind == RefKind.Ref && SymbolLookup.Is(p[0].Type, known.WireReader) && SymbolEqualityComparer.Default.Equals(method.ReturnType, valueType);
                    break;
                case "Write":
                    write |= p.Length == 2 && method.ReturnsVoid && p[0].RefKind == RefKind.Ref && SymbolLookup.Is(p[0].Type, known.WireWriter)
                        && p[1].RefKind is RefKind.None or RefKind.In && SymbolEqualityComparer.Default.Equals(p[1].Type, valueType);
                    break;
                case "GetEncodedSize":
                    size |= p.Length == 2 && method.ReturnType.SpecialType == SpecialType.System_Int32
                        && p[0].RefKind is RefKind.None or RefKind.In && SymbolEqualityComparer.Default.Equals(p[0].Type, valueType)
                        && p[1].RefKind is RefKind.None or RefKind.In && SymbolLookup.Is(p[1].Type, known.WireContext);
                    break;
            }
        }

        return read && write && size;
    }
}
