using System.Collections.Generic;

namespace ProtoGen.Cli.CommandLine;

/// <summary>
/// One <c>protogen</c> command. A command declares its options and positional arguments; <see cref="ArgumentParser"/>
/// parses them (adding <c>-h</c>/<c>--help</c>) and <see cref="HelpWriter"/> renders the help from the same
/// declarations. To add a command, derive from this class and list it in <see cref="CommandLineApp.Commands"/>.
/// </summary>
internal abstract class Command
{
    /// <summary>The name typed after <c>protogen</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line for the command list.</summary>
    public abstract string Summary { get; }

    /// <summary>The positional arguments in usage syntax (for example <c>[FILE|-]</c>), or empty.</summary>
    public virtual string ArgumentSyntax => string.Empty;

    /// <summary>The largest number of positional arguments accepted.</summary>
    public virtual int MaxPositionals => 0;

    /// <summary>Further paragraphs of help text, or empty.</summary>
    public virtual string Details => string.Empty;

    /// <summary>The options, excluding <c>--help</c> and <see cref="CommonOptions"/> (always accepted).</summary>
    public virtual IReadOnlyList<OptionSpec> Options => [];

    /// <summary>The options every command accepts besides <c>--help</c>: <c>--log-level</c>.</summary>
    public static IReadOnlyList<OptionSpec> CommonOptions { get; } =
    [
        OptionSpec.Value("log-level", "LEVEL", "log to standard error: error (default), warning, info, debug (every message), trace (hexdumps)"),
    ];

    /// <summary>Runs the command.</summary>
    /// <param name="arguments">The parsed arguments.</param>
    /// <param name="context">Standard streams.</param>
    /// <returns>The exit code.</returns>
    /// <exception cref="CliException">An expected failure, reported as one line with its exit code.</exception>
    public abstract int Execute(ParsedArguments arguments, CommandContext context);
}
