namespace ProtoGen.Cli.CommandLine;

/// <summary>The process exit codes of <c>protogen</c>; documented in docs/cli.md and stable across releases.</summary>
internal static class ExitCodes
{
    /// <summary>The command succeeded.</summary>
    public const int Success = 0;

    /// <summary>A failure not covered by a more specific code (including internal errors).</summary>
    public const int Failure = 1;

    /// <summary>The arguments were wrong: an unknown command or option, a missing or invalid value.</summary>
    public const int BadArguments = 2;

    /// <summary>An input file does not exist or cannot be read.</summary>
    public const int FileError = 3;

    /// <summary>The input is empty, malformed or truncated.</summary>
    public const int MalformedInput = 4;

    /// <summary>
    /// The remote host cannot be reached or does not answer: name not resolved, connection refused or unreachable, the
    /// handshake failed or timed out, a sync request timed out, the peer disconnected.
    /// </summary>
    public const int Unreachable = 5;

    /// <summary>Cannot listen: the local port is already in use (or the address is not local, or not allowed).</summary>
    public const int PortBusy = 6;

    /// <summary>The remote's chain failed verification (a header or block with a bad link, proof of work, merkle root, ...).</summary>
    public const int InvalidChain = 7;

    /// <summary>A command that does not run until stopped (<c>connect</c>, the demo) was interrupted by SIGINT or SIGTERM (128 + 2).</summary>
    public const int Interrupted = 130;
}
