using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ProtoGen.Node.Telemetry;

namespace ProtoGen.Node.Tests;

/// <summary>
/// <see cref="MetricsCollector"/>, <see cref="PrometheusText"/> and <see cref="MetricsEndpoint"/> on a meter of the
/// test's own (so that parallel tests do not disturb it), scraped over loopback HTTP.
/// </summary>
public class MetricsEndpointTests
{
    [Fact]
    public async Task Every_instrument_kind_is_served_in_the_Prometheus_text_format()
    {
        using var meter = new Meter("ProtoGen.Test." + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter.Name);
        var counter = meter.CreateCounter<long>("test.io", "By", "Bytes moved");
        var upDown = meter.CreateUpDownCounter<long>("test.active", "{peer}", "Peers running");
        var histogram = meter.CreateHistogram("test.duration", "s", "Round trips", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1] });
        meter.CreateObservableGauge("test.height", () => 255L, "{block}", "Chain height");
        counter.Add(10, new KeyValuePair<string, object?>("network.io.direction", "transmit"), new("bitcoin.command", "ping"));
        counter.Add(5, new KeyValuePair<string, object?>("bitcoin.command", "ping"), new("network.io.direction", "transmit"));
        counter.Add(7, new KeyValuePair<string, object?>("bitcoin.command", "we\"ird\\"));
        upDown.Add(2);
        upDown.Add(-1);
        histogram.Record(0.005);
        histogram.Record(0.05);
        histogram.Record(3);

        await using var endpoint = new MetricsEndpoint(collector, new IPEndPoint(IPAddress.Loopback, 0));
        endpoint.Start();
        var (status, headers, body) = await GetAsync(endpoint, "/metrics");

        Assert.Equal(200, status);
        Assert.Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8", headers, StringComparison.Ordinal);
        Assert.Equal(
            """
            # HELP test_active Peers running
            # TYPE test_active gauge
            test_active 1
            # HELP test_duration_seconds Round trips
            # TYPE test_duration_seconds histogram
            test_duration_seconds_bucket{le="0.01"} 1
            test_duration_seconds_bucket{le="0.1"} 2
            test_duration_seconds_bucket{le="+Inf"} 3
            test_duration_seconds_sum 3.055
            test_duration_seconds_count 3
            # HELP test_height Chain height
            # TYPE test_height gauge
            test_height 255
            # HELP test_io_bytes_total Bytes moved
            # TYPE test_io_bytes_total counter
            test_io_bytes_total{bitcoin_command="ping",network_io_direction="transmit"} 15
            test_io_bytes_total{bitcoin_command="we\"ird\\"} 7

            """.ReplaceLineEndings("\n"),
            body);
    }

    [Fact]
    public async Task Health_is_served_when_configured_and_anything_else_is_refused()
    {
        using var collector = new MetricsCollector("ProtoGen.Test.None");
        await using var endpoint = new MetricsEndpoint(collector, new IPEndPoint(IPAddress.Loopback, 0))
        {
            Health = _ => Task.FromResult(new EndpointResponse(503, "text/plain", "Unhealthy\n")),
        };
        endpoint.Start();

        Assert.Equal((503, "Unhealthy\n"), Pick(await GetAsync(endpoint, "/health")));
        Assert.Equal((200, string.Empty), Pick(await GetAsync(endpoint, "/metrics?x=1")));
        Assert.Equal(404, (await GetAsync(endpoint, "/other")).Status);
        Assert.Equal(405, (await SendAsync(endpoint, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).Status);
        Assert.Equal(400, (await SendAsync(endpoint, "nonsense\r\n\r\n")).Status);
        Assert.Equal(431, (await SendAsync(endpoint, "GET /" + new string('a', 9000))).Status);

        await endpoint.StopAsync();
        using var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => refused.ConnectAsync(endpoint.LocalEndPoint));
    }

    [Theory]
    [InlineData("protogen.peer.messages", "{message}", true, "protogen_peer_messages_total")]
    [InlineData("protogen.peer.io", "By", true, "protogen_peer_io_bytes_total")]
    [InlineData("protogen.peer.active", "{peer}", false, "protogen_peer_active")]
    [InlineData("protogen.peer.ping.duration", "s", false, "protogen_peer_ping_duration_seconds")]
    [InlineData("already_seconds", "s", false, "already_seconds")]
    [InlineData("9lives-x", null, false, "_lives_x")]
    public void Names_follow_the_OpenTelemetry_mapping(string instrument, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusText.MetricName(instrument, unit, counter));

    private static (int, string) Pick((int Status, string Headers, string Body) response) => (response.Status, response.Body);

    internal static Task<(int Status, string Headers, string Body)> GetAsync(MetricsEndpoint endpoint, string path) =>
        SendAsync(endpoint, $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    private static async Task<(int Status, string Headers, string Body)> SendAsync(MetricsEndpoint endpoint, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.LocalEndPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string head = response[..split];
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, response[(split + 4)..]);
    }
}
