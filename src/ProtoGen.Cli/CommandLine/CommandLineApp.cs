using System;
using System.Globalization;
using System.IO;
using ProtoGen.Cli.Commands;
using ProtoGen.Cli.Logging;

namespace ProtoGen.Cli.CommandLine;

/// <summary>
/// The command-line front end: picks the command, parses its arguments, runs it, and turns every failure into one
/// line on standard error and an exit code (see <see cref="ExitCodes"/>). Nothing escapes as an unhandled exception.
/// </summary>
internal static class CommandLineApp
{
    /// <summary>The commands listed in help and reachable by name.</summary>
    public static Command[] Commands => [new DemoCommand(), new ListenCommand(), new ConnectCommand(), new DecodeCommand(), new MessagesCommand()];

    /// <summary>Runs <c>protogen</c> with <paramref name="args"/>.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="context">Standard streams.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        string commandName = string.Empty;
        try
        {
            var commands = Commands;
            if (args.Length == 0)
            {
                // The README's first command: the sync demo.
                return new DemoCommand().Execute(ParsedArguments.Empty, context);
            }

            string first = args[0];
            switch (first)
            {
                case "-h" or "--help":
                    if (args.Length > 1)
                    {
                        throw CliException.Usage($"unexpected argument '{ArgumentParser.Shorten(args[1])}'");
                    }

                    HelpWriter.WriteMain(context.Out, commands);
                    return ExitCodes.Success;
                case "help":
                    return Help(args, commands, context);
                case "--version":
                    if (args.Length > 1)
                    {
                        throw CliException.Usage($"unexpected argument '{ArgumentParser.Shorten(args[1])}'");
                    }

                    context.Out.WriteLine($"protogen {CliVersion.Version}");
                    return ExitCodes.Success;
                case "--self-test":
                    // Not in the help: CI's check that the published binary loads its native secp256k1 (scripts/publish-aot.sh).
                    if (args.Length > 1)
                    {
                        throw CliException.Usage($"unexpected argument '{ArgumentParser.Shorten(args[1])}'");
                    }

                    var selfTest = Peers.Transport.V2.V2SelfTest.Run();
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"self-test ok: BIP324 v2 handshake and packets in memory (libsecp256k1 ellswift), session {selfTest.SessionId}, {selfTest.Elapsed.TotalMilliseconds:F1} ms"));
                    return ExitCodes.Success;
            }

            // Options without a command are the demo's ('protogen --log-level debug'); an error in them is protogen's.
            bool optionsOnly = first.Length > 1 && first[0] == '-';
            var command = optionsOnly ? new DemoCommand() : Find(commands, first) ?? throw CliException.Usage($"unknown command '{ArgumentParser.Shorten(first)}' (commands: {ArgumentParser.CommandList()})");
            commandName = optionsOnly ? string.Empty : command.Name;
            var parsed = ArgumentParser.Parse(command, args.AsSpan(optionsOnly ? 0 : 1), commandNamed: !optionsOnly);
            if (parsed.HelpRequested)
            {
                HelpWriter.WriteCommand(context.Out, command);
                return ExitCodes.Success;
            }

            parsed.LogLevel = CliLoggerProvider.ParseLevel(commandName, parsed.Value("log-level"));
            commandName = command.Name;

            return command.Execute(parsed, context);
        }
        catch (CliException e)
        {
            string hint = e.SuggestHelp ? $" (see 'protogen {(commandName.Length > 0 ? commandName + " " : string.Empty)}--help')" : string.Empty;
            return Fail(context, e.ExitCode, e.Message + hint);
        }
        catch (ProtocolException e)
        {
            return Fail(context, ExitCodes.MalformedInput, $"malformed input: {e.Message}");
        }
        catch (IOException e)
        {
            return Fail(context, ExitCodes.Failure, $"I/O error: {e.Message}");
        }
        catch (OutOfMemoryException)
        {
            return Fail(context, ExitCodes.Failure, "out of memory");
        }
        catch (Exception e)
        {
            // A bug, not an input problem: still one line, never a stack trace.
            return Fail(context, ExitCodes.Failure, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int Help(string[] args, Command[] commands, CommandContext context)
    {
        if (args.Length == 1)
        {
            HelpWriter.WriteMain(context.Out, commands);
            return ExitCodes.Success;
        }

        if (args.Length > 2)
        {
            throw CliException.Usage($"unexpected argument '{ArgumentParser.Shorten(args[2])}'");
        }

        var command = Find(commands, args[1]) ?? throw CliException.Usage($"unknown command '{ArgumentParser.Shorten(args[1])}'");
        HelpWriter.WriteCommand(context.Out, command);
        return ExitCodes.Success;
    }

    private static Command? Find(Command[] commands, string name)
    {
        foreach (var command in commands)
        {
            if (string.Equals(command.Name, name, StringComparison.Ordinal))
            {
                return command;
            }
        }

        return null;
    }

    private static int Fail(CommandContext context, int exitCode, string message)
    {
        try
        {
            context.Out.Flush();
        }
        catch (IOException)
        {
            // Standard output is gone (a closed pipe); the error line below still matters.
        }

        context.Error.WriteLine("protogen: " + message.ReplaceLineEndings(" ").TrimEnd());
        return exitCode;
    }
}
