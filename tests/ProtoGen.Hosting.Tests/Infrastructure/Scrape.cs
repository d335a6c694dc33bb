using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ProtoGen.Hosting.Tests.Infrastructure;

/// <summary>An HTTP GET over loopback and a reader for the Prometheus text format.</summary>
internal static partial class Scrape
{
    public static async Task<(int Status, string Body)> GetAsync(IPEndPoint endPoint, string path)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), SocketFlags.None);
        using var reader = new StreamReader(new NetworkStream(socket), Encoding.UTF8);
        string response = await reader.ReadToEndAsync().WaitAsync(TestHosts.Timeout);
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (int.Parse(response.Split(' ')[1], CultureInfo.InvariantCulture), response[(split + 4)..]);
    }

    /// <summary>The samples of a scrape: "name{labels}" to value.</summary>
    public static Dictionary<string, double> Samples(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith('#'))
            {
                int space = line.LastIndexOf(' ');
                samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return samples;
    }

    /// <summary>The per-command values of one counter in one direction (<c>transmit</c>, <c>receive</c>).</summary>
    public static Dictionary<string, long> ByCommand(Dictionary<string, double> samples, string metric, string direction)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (series, value) in samples)
        {
            var match = SeriesPattern().Match(series);
            if (match.Success && match.Groups["name"].Value == metric && match.Groups["direction"].Value == direction)
            {
                result[match.Groups["command"].Value] = (long)value;
            }
        }

        return result;
    }

    [GeneratedRegex("^(?<name>[a-z_]+)\\{bitcoin_command=\"(?<command>[a-z0-9]+)\",network_io_direction=\"(?<direction>[a-z]+)\"\\}$")]
    private static partial Regex SeriesPattern();
}
