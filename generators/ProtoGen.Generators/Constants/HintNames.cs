using System.Text;

namespace ProtoGen.Generators.Constants;

/// <summary>Builds deterministic, unique, ASCII hint names ending in <c>.g.cs</c>.</summary>
internal static class HintNames
{
    public static string Serializer(string metadataName) => Sanitize(metadataName) + ".Serializer.g.cs";

    public static string Dispatcher(string setMetadataName) => Sanitize(setMetadataName) + ".Dispatcher.g.cs";

    public static string Listeners(string setMetadataName) => Sanitize(setMetadataName) + ".Listeners.g.cs";

    public static string ListenerGroup(string setMetadataName) => Sanitize(setMetadataName) + ".ListenerGroup.g.cs";

    /// <summary>
    /// ASCII letters, digits, '.' and '_' stay; a nested type's '+' becomes '-', any other character '--' and its
    /// four hex digits. Identifiers never contain '-', so two different metadata names never share a hint name
    /// (a shared one would make AddSource throw and drop the generator's whole output).
    /// </summary>
    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_')
            {
                builder.Append(c);
            }
            else if (c == '+')
            {
                builder.Append('-');
            }
            else
            {
                builder.Append("--").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
