using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Networking;

/// <summary>The <c>--network NAME</c> option shared by the commands.</summary>
internal static class NetworkOption
{
    /// <summary>The accepted names, for help and errors.</summary>
    public const string Names = "mainnet, testnet3, testnet4, signet, regtest";

    /// <summary>The option's declaration.</summary>
    /// <param name="description">One line of help.</param>
    public static OptionSpec Spec(string description) => OptionSpec.Value("network", "NAME", description, 'n');

    /// <summary>Parses the option's value.</summary>
    /// <param name="command">The command, for the error message.</param>
    /// <param name="value">The value, or null.</param>
    /// <param name="defaultNetwork">The network without the option.</param>
    /// <exception cref="CliException">An unknown network (exit code 2).</exception>
    public static BitcoinNetwork Parse(string command, string? value, BitcoinNetwork defaultNetwork)
    {
        if (value is null)
        {
            return defaultNetwork;
        }

        return BitcoinNetwork.TryGet(value, out var network)
            ? network
            : throw CliException.Usage($"{command}: unknown network '{ArgumentParser.Shorten(value)}' ({Names})");
    }
}
