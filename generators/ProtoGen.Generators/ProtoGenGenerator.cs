using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Emitters;
using ProtoGen.Generators.Helpers;
using ProtoGen.Generators.Models;
using ProtoGen.Generators.Parsing;

namespace ProtoGen.Generators;

/// <summary>
/// The ProtoGen incremental generator: codecs for every <c>[Message]</c> and <c>[WireType]</c> type, and for the
/// assembly's <c>[MessageSet]</c> a dispatcher, a catalogue, listener types and a composite listener. Invalid declarations are skipped
/// quietly; <see cref="Diagnostics.Analyzers.DeclarationAnalyzer"/> explains them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ProtoGenGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Read each [Message] type into a symbol-free model (null when the declaration is invalid).
        var messages = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypeNames.MessageAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (ctx, ct) => ParseType(ctx, ct))
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.Messages);

        // Read each [WireType] type the same way.
        var wireTypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypeNames.WireTypeAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (ctx, ct) => ParseType(ctx, ct))
            .Where(static m => m is not null && m.Message is null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.WireTypes);

        // Reduce messages to what dispatch needs, sorted, so that editing a field leaves dispatch cached.
        var summaries = messages
            .Select(static (m, _) => new MessageSummary(m.Message!.Command, m.FullyQualifiedName, m.Message.ListenerName, m.Message.IsPublic))
            .Collect()
            .Select(static (all, _) => Distinct(all))
            .WithTrackingName(TrackingNames.Summaries);

        // Find the assembly's message set.
        var sets = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WellKnownTypeNames.MessageSetAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, _) => ParseSet(ctx))
            .Where(static s => s is not null)
            .Select(static (s, _) => s!)
            .WithTrackingName(TrackingNames.MessageSets);

        // One set per assembly: a second one is reported by the analyzer (PGEN0004), and only the first by metadata
        // name gets a dispatcher, so that two sets can never declare the same listener types twice.
        var set = sets
            .Collect()
            .Select(static (all, _) => all.OrderBy(s => s.MetadataName, System.StringComparer.Ordinal).FirstOrDefault())
            .WithTrackingName(TrackingNames.SelectedSet);

        // The runtime's default payload limit: an int taken from the compilation, so that edits leave it unchanged.
        var defaultPayloadLimit = context.CompilationProvider
            .Select(static (compilation, _) => SetParser.DefaultMaxPayloadLength(compilation))
            .WithTrackingName(TrackingNames.DefaultPayloadLimit);

        // The payload limit every message descriptor of the assembly is held to: the set's, else the runtime's default.
        var payloadLimit = set
            .Combine(defaultPayloadLimit)
            .Select(static (pair, _) => SetParser.PayloadLimit(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.PayloadLimit);

        // One serializer file per message and per wire type (a wire type has no descriptor, so no payload limit).
        context.RegisterSourceOutput(messages.Combine(payloadLimit), static (spc, pair) => spc.AddSource(HintNames.Serializer(pair.Left.MetadataName), SerializerEmitter.Emit(pair.Left, pair.Right)));
        context.RegisterSourceOutput(wireTypes, static (spc, model) => spc.AddSource(HintNames.Serializer(model.MetadataName), SerializerEmitter.Emit(model, payloadLimit: 0)));

        // Dispatcher, listener types and the composite listener for the set.
        var setOutputs = set.Combine(summaries).WithTrackingName(TrackingNames.SetOutputs);
        context.RegisterSourceOutput(setOutputs, static (spc, pair) =>
        {
            if (pair.Left is not { } model)
            {
                return;
            }

            spc.AddSource(HintNames.Dispatcher(model.MetadataName), DispatchEmitter.Emit(model, pair.Right));
            spc.AddSource(HintNames.Listeners(model.MetadataName), ListenerEmitter.Emit(model, pair.Right));
            spc.AddSource(HintNames.ListenerGroup(model.MetadataName), ListenerGroupEmitter.Emit(model, pair.Right));
        });
    }

    private static TypeModel? ParseType(GeneratorAttributeSyntaxContext context, System.Threading.CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return null;
        }

        var known = new KnownTypes(context.SemanticModel.Compilation);
        if (!known.IsComplete)
        {
            return null;
        }

        // A type with both attributes is emitted once, as a message.
        if (context.Attributes.Any(a => a.AttributeClass?.Name == "WireTypeAttribute")
            && SymbolLookup.FindAttribute(type.GetAttributes(), known.MessageAttribute) is not null)
        {
            return null;
        }

        var problems = new List<Problem>();
        return TypeParser.Parse(type, known, problems, cancellationToken);
    }

    private static MessageSetModel? ParseSet(GeneratorAttributeSyntaxContext context)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
        {
            return null;
        }

        return SetParser.Parse(type, context.Attributes[0], new List<Problem>());
    }

    private static EquatableArray<MessageSummary> Distinct(System.Collections.Immutable.ImmutableArray<MessageSummary> all) =>
        MessageFilter.Select(all, static s => s).ToEquatableArray();
}
