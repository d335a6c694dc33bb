using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>
/// Reads a <c>[Message]</c> or <c>[WireType]</c> declaration into a <see cref="TypeModel"/>. This (with
/// <see cref="FieldClassifier"/> and <see cref="SetParser"/>) is the only code that touches symbols. The same code
/// serves the generator (which skips a type with any problem) and the analyzer (which reports the problems).
/// </summary>
internal static class TypeParser
{
    public const int MaxLimit = 0x02000000;

    public static TypeModel? Parse(INamedTypeSymbol type, KnownTypes known, List<Problem> problems, CancellationToken cancellationToken)
    {
        int problemsBefore = problems.Count;
        var typeLocation = type.Locations.FirstOrDefault();
        string display = type.Name;

        if (!IsPartialChain(type, out var notPartial))
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
        var messageAttribute = FindAttribute(type.GetAttributes(), known.MessageAttribute);
        if (messageAttribute is not null)
        {
            message = ReadMessageInfo(type, messageAttribute, problems);
        }

        CheckGeneratedMemberNames(type, messageAttribute is not null, problems, cancellationToken);

        string? typeCodec = null;
        int typeCodecMinSize = 1;
        var fields = new List<FieldModel>();
        bool usesConstructor = false;
        var codecAttribute = FindAttribute(type.GetAttributes(), known.WireCodecAttribute);
        if (codecAttribute is not null)
        {
            if (FieldClassifier.ReadCodec(codecAttribute, type, type.Name, known, codecAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? typeLocation, problems) is { } codec)
            {
                typeCodec = codec.CodecType;
                typeCodecMinSize = codec.MinSize;
            }
        }
        else
        {
            usesConstructor = ReadFields(type, known, fields, problems, cancellationToken);
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
            MetadataName: GetMetadataName(type),
            Hierarchy: GetHierarchy(type),
            Keyword: GetKeyword(type),
            Name: type.Name,
            FullyQualifiedName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            IsValueType: type.IsValueType,
            UsesConstructor: usesConstructor,
            TypeCodec: typeCodec,
            TypeCodecMinSize: typeCodecMinSize,
            Fields: fields.ToEquatableArray(),
            Message: message);
    }

