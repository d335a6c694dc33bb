using System;
using System.Globalization;
using System.Net;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Networking;

/// <summary>A host and port as typed: <c>HOST:PORT</c>, <c>[IPv6]:PORT</c>, or a host alone (the network's default port).</summary>
/// <param name="Host">The host name or address (IPv6 without brackets).</param>
/// <param name="Port">The port.</param>
internal readonly record struct HostPort(string Host, int Port)
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="command">The command, for the error message.</param>
    /// <param name="text">The text.</param>
    /// <param name="defaultPort">The port when none is given.</param>
    /// <exception cref="CliException">Not a host and port (exit code 2).</exception>
    public static HostPort Parse(string command, string text, int defaultPort)
    {
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw Bad(command, text);
            }

            host = text.Substring(1, close - 1);
            if (close + 1 < text.Length)
            {
                port = text.Substring(close + 2);
            }
        }
        else
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && colon == text.LastIndexOf(':'))
            {
                host = text.Substring(0, colon);
                port = text.Substring(colon + 1);
            }
            else
            {
                host = text; // no colon, or a bare IPv6 address
            }
        }

        if (host.Length == 0 || host.AsSpan().IndexOfAny(" \t/") >= 0)
        {
            throw Bad(command, text);
        }

        int number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            throw CliException.Usage($"{command}: bad port in '{ArgumentParser.Shorten(text)}' (1 to 65535)");
        }

        return new HostPort(host, number);
    }

    /// <summary>The host and port as typed back: <c>host:port</c> or <c>[v6]:port</c>.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>Parses a local address to bind to (an IPv4 or IPv6 literal; <c>localhost</c> means 127.0.0.1).</summary>
    /// <param name="command">The command, for the error message.</param>
    /// <param name="text">The text.</param>
    /// <exception cref="CliException">Not an address (exit code 2).</exception>
    public static IPAddress ParseBindAddress(string command, string text)
    {
        if (string.Equals(text, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        string literal = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        return IPAddress.TryParse(literal, out var address) && literal.Length > 0
            ? address
            : throw CliException.Usage($"{command}: option '--bind' needs an IP address (for example 127.0.0.1 or ::1), not '{ArgumentParser.Shorten(text)}'");
    }

    private static CliException Bad(string command, string text) =>
        CliException.Usage($"{command}: expected HOST:PORT, not '{ArgumentParser.Shorten(text)}'");
}
