using System;
using System.Collections.Generic;
using System.IO;
using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Cli.Data;
using ProtoGen.Cli.Decoding;
using ProtoGen.Cli.Output;

namespace ProtoGen.Cli.Commands;

/// <summary><c>protogen decode [FILE|-] [--json] [--network NAME] [--txs]</c>.</summary>
internal sealed class DecodeCommand : Command
{
    private static readonly OptionSpec[] s_options =
    [
        OptionSpec.Flag("json", "print JSON instead of text"),
        OptionSpec.Value("network", "NAME", "expect this network's magic: mainnet, testnet3, testnet4, signet, regtest (default: any)", 'n'),
        OptionSpec.Flag("txs", "also list every transaction of every block"),
    ];

    /// <summary>The source name of standard input in reports and errors.</summary>
    public const string StandardInputName = "<stdin>";

    /// <inheritdoc/>
    public override string Name => "decode";

    /// <inheritdoc/>
    public override string Summary => "Decode a blk file, framed P2P messages, a raw block or a raw transaction";

    /// <inheritdoc/>
    public override string ArgumentSyntax => "[FILE|-]";

    /// <inheritdoc/>
    public override int MaxPositionals => 1;

    /// <inheritdoc/>
    public override string Details =>
        "FILE is read whole; '-' reads standard input. With no FILE, standard input is read when it is\n" +
        "redirected (a pipe or a file: 'cat block.raw | protogen decode'); on a terminal the mainnet blocks\n" +
        "1-255 shipped inside the binary are decoded. Hex text (whitespace allowed) is accepted as well and\n" +
        "decoded first; compressed input (gzip, bzip2, xz, zstd, zip) is named, not decoded.\n" +
        "The input kind is detected:\n" +
        "  blk file       records of network magic, length and block (Bitcoin Core's blk*.dat)\n" +
        "  P2P messages   24-byte headers with the network magic; magic, length and checksum are checked\n" +
        "  raw block      must use every byte, and its header's proof of work must check out\n" +
        "  transaction    must use every byte\n" +
        "Blocks show hash, transaction count, size, weight, merkle root check and witness commitment;\n" +
        "transactions show txid, wtxid, size, vsize, weight, input and output counts.";

    /// <inheritdoc/>
    public override IReadOnlyList<OptionSpec> Options => s_options;

    /// <inheritdoc/>
    public override int Execute(ParsedArguments arguments, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(context);
        BitcoinNetwork? network = null;
        if (arguments.Value("network") is { } name)
        {
            if (!BitcoinNetwork.TryGet(name, out var found))
            {
                throw CliException.Usage($"decode: unknown network '{ArgumentParser.Shorten(name)}' (mainnet, testnet3, testnet4, signet, regtest)");
            }

            network = found;
        }

        string? path = arguments.Positional(0);
        string source;
        ReadOnlyMemory<byte> data;
        if (path == "-" || (path is null && context.IsInputRedirected))
        {
            source = StandardInputName;
            data = ReadStandardInput(context);
            if (data.IsEmpty && path is null)
            {
                // 'protogen decode < /dev/null', or a pipe from a command that printed nothing: never the shipped blocks instead.
                throw CliException.Malformed($"{source}: input is empty (with no FILE, decode reads standard input when it is not a terminal)");
            }
        }
        else if (path is null)
        {
            source = ShippedBlocks.SourceName;
            data = ShippedBlocks.Bytes;
        }
        else
        {
            source = path;
            data = ReadFile(path);
        }

        var report = InputDecoder.Decode(data, source, network, arguments.Has("txs"));
        Print(report, arguments.Has("json"), context);
        return ExitCodes.Success;
    }

    /// <summary>Decodes the shipped blocks and prints them as text (the default job of <c>protogen</c>).</summary>
    /// <param name="context">Standard streams.</param>
    /// <returns>The exit code.</returns>
    public static int DecodeShippedBlocks(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = InputDecoder.Decode(ShippedBlocks.Bytes, ShippedBlocks.SourceName, BitcoinNetwork.Mainnet, includeTransactions: false);
        Print(report, json: false, context);
        return ExitCodes.Success;
    }

    private static void Print(DecodeReport report, bool json, CommandContext context)
    {
        if (json)
        {
            using var output = new JsonTextOutput(context.Out);
            JsonReport.Write(output, report);
            output.Complete();
        }
        else
        {
            TextReport.Write(context.Out, report);
        }

        context.Out.Flush();
    }

    private static ReadOnlyMemory<byte> ReadFile(string path) => InputFile.ReadAllBytes("decode", path);

    private static ReadOnlyMemory<byte> ReadStandardInput(CommandContext context)
    {
        try
        {
            using var input = context.OpenStandardInput();
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.FileError, $"decode: cannot read standard input: {e.Message}", e);
        }
    }
}
