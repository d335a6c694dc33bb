using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>Turns a field's type and attributes into its wire shape, or reports why it cannot be encoded.</summary>
internal static class FieldClassifier
{
    public static FieldModel? Classify(string owner, string name, ITypeSymbol type, List<AttributeData> attributes, Location? location, KnownTypes known, List<Problem> problems, CancellationToken cancellationToken)
    {
        int before = problems.Count;
        var a = FieldAttributes.Read(attributes, known);
        foreach (var limit in new[] { a.MaxCount, a.MaxLength, a.FixedLength })
        {
            if (limit is { } l && (l < 1 || l > TypeParser.MaxLimit))
            {
                problems.Add(new Problem(DiagnosticDescriptors.InvalidLimit, location, owner, name, l));
            }
        }

        if (a.MinLength != 0 && (a.MinLength < 0 || a.MinLength > (a.MaxLength ?? 0)))
        {
            problems.Add(new Problem(DiagnosticDescriptors.InvalidFieldAttribute, location, owner, name, "[MaxLength]'s MinLength must lie between 0 and the MaxLength"));
        }

        if (a.Since < 0)
        {
            problems.Add(new Problem(DiagnosticDescriptors.InvalidFieldAttribute, location, owner, name, "[Since] needs a non-negative protocol version"));
        }

        bool isNullableValueType = false;
        bool isNullable = false;
        var underlying = type;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            isNullableValueType = true;
            isNullable = true;
            underlying = nullable.TypeArguments[0];
        }
        else if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            isNullable = true;
        }

        if (a.Optional && !isNullable)
        {
            problems.Add(new Problem(DiagnosticDescriptors.OptionalNotNullable, location, owner, name));
        }

        ValueModel? value;
        if (a.Codec is not null)
        {
            var codec = CodecReader.Read(a.Codec, underlying, owner, known, a.Codec.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location, problems);
            value = codec is null ? null : new ValueModel(WireKind.Codec, Display(underlying), null, null, 0, codec.Value.CodecType, codec.Value.MinSize, null);
        }
        else
        {
            value = ClassifyValue(owner, name, underlying, a, isElement: false, location, known, problems);
        }

        if (value is null || problems.Count > before)
        {
            return null;
        }

        if (!a.Optional && IsNullableReference(type))
        {
            value = value with { IsNullableReference = true };
        }

        return new FieldModel(name, value, a.Since, a.Optional, isNullableValueType);
    }

    private static ValueModel? ClassifyValue(string owner, string name, ITypeSymbol type, FieldAttributes a, bool isElement, Location? location, KnownTypes known, List<Problem> problems)
    {
        string typeName = Display(type);

        void Invalid(string message) => problems.Add(new Problem(DiagnosticDescriptors.InvalidFieldAttribute, location, owner, name, message));

        bool isArray = type is INamedTypeSymbol named && known.WireArray is not null && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, known.WireArray);
        bool isBytes = SymbolLookup.Is(type, known.WireBytes);
        bool isString = type.SpecialType == SpecialType.System_String;

        if (!isElement)
        {
            if (a.MaxCount is not null && !isArray)
            {
                Invalid("[MaxCount] applies only to WireArray<T> fields");
            }

            if (a.MaxLength is not null && !isBytes && !isString && !isArray)
            {
                Invalid("[MaxLength] applies only to string, WireBytes, or a WireArray of them");
            }

            if (a.FixedLength is not null && !isBytes && !isArray)
            {
                Invalid("[FixedLength] applies only to WireBytes fields");
            }
        }

        if (isArray)
        {
            if (isElement)
            {
                problems.Add(new Problem(DiagnosticDescriptors.UnsupportedFieldType, location, owner, name, typeName));
                return null;
            }

            if (a.MaxCount is null)
            {
                problems.Add(new Problem(DiagnosticDescriptors.MissingLimit, location, owner, name, "[MaxCount]"));
                return null;
            }

            if (a.MinLength != 0)
            {
                Invalid("[MaxLength]'s MinLength applies only to string and WireBytes fields, not to collections");
                return null;
            }

            var elementType = ((INamedTypeSymbol)type).TypeArguments[0];
            var element = ClassifyValue(owner, name, elementType, a, isElement: true, location, known, problems);
            if (element is not null && IsNullableReference(elementType))
            {
                element = element with { IsNullableReference = true };
            }

            return element is null ? null : new ValueModel(WireKind.Array, typeName, null, null, a.MaxCount.Value, null, 0, element);
        }

        if ((isBytes || isString) && (a.CompactSize || a.BigEndian))
        {
            Invalid("[CompactSize] and [BigEndian] apply only to integer fields");
            return null;
        }

        if (isBytes)
        {
            if (a.FixedLength is { } fixedLength)
            {
                return new ValueModel(WireKind.FixedBytes, typeName, null, null, fixedLength, null, 0, null);
            }

            if (a.MaxLength is { } maxLength)
            {
                return new ValueModel(WireKind.VarBytes, typeName, null, null, maxLength, null, 0, null, MinLimit: a.MinLength);
            }

            problems.Add(new Problem(DiagnosticDescriptors.MissingLimit, location, owner, name, "[MaxLength] or [FixedLength]"));
            return null;
        }

        if (isString)
        {
            if (a.MaxLength is { } maxLength)
            {
                return new ValueModel(WireKind.VarString, "string", null, null, maxLength, null, 0, null, MinLimit: a.MinLength);
            }

            problems.Add(new Problem(DiagnosticDescriptors.MissingLimit, location, owner, name, "[MaxLength]"));
            return null;
        }

        if (isElement && (a.MaxLength is not null || a.FixedLength is not null))
        {
            Invalid("[MaxLength] and [FixedLength] on a collection apply to string or WireBytes elements");
        }

        if (SymbolLookup.Is(type, known.Hash256))
        {
            return Plain(WireKind.Hash256, typeName, a, owner, name, location, problems);
        }

        string? enumType = null;
        var integral = type;
        if (type.TypeKind == TypeKind.Enum && type is INamedTypeSymbol { EnumUnderlyingType: { } enumUnderlying })
        {
            enumType = typeName;
            integral = enumUnderlying;
        }

        var kind = integral.SpecialType switch
        {
            SpecialType.System_Boolean => WireKind.Bool,
            SpecialType.System_Byte => WireKind.Byte,
            SpecialType.System_SByte => WireKind.SByte,
            SpecialType.System_UInt16 => WireKind.UInt16,
            SpecialType.System_Int16 => WireKind.Int16,
            SpecialType.System_UInt32 => WireKind.UInt32,
            SpecialType.System_Int32 => WireKind.Int32,
            SpecialType.System_UInt64 => WireKind.UInt64,
            SpecialType.System_Int64 => WireKind.Int64,
            _ => (WireKind?)null,
        };

        if (kind is { } k)
        {
            if (a.CompactSize)
            {
                if (k is WireKind.Bool or WireKind.SByte or WireKind.Int16)
                {
                    Invalid("[CompactSize] applies to byte, ushort, uint, ulong, int and long fields (or enums based on them)");
                    return null;
                }

                string keyword = integral.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                return new ValueModel(WireKind.CompactSize, enumType is null ? typeName : Display(integral), enumType, keyword, 0, null, 0, null);
            }

            if (a.BigEndian)
            {
                if (k != WireKind.UInt16 || enumType is not null)
                {
                    Invalid("[BigEndian] applies only to ushort fields (the port of a network address)");
                    return null;
                }

                return new ValueModel(WireKind.UInt16BigEndian, typeName, null, null, 0, null, 0, null);
            }

            return new ValueModel(k, enumType is null ? typeName : Display(integral), enumType, null, 0, null, 0, null);
        }

        if (IsWireSerializable(type, known))
        {
            return Plain(WireKind.Nested, typeName, a, owner, name, location, problems);
        }

        problems.Add(new Problem(DiagnosticDescriptors.UnsupportedFieldType, location, owner, name, type.ToDisplayString()));
        return null;
    }

    private static ValueModel? Plain(WireKind kind, string typeName, FieldAttributes a, string owner, string name, Location? location, List<Problem> problems)
    {
        if (a.CompactSize || a.BigEndian)
        {
            problems.Add(new Problem(DiagnosticDescriptors.InvalidFieldAttribute, location, owner, name, "[CompactSize] and [BigEndian] apply only to integer fields"));
            return null;
        }

        return new ValueModel(kind, typeName, null, null, 0, null, 0, null);
    }

    private static bool IsWireSerializable(ITypeSymbol type, KnownTypes known)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        foreach (var attribute in named.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.WireTypeAttribute)
                || SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.MessageAttribute))
            {
                return true;
            }
        }

        if (known.IWireSerializable is null)
        {
            return false;
        }

        foreach (var implemented in named.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, known.IWireSerializable)
                && SymbolEqualityComparer.Default.Equals(implemented.TypeArguments[0], named))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNullableReference(ITypeSymbol type) => type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated;

    /// <summary>Fully qualified with <c>global::</c>; nullable type arguments keep their <c>?</c> (<c>WireArray&lt;Leaf?&gt;</c>), the type itself drops it.</summary>
    private static readonly SymbolDisplayFormat TypeFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static string Display(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat);
}