    private static MessageInfo? ReadMessageInfo(INamedTypeSymbol type, AttributeData attribute, List<Problem> problems)
    {
        string command = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
        var location = GetCommandLocation(attribute) ?? type.Locations.FirstOrDefault();
        if (ValidateCommand(command) is { } error)
        {
            problems.Add(new Problem(DiagnosticDescriptors.InvalidCommand, location, command, type.Name, error));
            return null;
        }

        int minVersion = 0;
        int maxPayload = 0;
        string? listenerName = null;
        int? shortId = null;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case WellKnownTypeNames.V2ShortIdArgument:
                    shortId = named.Value.Value is int id ? id : 0;
                    break;
                case "MinProtocolVersion":
                    minVersion = named.Value.Value is int v ? v : 0;
                    break;
                case WellKnownTypeNames.MaxPayloadLengthArgument:
                    maxPayload = named.Value.Value is int m ? m : 0;
                    break;
                case "ListenerName":
                    listenerName = named.Value.Value as string;
                    break;
            }
        }

        bool explicitName = !string.IsNullOrEmpty(listenerName);
        if (!explicitName)
        {
            listenerName = type.Name.Length > "Message".Length && type.Name.EndsWith("Message", System.StringComparison.Ordinal)
                ? type.Name.Substring(0, type.Name.Length - "Message".Length)
                : type.Name;
        }

        if (ValidateListenerName(listenerName!) is { } listenerError)
        {
            var listenerLocation = (explicitName ? GetNamedArgumentLocation(attribute, "ListenerName") : null) ?? type.Locations.FirstOrDefault();
            problems.Add(new Problem(DiagnosticDescriptors.InvalidListenerName, listenerLocation, listenerName, type.Name, listenerError));
            return null;
        }

        var access = EffectiveAccessibility(type);
        if (access is not (Accessibility.Public or Accessibility.Internal))
        {
            problems.Add(new Problem(DiagnosticDescriptors.MessageNotAccessible, type.Locations.FirstOrDefault(), type.Name));
            return null;
        }

        if (shortId is { } declared && (declared < 1 || declared > byte.MaxValue))
        {
            problems.Add(new Problem(DiagnosticDescriptors.V2ShortIdOutOfRange, GetNamedArgumentLocation(attribute, WellKnownTypeNames.V2ShortIdArgument) ?? location, declared, type.Name));
            return null;
        }

        return new MessageInfo(command, minVersion, maxPayload, listenerName!, access == Accessibility.Public, shortId ?? 0);
    }

    /// <summary>Returns why <paramref name="listenerName"/> cannot name the listener method <c>On{name}</c>, or null when it can.</summary>
    public static string? ValidateListenerName(string listenerName)
    {
        if (!SyntaxFacts.IsValidIdentifier("On" + listenerName))
        {
            return "'On" + listenerName + "' is not a C# identifier";
        }

        if (listenerName == "Unknown")
        {
            return "OnUnknown is the listener method for unknown commands; set a different ListenerName";
        }

        return null;
    }

    /// <summary>Public when the type and every containing type are public; internal when reachable from the whole assembly; otherwise private.</summary>
    public static Accessibility EffectiveAccessibility(INamedTypeSymbol type)
    {
        var result = Accessibility.Public;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            switch (t.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal:
                case Accessibility.ProtectedOrInternal:
                    result = Accessibility.Internal;
                    break;
                default:
                    return Accessibility.Private;
            }
        }

        return result;
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

    /// <summary>Returns why <paramref name="command"/> is not a valid command name, or null when it is.</summary>
    public static string? ValidateCommand(string command)
    {
        if (command.Length == 0)
        {
            return "it is empty";
        }

        foreach (char c in command)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return "it must be printable ASCII";
            }
        }

        if (command.Length > 12)
        {
            return string.Format(CultureInfo.InvariantCulture, "it is {0} bytes long; the header holds at most 12", command.Length);
        }

        return null;
    }

    public static Location? GetCommandLocation(AttributeData attribute)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            var argument = syntax.ArgumentList?.Arguments.FirstOrDefault();
            return argument?.GetLocation() ?? syntax.GetLocation();
        }

        return null;
    }

    /// <summary>Reads the fields; returns true when the type is a positional record built with its primary constructor.</summary>
    private static bool ReadFields(INamedTypeSymbol type, KnownTypes known, List<FieldModel> fields, List<Problem> problems, CancellationToken cancellationToken)
    {
        var candidates = GetCandidates(type, known, out bool positional, cancellationToken);
        string? firstOptional = null;
        foreach (var candidate in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var field = FieldClassifier.Classify(type.Name, candidate.Name, candidate.Type, candidate.Attributes, candidate.Location, known, problems, cancellationToken);
            if (field is null)
            {
                continue;
            }

            if (field.Optional)
            {
                firstOptional ??= field.Name;
            }
            else if (firstOptional is not null)
            {
                problems.Add(new Problem(DiagnosticDescriptors.OptionalBeforeRequired, candidate.Location, type.Name, field.Name, firstOptional));
            }

            // A class that must contain itself has no finite encoding, and its MinEncodedSize would recurse forever.
            if (!type.IsValueType && RequiredNestedType(candidate, known) is { } nested
                && Reaches(nested, type, known, new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default), cancellationToken))
            {
                problems.Add(new Problem(DiagnosticDescriptors.RecursiveField, candidate.Location, type.Name, field.Name, nested.Name));
            }

            fields.Add(field);
        }

        return positional;
    }

    /// <summary>One wire field candidate: a settable property, or a positional record's parameter.</summary>
    private readonly struct Candidate
    {
        public Candidate(string name, ITypeSymbol type, List<AttributeData> attributes, Location? location)
        {
            Name = name;
            Type = type;
            Attributes = attributes;
            Location = location;
        }

        public string Name { get; }

        public ITypeSymbol Type { get; }

        public List<AttributeData> Attributes { get; }

        public Location? Location { get; }
    }

    private static List<Candidate> GetCandidates(INamedTypeSymbol type, KnownTypes known, out bool positional, CancellationToken cancellationToken)
    {
        var candidates = new List<Candidate>();
        positional = false;
        var primary = FindPrimaryConstructor(type, cancellationToken);
        if (primary is not null)
        {
            positional = true;
            foreach (var parameter in primary.Parameters)
            {
                var attributes = parameter.GetAttributes().ToList();
                var property = type.GetMembers(parameter.Name).OfType<IPropertySymbol>().FirstOrDefault();
                if (property is not null)
                {
                    attributes.AddRange(property.GetAttributes());
                }

                candidates.Add(new Candidate(parameter.Name, parameter.Type, attributes, parameter.Locations.FirstOrDefault()));
            }

            return candidates;
        }

        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IPropertySymbol property || property.IsStatic || property.IsIndexer || property.IsImplicitlyDeclared
                || property.SetMethod is null || property.ExplicitInterfaceImplementations.Length > 0)
            {
                continue;
            }

            var attributes = property.GetAttributes();
            if (FindAttribute(attributes, known.WireIgnoreAttribute) is not null)
            {
                continue;
            }

            candidates.Add(new Candidate(property.Name, property.Type, attributes.ToList(), property.Locations.FirstOrDefault()));
        }

        return candidates;
    }

    /// <summary>
    /// The type of a field that every encoded value carries (not optional, not version-gated, no field codec) when
    /// it is a generated [WireType]/[Message] type; otherwise null.
    /// </summary>
    private static INamedTypeSymbol? RequiredNestedType(Candidate candidate, KnownTypes known)
    {
        foreach (var attribute in candidate.Attributes)
        {
            var c = attribute.AttributeClass;
            if (SymbolEqualityComparer.Default.Equals(c, known.OptionalAttribute)
                || SymbolEqualityComparer.Default.Equals(c, known.SinceAttribute)
                || SymbolEqualityComparer.Default.Equals(c, known.WireCodecAttribute))
            {
                return null;
            }
        }

        var type = candidate.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : candidate.Type;
        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        var attributes = named.GetAttributes();
        bool generated = (FindAttribute(attributes, known.WireTypeAttribute) is not null || FindAttribute(attributes, known.MessageAttribute) is not null)
            && FindAttribute(attributes, known.WireCodecAttribute) is null;
        return generated ? named : null;
    }

    /// <summary>Whether a value of <paramref name="from"/> always contains a <paramref name="target"/> through required fields.</summary>
    private static bool Reaches(INamedTypeSymbol from, INamedTypeSymbol target, KnownTypes known, HashSet<INamedTypeSymbol> visited, CancellationToken cancellationToken)
    {
        if (SymbolEqualityComparer.Default.Equals(from, target))
        {
            return true;
        }

        if (!visited.Add(from))
        {
            return false;
        }

        foreach (var candidate in GetCandidates(from, known, out _, cancellationToken))
        {
            if (RequiredNestedType(candidate, known) is { } next && Reaches(next, target, known, visited, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private static IMethodSymbol? FindPrimaryConstructor(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (!type.IsRecord)
        {
            return null;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is RecordDeclarationSyntax { ParameterList: not null })
                {
                    return constructor;
                }
            }
        }

        return null;
    }

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
