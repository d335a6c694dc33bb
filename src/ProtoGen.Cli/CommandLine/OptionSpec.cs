namespace ProtoGen.Cli.CommandLine;

/// <summary>A command-line option.</summary>
/// <param name="Name">The long name without dashes (<c>json</c> for <c>--json</c>).</param>
/// <param name="ShortName">The one-letter short name without its dash, or null.</param>
/// <param name="ValueName">The value's placeholder in help (<c>NAME</c>) when the option takes a value; null for a flag.</param>
/// <param name="Description">One line of help.</param>
internal sealed record OptionSpec(string Name, char? ShortName, string? ValueName, string Description)
{
    /// <summary>Whether the option takes a value.</summary>
    public bool TakesValue => ValueName is not null;

    /// <summary>A flag (no value).</summary>
    /// <param name="name">The long name.</param>
    /// <param name="description">One line of help.</param>
    /// <param name="shortName">The short name, if any.</param>
    public static OptionSpec Flag(string name, string description, char? shortName = null) => new(name, shortName, null, description);

    /// <summary>An option with a value.</summary>
    /// <param name="name">The long name.</param>
    /// <param name="valueName">The value's placeholder.</param>
    /// <param name="description">One line of help.</param>
    /// <param name="shortName">The short name, if any.</param>
    public static OptionSpec Value(string name, string valueName, string description, char? shortName = null) => new(name, shortName, valueName, description);
}
