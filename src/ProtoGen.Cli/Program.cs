using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli;

/// <summary>The protogen command line.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">Arguments.</param>
    /// <returns>The exit code (see docs/cli.md).</returns>
    public static int Main(string[] args) => CommandLineApp.Run(args, CommandContext.ForConsole());
}
