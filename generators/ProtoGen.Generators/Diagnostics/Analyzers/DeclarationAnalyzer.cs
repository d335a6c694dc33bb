using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;
using ProtoGen.Generators.Parsing;

namespace ProtoGen.Generators.Diagnostics.Analyzers;

/// <summary>
/// Reports every ProtoGen declaration mistake. It runs the same parser as the generator (which silently skips invalid
/// types) and reports what the parser found, plus the assembly-wide checks (duplicate commands and message sets) and
/// commands that a message set of a referenced assembly already declares (read once per compilation, when the first
/// message is analyzed).
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
        DiagnosticDescriptors.MessageNotAccessible,
        DiagnosticDescriptors.NotConstructible,
        DiagnosticDescriptors.InvalidPayloadLimit,
        DiagnosticDescriptors.UnsupportedFieldType,
        DiagnosticDescriptors.MissingLimit,
        DiagnosticDescriptors.OptionalBeforeRequired,
        DiagnosticDescriptors.CodecShape,
        DiagnosticDescriptors.OptionalNotNullable,
        DiagnosticDescriptors.InvalidFieldAttribute,
        DiagnosticDescriptors.InvalidLimit,
        DiagnosticDescriptors.GeneratedMemberConflict,
        DiagnosticDescriptors.RecursiveField,
        DiagnosticDescriptors.DuplicateCommand,
        DiagnosticDescriptors.InvalidCommand,
        DiagnosticDescriptors.InvalidListenerName,
        DiagnosticDescriptors.DuplicateListenerName,
        DiagnosticDescriptors.CommandOfReferencedSet,
        DiagnosticDescriptors.V2ShortIdOutOfRange,
        DiagnosticDescriptors.DuplicateV2ShortId);

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

            var messages = new ConcurrentBag<MessageEntry>();
            var sets = new ConcurrentBag<INamedTypeSymbol>();
            var compilation = start.Compilation;
            var cancellationToken = start.CancellationToken;
            var referenced = new System.Lazy<ReferencedCommands>(() => ReferencedCommands.Scan(compilation, known, cancellationToken));
            start.RegisterSymbolAction(
                symbolContext => AnalyzeType(symbolContext, known, messages, sets, referenced),
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportAssemblyWide(end, messages, sets));
        });
    }

    private static void AnalyzeType(
        SymbolAnalysisContext context,
        KnownTypes known,
        ConcurrentBag<MessageEntry> messages,
        ConcurrentBag<INamedTypeSymbol> sets,
        System.Lazy<ReferencedCommands> referenced)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attributes = type.GetAttributes();
        var message = SymbolLookup.FindAttribute(attributes, known.MessageAttribute);
        var wireType = SymbolLookup.FindAttribute(attributes, known.WireTypeAttribute);
        var set = SymbolLookup.FindAttribute(attributes, known.MessageSetAttribute);
        var problems = new List<Problem>();

        if (set is not null && SetParser.Parse(type, set, problems) is not null)
        {
            // Only well-formed sets compete for the assembly's one set (a malformed one is reported as PGEN0003).
            sets.Add(type);
        }

        if (message is not null || wireType is not null)
        {
            // Only messages the generator accepts compete for commands and listener names, as in the generator.
            if (TypeParser.Parse(type, known, problems, context.CancellationToken) is { Message: { } info } model && message is not null)
            {
                var commandLocation = MessageAttributeReader.GetCommandLocation(message);
                messages.Add(new MessageEntry(
                    new MessageSummary(info.Command, model.FullyQualifiedName, info.ListenerName, info.IsPublic),
                    type.Name,
                    commandLocation,
                    SymbolLookup.GetNamedArgumentLocation(message, "ListenerName") ?? type.Locations.FirstOrDefault(),
                    info.V2ShortId,
                    SymbolLookup.GetNamedArgumentLocation(message, Constants.WellKnownTypeNames.V2ShortIdArgument)));

                if (referenced.Value.TryFind(info.Command, out var owner))
                {
                    problems.Add(new Problem(DiagnosticDescriptors.CommandOfReferencedSet, commandLocation, info.Command, type.Name, owner.TypeName, owner.SetName, owner.AssemblyName));
                }
            }
        }

        foreach (var problem in problems)
        {
            context.ReportDiagnostic(problem.ToDiagnostic());
        }
    }

    private static void ReportAssemblyWide(
        CompilationAnalysisContext context,
        ConcurrentBag<MessageEntry> messages,
        ConcurrentBag<INamedTypeSymbol> sets)
    {
        // The same choice as the generator's: every message it drops from the dispatcher is reported here.
        MessageFilter.Select(
            messages,
            static e => e.Summary,
            (duplicate, first) => context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateCommand,
                duplicate.CommandLocation,
                duplicate.Summary.Command,
                duplicate.TypeName,
                first.TypeName)),
            (duplicate, owner) => context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateListenerName,
                duplicate.ListenerLocation,
                duplicate.Summary.ListenerName,
                duplicate.TypeName,
                owner.TypeName)));

        // A BIP324 short id names one message: the first by metadata name keeps it, every later one is reported.
        foreach (var group in messages.Where(e => e.V2ShortId != 0).GroupBy(e => e.V2ShortId))
        {
            var ordered = group.OrderBy(e => e.Summary.FullyQualifiedName, System.StringComparer.Ordinal).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateV2ShortId, ordered[i].ShortIdLocation, ordered[i].V2ShortId, ordered[i].TypeName, ordered[0].TypeName));
            }
        }

        var orderedSets = sets.OrderBy(s => TypeDeclarations.GetMetadataName(s), System.StringComparer.Ordinal).ToList();
        for (int i = 1; i < orderedSets.Count; i++)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateMessageSet, orderedSets[i].Locations.FirstOrDefault(), orderedSets[i].Name));
        }
    }

    private sealed record MessageEntry(MessageSummary Summary, string TypeName, Location? CommandLocation, Location? ListenerLocation, int V2ShortId, Location? ShortIdLocation);
}
