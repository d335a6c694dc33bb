using System;
using System.Globalization;
using System.Net;

namespace ProtoGen.Hosting;

/// <summary>Parses the addresses of <see cref="BitcoinNodeOptions"/>.</summary>
internal static class Addresses
{
    /// <summary>An IP address with an optional port (<c>127.0.0.1:8333</c>, <c>[::]:8333</c>, <c>0.0.0.0</c>).</summary>
    public static bool TryParseListen(string text, int defaultPort, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (!IPEndPoint.TryParse(text, out var parsed))
        {
            return false;
        }

        endPoint = HasPort(text) ? parsed : new IPEndPoint(parsed.Address, defaultPort);
        return true;
    }

    /// <summary>A host name or IP address with an optional port (<c>seed.example:8333</c>, <c>127.0.0.1</c>, <c>[::1]:18444</c>).</summary>
    public static bool TryParseConnect(string text, int defaultPort, out DnsEndPoint endPoint)
    {
        endPoint = null!;
        if (TryParseListen(text, defaultPort, out var ip))
        {
            endPoint = new DnsEndPoint(ip.Address.ToString(), ip.Port);
            return true;
        }

        string host = text;
        int port = defaultPort;
        if (HasPort(text))
        {
            int colon = text.LastIndexOf(':');
            host = text[..colon];
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                return false;
            }
        }

        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return false;
        }

        endPoint = new DnsEndPoint(host, port);
        return true;
    }

    private static bool HasPort(string text) =>
        text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.IndexOf(':', StringComparison.Ordinal) == text.LastIndexOf(':') && text.Contains(':', StringComparison.Ordinal);
}
