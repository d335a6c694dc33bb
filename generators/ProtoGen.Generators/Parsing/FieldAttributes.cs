using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ProtoGen.Generators.Parsing;

/// <summary>The wire attributes on one field (<c>[MaxCount]</c>, <c>[MaxLength]</c>, <c>[Optional]</c>, <c>[Since]</c>, ...), read once.</summary>
internal sealed class FieldAttributes
{
    public int? MaxCount;
    public int? MaxLength;
    public int MinLength;
    public int? FixedLength;
    public bool Optional;
    public int Since;
    public bool CompactSize;
    public bool BigEndian;
    public AttributeData? Codec;

    /// <summary>Reads the wire attributes among <paramref name="attributes"/>; others are ignored.</summary>
    public static FieldAttributes Read(List<AttributeData> attributes, KnownTypes known)
    {
        var a = new FieldAttributes();
        foreach (var attribute in attributes)
        {
            var c = attribute.AttributeClass;
            int? intArgument = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is int i ? i : null;
            if (SymbolLookup.Is(c, known.MaxCountAttribute))
            {
                a.MaxCount = intArgument;
            }
            else if (SymbolLookup.Is(c, known.MaxLengthAttribute))
            {
                a.MaxLength = intArgument;
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "MinLength" && named.Value.Value is int minLength)
                    {
                        a.MinLength = minLength;
                    }
                }
            }
            else if (SymbolLookup.Is(c, known.FixedLengthAttribute))
            {
                a.FixedLength = intArgument;
            }
            else if (SymbolLookup.Is(c, known.OptionalAttribute))
            {
                a.Optional = true;
            }
            else if (SymbolLookup.Is(c, known.SinceAttribute))
            {
                a.Since = intArgument ?? 0;
            }
            else if (SymbolLookup.Is(c, known.CompactSizeAttribute))
            {
                a.CompactSize = true;
            }
            else if (SymbolLookup.Is(c, known.BigEndianAttribute))
            {
                a.BigEndian = true;
            }
            else if (SymbolLookup.Is(c, known.WireCodecAttribute))
            {
                a.Codec = attribute;
            }
        }

        return a;
    }
}
