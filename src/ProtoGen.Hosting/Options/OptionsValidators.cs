using Microsoft.Extensions.Options;

namespace ProtoGen.Hosting;

/// <summary>Validates <see cref="BitcoinNodeOptions"/> with source-generated code (data annotations, nested sections and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>).</summary>
[OptionsValidator]
internal sealed partial class BitcoinNodeOptionsValidator : IValidateOptions<BitcoinNodeOptions>
{
}

/// <summary>Validates <see cref="BitcoinEndpointOptions"/> with source-generated code.</summary>
[OptionsValidator]
internal sealed partial class BitcoinEndpointOptionsValidator : IValidateOptions<BitcoinEndpointOptions>
{
}
