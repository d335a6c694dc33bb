using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>
/// Reads a <c>[Message]</c> or <c>[WireType]</c> declaration into a <see cref="TypeModel"/>. The code in
/// <c>Parsing/</c> (this, <see cref="MessageAttributeReader"/>, <see cref="FieldReader"/>, <see cref="FieldClassifier"/>,
/// <see cref="SetParser"/> and their helpers) is the only code that touches symbols. The same code serves the generator
/// (which skips a type with any problem) and the analyzer (which reports the problems).
/// </summary>
internal static class TypeParser
{
    public const int MaxLimit = 0x02000000;

    public static TypeModel? Parse(INamedTypeSymbol type, KnownTypes known, List<Problem> problems, CancellationToken cancellationToken)
    {
        int problemsBefore = problems.Count;
        var typeLocation = type.Locations.FirstOrDefault();
        string display = type.Name;

        if (!TypeDeclarations.IsPartialChain(type, out var notPartial))
        {
            problems.Add(new Problem(DiagnosticDescriptors.TypeNotPartial, notPartial!.Locations.FirstOrDefault() ?? typeLocation, notPartial.Name));
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                problems.Add(new Problem(DiagnosticDescriptors.GenericType, typeLocation, display));
                break;
            }
        }

        MessageInfo? message = null;
        var messageAttribute = SymbolLookup.FindAttribute(type.GetAttributes(), known.MessageAttribute);
        if (messageAttribute is not null)
        {
            message = MessageAttributeReader.Read(type, messageAttribute, problems);
        }

        CheckGeneratedMemberNames(type, messageAttribute is not null, problems, cancellationToken);

        string? typeCodec = null;
        int typeCodecMinSize = 1;
        var fields = new List<FieldModel>();
        bool usesConstructor = false;
        var codecAttribute = SymbolLookup.FindAttribute(type.GetAttributes(), known.WireCodecAttribute);
        if (codecAttribute is not null)
        {
            if (CodecReader.Read(codecAttribute, type, type.Name, known, codecAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? typeLocation, problems) is { } codec)
            {
                typeCodec = codec.CodecType;
                typeCodecMinSize = codec.MinSize;
            }
        }
        else
        {
            usesConstructor = FieldReader.Read(type, known, fields, problems, cancellationToken);
            if (!usesConstructor && WhyNotConstructible(type) is { } reason)
            {
                problems.Add(new Problem(DiagnosticDescriptors.NotConstructible, typeLocation, display, reason));
            }
        }

        if (problems.Count > problemsBefore)
        {
            return null;
        }

        return new TypeModel(
            MetadataName: TypeDeclarations.GetMetadataName(type),
            Hierarchy: TypeDeclarations.GetHierarchy(type),
            Keyword: TypeDeclarations.GetKeyword(type),
            Name: type.Name,
            FullyQualifiedName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            IsValueType: type.IsValueType,
            UsesConstructor: usesConstructor,
            TypeCodec: typeCodec,
            TypeCodecMinSize: typeCodecMinSize,
            Fields: fields.ToEquatableArray(),
            Message: message);
    }

    /// <summary>The members the generator adds; a type that declares one of them would not compile.</summary>
    private static readonly string[] GeneratedMembers = ["MinEncodedSize", "Read", "Write", "GetEncodedSize"];

    private static readonly string[] GeneratedMessageMembers = ["CommandName", "Command", "Descriptor"];

    private static void CheckGeneratedMemberNames(INamedTypeSymbol type, bool isMessage, List<Problem> problems, CancellationToken cancellationToken)
    {
        foreach (var name in isMessage ? GeneratedMembers.Concat(GeneratedMessageMembers) : GeneratedMembers)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member.Locations.FirstOrDefault(l => l.IsInSource && !IsGeneratorOutput(l, cancellationToken)) is { } location)
                {
                    problems.Add(new Problem(DiagnosticDescriptors.GeneratedMemberConflict, location, type.Name, name));
                }
            }
        }
    }

    /// <summary>
    /// Whether a member is declared in a type declaration this generator emitted (it carries the generator's
    /// <c>[GeneratedCode]</c>). The analyzer of a real build runs after the generator and sees those members; they are
    /// not the user's.
    /// </summary>
    private static bool IsGeneratorOutput(Location location, CancellationToken cancellationToken)
    {
        var declaration = location.SourceTree!.GetRoot(cancellationToken).FindNode(location.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (declaration is null)
        {
            return false;
        }

        foreach (var list in declaration.AttributeLists)
        {
            foreach (var attribute in list.Attributes)
            {
                if (attribute.Name.ToString().EndsWith("GeneratedCode", System.StringComparison.Ordinal)
                    && attribute.ArgumentList is { Arguments.Count: > 0 } arguments
                    && arguments.Arguments[0].Expression is LiteralExpressionSyntax { Token.ValueText: Emitters.FileHeader.GeneratorName })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Why the decoder's <c>new T { ... }</c> cannot work for <paramref name="type"/>, or null when it can.</summary>
    private static string? WhyNotConstructible(INamedTypeSymbol type)
    {
        if (type.IsAbstract)
        {
            return "it is abstract";
        }

        if (type.IsValueType || type.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams)))
        {
            return null;
        }

        return "it has no parameterless constructor; add one (of any accessibility) or make it a positional record";
    }
}
