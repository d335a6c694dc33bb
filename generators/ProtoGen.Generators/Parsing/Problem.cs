using Microsoft.CodeAnalysis;

namespace ProtoGen.Generators.Parsing;

/// <summary>
/// A mistake found while reading a declaration. Lives only inside one analysis: the analyzer reports it as a
/// diagnostic, the generator just skips the type. Never stored in a model.
/// </summary>
internal readonly struct Problem
{
    public Problem(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        Descriptor = descriptor;
        Location = location;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public Location? Location { get; }

    public object?[] Arguments { get; }

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, Arguments);
}
