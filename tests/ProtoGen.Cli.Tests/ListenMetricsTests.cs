using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Tests;

/// <summary><c>protogen listen --metrics-port</c>: the peer and node metrics in the Prometheus text format on 127.0.0.1.</summary>
public partial class ListenMetricsTests
{
    [Fact]
    public async Task A_scrape_of_listen_matches_the_stats_of_the_peer_at_the_other_end()
    {
        // A child process: the peer meter is process-wide, and the child's only peer is the one this test connects.
        using var listen = new RunningChild("listen", "--port", "0", "--network", "regtest", "--metrics-port", "0");
        int port = Listening.Port(await listen.WaitForLineAsync(line => line.Contains("listening on ", StringComparison.Ordinal)));
        var metricsLine = await listen.WaitForLineAsync(line => line.Contains(" metrics on ", StringComparison.Ordinal));
        int metricsPort = int.Parse(MetricsUrl().Match(metricsLine).Groups[1].Value, CultureInfo.InvariantCulture);

        var (status, body) = await GetAsync(metricsPort, "/metrics");
        Assert.Equal(200, status);
        Assert.DoesNotContain("protogen_peer_", body, StringComparison.Ordinal); // no peer measured yet
        Assert.Equal(0, Samples(body)["protogen_node_budget_partial_messages_bytes"]); // the node's budget, observed at every scrape
        Assert.Equal(0, Samples(body)["protogen_node_budget_queued_sends_bytes"]);

        var peer = await Peer.ConnectAsync(new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache() }, "127.0.0.1", port).WaitAsync(Limits.Wait);
        try
        {
            await peer.WaitForHandshakeAsync().WaitAsync(Limits.Wait);

            // Quiet both sides: listen's one ping (its keep-alive, or the round trip its log line asks for) answered,
            // our keep-alive answered; then a ping of ours as a barrier: once its pong is back, listen has read
            // everything we sent and we have read everything it sent.
            await PollAsync(() => peer.GetStats() is { LastPingRoundTrip: not null } stats && stats.ReceivedByCommand.ContainsKey("ping"));
            await peer.PingAsync().WaitAsync(Limits.Wait);
            var ours = peer.GetStats();

            (status, body) = await GetAsync(metricsPort, "/metrics");
            Assert.Equal(200, status);
            var samples = Samples(body);
            Assert.Equal(ours.SentByCommand.ToDictionary(c => c.Key, c => c.Value.Messages), ByCommand(samples, "protogen_peer_messages_total", "receive"));
            Assert.Equal(ours.SentByCommand.ToDictionary(c => c.Key, c => c.Value.Bytes), ByCommand(samples, "protogen_peer_io_bytes_total", "receive"));
            Assert.Equal(ours.ReceivedByCommand.ToDictionary(c => c.Key, c => c.Value.Messages), ByCommand(samples, "protogen_peer_messages_total", "transmit"));
            Assert.Equal(ours.ReceivedByCommand.ToDictionary(c => c.Key, c => c.Value.Bytes), ByCommand(samples, "protogen_peer_io_bytes_total", "transmit"));
            Assert.Equal(ours.BytesSent, ByCommand(samples, "protogen_peer_io_bytes_total", "receive").Values.Sum());
            Assert.Equal(1, samples["protogen_peer_active{protogen_peer_direction=\"inbound\"}"]);
            Assert.Contains("# TYPE protogen_peer_ping_duration_seconds histogram\n", body, StringComparison.Ordinal);
        }
        finally
        {
            peer.Disconnect();
        }

        await listen.WaitForLineAsync(line => line.Contains(" disconnect peer ", StringComparison.Ordinal));
        (_, body) = await GetAsync(metricsPort, "/metrics");
        Assert.Equal(0, Samples(body)["protogen_peer_active{protogen_peer_direction=\"inbound\"}"]);
        Assert.Equal(1, Samples(body)["protogen_peer_disconnects_total{protogen_disconnect_reason=\"RemoteClosed\"}"]);
        Assert.Equal(1, Samples(body)["protogen_node_inbound_admitted_total"]);
        listen.Terminate();
        Assert.Equal(0, (await listen.WaitForExitAsync()).ExitCode);
    }

    [Fact]
    public void A_metrics_port_out_of_range_is_an_argument_error() =>
        Cli.Run("listen", "--port", "0", "--metrics-port", "70000").AssertFailure(2, "metrics-port");

    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limits.Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for both keep-alive pings");
            await Task.Delay(5);
        }
    }

    private static async Task<(int Status, string Body)> GetAsync(int port, string path)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), SocketFlags.None);
        using var reader = new StreamReader(new NetworkStream(socket), Encoding.UTF8);
        string response = await reader.ReadToEndAsync().WaitAsync(Limits.Wait);
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (int.Parse(response.Split(' ')[1], CultureInfo.InvariantCulture), response[(split + 4)..]);
    }

    private static Dictionary<string, double> Samples(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .ToDictionary(l => l[..l.LastIndexOf(' ')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static Dictionary<string, long> ByCommand(Dictionary<string, double> samples, string metric, string direction) =>
        samples.Select(s => (Match: Series().Match(s.Key), s.Value))
            .Where(s => s.Match.Success && s.Match.Groups[1].Value == metric && s.Match.Groups[3].Value == direction)
            .ToDictionary(s => s.Match.Groups[2].Value, s => (long)s.Value);

    [GeneratedRegex(@"metrics on http://127\.0\.0\.1:(\d+)/metrics$")]
    private static partial Regex MetricsUrl();

    [GeneratedRegex("^([a-z_]+)\\{bitcoin_command=\"([a-z0-9]+)\",network_io_direction=\"([a-z]+)\"\\}$")]
    private static partial Regex Series();
}
