using System;

namespace ProtoGen.Cli.CommandLine;

/// <summary>
/// An expected failure of a command: printed as one line on standard error, and the process exits with
/// <see cref="ExitCode"/>. Never shown with a stack trace.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="exitCode">The exit code (see <see cref="ExitCodes"/>).</param>
    /// <param name="message">What went wrong, in one line.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Whether the message should be followed by a pointer to the command's help.</summary>
    public bool SuggestHelp { get; init; }

    /// <summary>Bad arguments (exit code 2).</summary>
    /// <param name="message">What is wrong with them.</param>
    public static CliException Usage(string message) => new(ExitCodes.BadArguments, message) { SuggestHelp = true };

    /// <summary>Malformed or truncated input (exit code 4).</summary>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public static CliException Malformed(string message, Exception? innerException = null) => new(ExitCodes.MalformedInput, message, innerException);
}
