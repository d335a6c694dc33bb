using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using ProtoGen.Cli.Logging;

namespace ProtoGen.Cli.CommandLine;

/// <summary>The arguments of one command after parsing: flags, option values and positionals.</summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    /// <summary>No arguments at all.</summary>
    public static ParsedArguments Empty => new();

    /// <summary>The <c>--log-level</c> chosen (validated by <see cref="CommandLineApp"/>; errors only by default).</summary>
    public LogLevel LogLevel { get; internal set; } = CliLoggerProvider.DefaultLevel;

    /// <summary>Whether <c>-h</c> or <c>--help</c> was given.</summary>
    public bool HelpRequested { get; internal set; }

    /// <summary>The positional arguments, in order.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Whether the flag or option <paramref name="name"/> was given.</summary>
    /// <param name="name">The option's long name.</param>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The value of option <paramref name="name"/> (the last one when repeated), or null when absent.</summary>
    /// <param name="name">The option's long name.</param>
    public string? Value(string name) => _options.TryGetValue(name, out var value) ? value : null;

    /// <summary>The positional argument at <paramref name="index"/>, or null.</summary>
    /// <param name="index">The index.</param>
    public string? Positional(int index) => index < _positionals.Count ? _positionals[index] : null;

    internal void SetOption(string name, string? value) => _options[name] = value;

    internal void AddPositional(string value) => _positionals.Add(value);
}
