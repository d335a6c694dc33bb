using System;
using System.Collections.Generic;
using System.IO;

namespace ProtoGen.Cli.CommandLine;

/// <summary>Renders help text from the commands' declarations.</summary>
internal static class HelpWriter
{
    /// <summary>The exit-code table shown at the end of the main help.</summary>
    public const string ExitCodeHelp =
        "Exit codes: 0 success, 1 failure, 2 bad arguments, 3 file not found or unreadable,\n" +
        "            4 malformed or truncated input, 5 host unreachable or not answering (refused, timed out),\n" +
        "            6 cannot listen (port busy), 7 the remote's chain failed verification, 130 interrupted.";

    /// <summary>Writes the main help: usage, commands, global options, exit codes.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="commands">The commands.</param>
    public static void WriteMain(TextWriter output, IReadOnlyList<Command> commands)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(commands);
        output.WriteLine($"protogen {CliVersion.Version} - a Bitcoin P2P protocol tool built on ProtoGen");
        output.WriteLine();
        output.WriteLine("Usage: protogen [COMMAND] [OPTIONS] [ARGUMENTS]");
        output.WriteLine();
        output.WriteLine("With no command, protogen runs the demo: a node on 127.0.0.1 serving the mainnet blocks 1-255");
        output.WriteLine("shipped inside the binary, and a second peer syncing them from it headers-first over loopback");
        output.WriteLine("TCP, checking every block; then a summary (the same as 'protogen demo').");
        output.WriteLine();
        output.WriteLine("Commands:");
        int width = 0;
        foreach (var command in commands)
        {
            width = Math.Max(width, command.Name.Length);
        }

        foreach (var command in commands)
        {
            output.WriteLine($"  {command.Name.PadRight(width)}  {command.Summary}");
        }

        output.WriteLine();
        output.WriteLine("Options:");
        output.WriteLine("  -h, --help     show help; 'protogen COMMAND --help' shows a command's help");
        output.WriteLine("  --version      show the version");
        output.WriteLine("  --log-level L  log to standard error (every command): error (default), warning, info,");
        output.WriteLine("                 debug (every message), trace (hexdumps)");
        output.WriteLine();
        output.WriteLine(ExitCodeHelp);
    }

    /// <summary>Writes one command's help: usage, details, options.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="command">The command.</param>
    public static void WriteCommand(TextWriter output, Command command)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(command);
        string arguments = command.ArgumentSyntax.Length > 0 ? " " + command.ArgumentSyntax : string.Empty;
        output.WriteLine($"Usage: protogen {command.Name} [OPTIONS]{arguments}");
        output.WriteLine();
        output.WriteLine(command.Summary + ".");
        if (command.Details.Length > 0)
        {
            output.WriteLine();
            output.WriteLine(command.Details);
        }

        var lines = new List<(string Syntax, string Description)>();
        foreach (var option in (IEnumerable<OptionSpec>)[.. command.Options, .. Command.CommonOptions])
        {
            string syntax = (option.ShortName is { } s ? $"-{s}, " : "    ") + "--" + option.Name + (option.TakesValue ? " " + option.ValueName : string.Empty);
            lines.Add((syntax, option.Description));
        }

        lines.Add(("-h, --help", "show this help"));
        int width = 0;
        foreach (var line in lines)
        {
            width = Math.Max(width, line.Syntax.Length);
        }

        output.WriteLine();
        output.WriteLine("Options:");
        foreach (var line in lines)
        {
            output.WriteLine($"  {line.Syntax.PadRight(width)}  {line.Description}");
        }

        output.WriteLine();
        output.WriteLine(ExitCodeHelp);
    }
}
