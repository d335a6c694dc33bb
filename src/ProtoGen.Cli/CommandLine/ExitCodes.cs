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

    /// <summary>Reserved for network commands: the remote host cannot be reached.</summary>
    public const int Unreachable = 5;

    /// <summary>Reserved for network commands: the local port is already in use.</summary>
    public const int PortBusy = 6;
}
