using System.Text;

namespace ProtoGen.Generators.Constants;

/// <summary>Builds deterministic, unique, ASCII hint names ending in <c>.g.cs</c>.</summary>
internal static class HintNames
{
    public static string Serializer(string metadataName) => Sanitize(metadataName) + ".Serializer.g.cs";

    public static string Dispatcher(string setMetadataName) => Sanitize(setMetadataName) + ".Dispatcher.g.cs";

    public static string Listeners(string setMetadataName) => Sanitize(setMetadataName) + ".Listeners.g.cs";

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            // Nested types ('+') and anything but ASCII letters, digits, '.', '-' and '_' become '_'.
            bool plain = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_';
            builder.Append(plain ? c : '_');
        }

        return builder.ToString();
    }
}
