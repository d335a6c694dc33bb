using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>
/// Finds a type's wire fields (a positional record's parameters, or its settable properties), classifies each with
/// <see cref="FieldClassifier"/>, and checks the rules that span fields: optional fields last, no required self-containment.
/// </summary>
internal static class FieldReader
{
    /// <summary>Reads the fields; returns true when the type is a positional record built with its primary constructor.</summary>
    public static bool Read(INamedTypeSymbol type, KnownTypes known, List<FieldModel> fields, List<Problem> problems, CancellationToken cancellationToken)
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
            if (SymbolLookup.FindAttribute(attributes, known.WireIgnoreAttribute) is not null)
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
        bool generated = (SymbolLookup.FindAttribute(attributes, known.WireTypeAttribute) is not null || SymbolLookup.FindAttribute(attributes, known.MessageAttribute) is not null)
            && SymbolLookup.FindAttribute(attributes, known.WireCodecAttribute) is null;
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
}
