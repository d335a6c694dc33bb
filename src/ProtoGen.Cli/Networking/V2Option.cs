using ProtoGen.Cli.CommandLine;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Networking;

/// <summary>The <c>--v2 off|prefer|require</c> option of <c>listen</c> and <c>connect</c>: when to speak BIP324's encrypted transport.</summary>
internal static class V2Option
{
    /// <summary>The option's declaration.</summary>
    /// <param name="description">One line of help.</param>
    public static OptionSpec Spec(string description) => OptionSpec.Value("v2", "MODE", description);

    /// <summary>Parses the option's value (absent: prefer, as Bitcoin Core).</summary>
    /// <param name="command">The command, for the error message.</param>
    /// <param name="value">The value, or null.</param>
    /// <exception cref="CliException">An unknown mode (exit code 2).</exception>
    public static V2TransportMode Parse(string command, string? value) => value switch
    {
        null or "prefer" => V2TransportMode.Preferred,
        "off" => V2TransportMode.Off,
        "require" => V2TransportMode.Required,
        _ => throw CliException.Usage($"{command}: unknown --v2 mode '{ArgumentParser.Shorten(value)}' (off, prefer, require)"),
    };

    /// <summary>The transport of a peer as <c>connect</c> and <c>listen</c> print it: <c>v1</c>, or <c>v2, session id HEX</c>.</summary>
    /// <param name="peer">The peer.</param>
    public static string Describe(Peer peer) => peer.SessionId is { } id ? $"{peer.TransportName}, session id {id}" : peer.TransportName;
}
