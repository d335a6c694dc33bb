using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ProtoGen.Generators.Parsing;

namespace ProtoGen.Generators.Diagnostics.Analyzers;

/// <summary>
/// Reports every ProtoGen declaration mistake. It runs the same parser as the generator (which silently skips invalid
/// types) and reports what the parser found, plus the assembly-wide checks: duplicate commands and message sets.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TypeNotPartial,
        DiagnosticDescriptors.GenericType,
        DiagnosticDescriptors.MessageSetShape,
        DiagnosticDescriptors.DuplicateMessageSet,
        DiagnosticDescriptors.UnsupportedFieldType,
        DiagnosticDescriptors.MissingLimit,
        DiagnosticDescriptors.OptionalBeforeRequired,
        DiagnosticDescriptors.CodecShape,
        DiagnosticDescriptors.OptionalNotNullable,
        DiagnosticDescriptors.InvalidFieldAttribute,
        DiagnosticDescriptors.InvalidLimit,
        DiagnosticDescriptors.DuplicateCommand,
        DiagnosticDescriptors.InvalidCommand);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = new KnownTypes(start.Compilation);
            if (!known.IsComplete)
            {
                return;
            }

            var commands = new ConcurrentBag<(string Command, INamedTypeSymbol Type, Location? Location)>();
            var sets = new ConcurrentBag<INamedTypeSymbol>();
            start.RegisterSymbolAction(
                symbolContext => AnalyzeType(symbolContext, known, commands, sets),
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportAssemblyWide(end, commands, sets));
        });
    }

    private static void AnalyzeType(
        SymbolAnalysisContext context,
        KnownTypes known,
        ConcurrentBag<(string, INamedTypeSymbol, Location?)> commands,
        ConcurrentBag<INamedTypeSymbol> sets)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attributes = type.GetAttributes();
        var message = TypeParser.FindAttribute(attributes, known.MessageAttribute);
        var wireType = TypeParser.FindAttribute(attributes, known.WireTypeAttribute);
        var set = TypeParser.FindAttribute(attributes, known.MessageSetAttribute);
        var problems = new List<Problem>();

        if (set is not null && SetParser.Parse(type, set, problems) is not null)
        {
            // Only well-formed sets compete for the assembly's one set (a malformed one is reported as PGEN0003).
            sets.Add(type);
        }

        if (message is not null || wireType is not null)
        {
            TypeParser.Parse(type, known, problems, context.CancellationToken);
            if (message?.ConstructorArguments.FirstOrDefault().Value is string command && TypeParser.ValidateCommand(command) is null)
            {
                commands.Add((command, type, TypeParser.GetCommandLocation(message)));
            }
        }

        foreach (var problem in problems)
        {
            context.ReportDiagnostic(problem.ToDiagnostic());
        }
    }

    private static void ReportAssemblyWide(
        CompilationAnalysisContext context,
        ConcurrentBag<(string Command, INamedTypeSymbol Type, Location? Location)> commands,
        ConcurrentBag<INamedTypeSymbol> sets)
    {
        // Deterministic order: the first declaration by name keeps the command; every later one is reported.
        foreach (var group in commands.GroupBy(c => c.Command, System.StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(c => c.Type.ToDisplayString(), System.StringComparer.Ordinal).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateCommand,
                    ordered[i].Location,
                    group.Key,
                    ordered[i].Type.Name,
                    ordered[0].Type.Name));
            }
        }

        // Same order as the generator, which gives the dispatcher to the first set by metadata name.
        var orderedSets = sets.OrderBy(s => TypeParser.GetMetadataName(s), System.StringComparer.Ordinal).ToList();
        for (int i = 1; i < orderedSets.Count; i++)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateMessageSet, orderedSets[i].Locations.FirstOrDefault(), orderedSets[i].Name));
        }
    }
}
