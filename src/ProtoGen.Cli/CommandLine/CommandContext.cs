using System;
using System.IO;

namespace ProtoGen.Cli.CommandLine;

/// <summary>What a command may touch of its process: standard output, standard error and standard input.</summary>
internal sealed class CommandContext
{
    private readonly Func<Stream> _openStandardInput;

    /// <summary>Creates a context.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="openStandardInput">Opens standard input (called at most once per command, only when it reads "-").</param>
    public CommandContext(TextWriter output, TextWriter error, Func<Stream> openStandardInput)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(openStandardInput);
        Out = output;
        Error = error;
        _openStandardInput = openStandardInput;
    }

    /// <summary>Standard output: the command's results.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error: diagnostics only.</summary>
    public TextWriter Error { get; }

    /// <summary>Opens standard input.</summary>
    public Stream OpenStandardInput() => _openStandardInput();

    /// <summary>The context of the real process (the console).</summary>
    public static CommandContext ForConsole() => new(Console.Out, Console.Error, Console.OpenStandardInput);
}
