using System.Globalization;

namespace ProtoGen.Cli.CommandLine;

/// <summary>Parses option values, with the house error for a bad one (exit code 2).</summary>
internal static class OptionValues
{
    /// <summary>Parses a decimal integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="command">The command, for the error message.</param>
    /// <param name="option">The option's long name.</param>
    /// <param name="value">The value.</param>
    /// <param name="min">The smallest value accepted.</param>
    /// <param name="max">The largest value accepted.</param>
    /// <exception cref="CliException">Not such an integer.</exception>
    public static int ParseInt(string command, string option, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result) || result < min || result > max)
        {
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"{command}: option '--{option}' needs a whole number from {min} to {max}, not '{ArgumentParser.Shorten(value)}'"));
        }

        return result;
    }

    /// <summary>Parses a number of seconds (decimals allowed) in (0, <paramref name="maxSeconds"/>].</summary>
    /// <param name="command">The command, for the error message.</param>
    /// <param name="option">The option's long name.</param>
    /// <param name="value">The value.</param>
    /// <param name="maxSeconds">The largest value accepted.</param>
    /// <exception cref="CliException">Not such a number.</exception>
    public static System.TimeSpan ParseSeconds(string command, string option, string value, double maxSeconds)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > maxSeconds)
        {
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"{command}: option '--{option}' needs a number of seconds above 0 and at most {maxSeconds}, not '{ArgumentParser.Shorten(value)}'"));
        }

        return System.TimeSpan.FromSeconds(seconds);
    }
}
