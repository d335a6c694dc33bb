using System;
using System.IO;
using System.Threading;

namespace ProtoGen.Cli.CommandLine;

/// <summary>
/// What a command may touch of its process: standard output, standard error, standard input, whether standard output
/// is an interactive terminal and whether standard input is redirected, and how it is asked to stop (a cancellation token, and for the real process SIGINT and
/// SIGTERM).
/// </summary>
internal sealed class CommandContext
{
    private readonly Func<Stream> _openStandardInput;

    /// <summary>Creates a context.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="openStandardInput">Opens standard input (called at most once per command, only when it reads it).</param>
    /// <param name="isInteractive">Whether standard output is an interactive terminal (progress bars instead of progress lines).</param>
    /// <param name="cancellation">Asks long-running commands (<c>listen</c>, <c>connect</c>, the demo) to stop.</param>
    /// <param name="handlesSignals">Whether long-running commands should also stop on SIGINT (Ctrl-C) and SIGTERM.</param>
    /// <param name="isInputRedirected">Whether standard input is not a terminal (a pipe, a file, /dev/null): <c>decode</c> with no FILE reads it then.</param>
    public CommandContext(TextWriter output, TextWriter error, Func<Stream> openStandardInput, bool isInteractive = false, CancellationToken cancellation = default, bool handlesSignals = false, bool isInputRedirected = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(openStandardInput);
        Out = output;
        Error = error;
        _openStandardInput = openStandardInput;
        IsInteractive = isInteractive;
        Cancellation = cancellation;
        HandlesSignals = handlesSignals;
        IsInputRedirected = isInputRedirected;
    }

    /// <summary>Standard output: the command's results.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error: diagnostics only.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether standard output is an interactive terminal.</summary>
    public bool IsInteractive { get; }

    /// <summary>Whether standard input is redirected (not a terminal).</summary>
    public bool IsInputRedirected { get; }

    /// <summary>Asks long-running commands to stop (as SIGTERM would).</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Whether long-running commands stop on SIGINT and SIGTERM (the real process only).</summary>
    public bool HandlesSignals { get; }

    /// <summary>Opens standard input.</summary>
    public Stream OpenStandardInput() => _openStandardInput();

    /// <summary>The context of the real process (the console).</summary>
    public static CommandContext ForConsole() =>
        new(Console.Out, Console.Error, Console.OpenStandardInput, isInteractive: !Console.IsOutputRedirected, handlesSignals: true, isInputRedirected: Console.IsInputRedirected);
}
