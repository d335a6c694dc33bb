using System;
using System.Collections.Generic;

namespace ProtoGen.Cli.CommandLine;

/// <summary>
/// A small hand-written parser (no reflection, nothing to trim): <c>--name</c>, <c>--name value</c>,
/// <c>--name=value</c>, <c>-x</c>, <c>-x value</c>, positionals, <c>-</c> as a positional (standard input) and
/// <c>--</c> to end options.
/// </summary>
internal static class ArgumentParser
{
    /// <summary>Parses <paramref name="args"/> against <paramref name="command"/>'s declarations.</summary>
    /// <param name="command">The command.</param>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="commandNamed">
    /// False when no command was typed (<c>protogen --log-level debug</c> runs the default command): errors then speak of
    /// protogen's own options, not the default command's, and list the commands.
    /// </param>
    /// <exception cref="CliException">An unknown option, a missing value or too many positionals (exit code 2).</exception>
    public static ParsedArguments Parse(Command command, ReadOnlySpan<string> args, bool commandNamed = true)
    {
        ArgumentNullException.ThrowIfNull(command);
        var result = new ParsedArguments();
        bool optionsEnded = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg.Length < 2 || arg[0] != '-')
            {
                AddPositional(command, result, arg, commandNamed);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            if (arg is "-h" or "--help")
            {
                result.HelpRequested = true;
                continue;
            }

            string? inlineValue = null;
            OptionSpec? option;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                string name = arg.Substring(2);
                int equals = name.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    inlineValue = name.Substring(equals + 1);
                    name = name.Substring(0, equals);
                }

                option = FindLong(command, name);
            }
            else
            {
                option = arg.Length == 2 ? FindShort(command, arg[1]) : null;
            }

            if (option is null)
            {
                throw CliException.Usage(commandNamed
                    ? $"{command.Name}: unknown option '{Shorten(arg)}'"
                    : $"unknown option '{Shorten(arg)}' (protogen's own options are --help, --version and --log-level; a command's options go after it, as in 'protogen COMMAND {Shorten(arg)}'; commands: {CommandList()})");
            }

            if (!option.TakesValue)
            {
                if (inlineValue is not null)
                {
                    throw CliException.Usage($"{Prefix(command, commandNamed)}option '--{option.Name}' takes no value");
                }

                result.SetOption(option.Name, null);
                continue;
            }

            if (inlineValue is null)
            {
                if (i + 1 >= args.Length)
                {
                    throw CliException.Usage($"{Prefix(command, commandNamed)}option '--{option.Name}' needs a value ({option.ValueName})");
                }

                inlineValue = args[++i];
            }

            result.SetOption(option.Name, inlineValue);
        }

        return result;
    }

    /// <summary>The command names, for error messages: <c>demo, listen, connect, decode, messages</c>.</summary>
    internal static string CommandList()
    {
        var names = new List<string>();
        foreach (var command in CommandLineApp.Commands)
        {
            names.Add(command.Name);
        }

        return string.Join(", ", names);
    }

    private static string Prefix(Command command, bool commandNamed) => commandNamed ? command.Name + ": " : string.Empty;

    private static void AddPositional(Command command, ParsedArguments result, string arg, bool commandNamed)
    {
        if (result.Positionals.Count >= command.MaxPositionals)
        {
            throw CliException.Usage(commandNamed
                ? $"{command.Name}: unexpected argument '{Shorten(arg)}'"
                : $"unexpected argument '{Shorten(arg)}' (the command goes first, as in 'protogen {Shorten(arg)} OPTIONS'; commands: {CommandList()})");
        }

        result.AddPositional(arg);
    }

    private static OptionSpec? FindLong(Command command, string name)
    {
        foreach (var options in (ReadOnlySpan<IReadOnlyList<OptionSpec>>)[command.Options, Command.CommonOptions])
        {
            foreach (var option in options)
            {
                if (string.Equals(option.Name, name, StringComparison.Ordinal))
                {
                    return option;
                }
            }
        }

        return null;
    }

    private static OptionSpec? FindShort(Command command, char name)
    {
        foreach (var options in (ReadOnlySpan<IReadOnlyList<OptionSpec>>)[command.Options, Command.CommonOptions])
        {
            foreach (var option in options)
            {
                if (option.ShortName == name)
                {
                    return option;
                }
            }
        }

        return null;
    }

    /// <summary>Keeps an argument echoed in an error message short and on one line.</summary>
    /// <param name="arg">The argument.</param>
    internal static string Shorten(string arg)
    {
        const int max = 60;
        var text = arg.Length > max ? string.Concat(arg.AsSpan(0, max), "...") : arg;
        return text.ReplaceLineEndings(" ");
    }
}
