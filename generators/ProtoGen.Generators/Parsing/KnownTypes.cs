using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Constants;

namespace ProtoGen.Generators.Parsing;

/// <summary>The runtime's symbols in one compilation, resolved once. Lives only for one transform or analysis; never cached in a model.</summary>
internal sealed class KnownTypes
{
    public KnownTypes(Compilation compilation)
    {
        MessageAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.MessageAttribute);
        WireTypeAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireTypeAttribute);
        MessageSetAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.MessageSetAttribute);
        MaxCountAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.MaxCountAttribute);
        MaxLengthAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.MaxLengthAttribute);
        FixedLengthAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.FixedLengthAttribute);
        OptionalAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.OptionalAttribute);
        SinceAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.SinceAttribute);
        CompactSizeAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.CompactSizeAttribute);
        BigEndianAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.BigEndianAttribute);
        WireIgnoreAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireIgnoreAttribute);
        WireCodecAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireCodecAttribute);
        WireBytes = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireBytes);
        WireArray = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireArray);
        Hash256 = compilation.GetTypeByMetadataName(WellKnownTypeNames.Hash256);
        WireReader = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireReader);
        WireWriter = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireWriter);
        WireContext = compilation.GetTypeByMetadataName(WellKnownTypeNames.WireContext);
        IWireSerializable = compilation.GetTypeByMetadataName(WellKnownTypeNames.IWireSerializable);
    }

    public INamedTypeSymbol? MessageAttribute { get; }
    public INamedTypeSymbol? WireTypeAttribute { get; }
    public INamedTypeSymbol? MessageSetAttribute { get; }
    public INamedTypeSymbol? MaxCountAttribute { get; }
    public INamedTypeSymbol? MaxLengthAttribute { get; }
    public INamedTypeSymbol? FixedLengthAttribute { get; }
    public INamedTypeSymbol? OptionalAttribute { get; }
    public INamedTypeSymbol? SinceAttribute { get; }
    public INamedTypeSymbol? CompactSizeAttribute { get; }
    public INamedTypeSymbol? BigEndianAttribute { get; }
    public INamedTypeSymbol? WireIgnoreAttribute { get; }
    public INamedTypeSymbol? WireCodecAttribute { get; }
    public INamedTypeSymbol? WireBytes { get; }
    public INamedTypeSymbol? WireArray { get; }
    public INamedTypeSymbol? Hash256 { get; }
    public INamedTypeSymbol? WireReader { get; }
    public INamedTypeSymbol? WireWriter { get; }
    public INamedTypeSymbol? WireContext { get; }
    public INamedTypeSymbol? IWireSerializable { get; }

    public bool IsComplete => MessageAttribute is not null && WireReader is not null && WireWriter is not null && WireContext is not null;
}
