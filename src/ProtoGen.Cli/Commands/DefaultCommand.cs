using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Commands;

/// <summary>
/// What <c>protogen</c> does with no arguments: for now, decode the shipped mainnet blocks 1-255 and print a total.
/// (A later phase turns this into a peer-to-peer sync demo; the shipped blocks stay reachable as <c>protogen decode</c>.)
/// </summary>
internal sealed class DefaultCommand : Command
{
    /// <inheritdoc/>
    public override string Name => "protogen";

    /// <inheritdoc/>
    public override string Summary => "Decode the mainnet blocks 1-255 shipped inside the binary";

    /// <inheritdoc/>
    public override int Execute(ParsedArguments arguments, CommandContext context) => DecodeCommand.DecodeShippedBlocks(context);
}
