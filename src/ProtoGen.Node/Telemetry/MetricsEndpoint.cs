using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Node.Telemetry;

/// <summary>What an HTTP route of a <see cref="MetricsEndpoint"/> answers.</summary>
/// <param name="Status">The status code (200, 503, ...).</param>
/// <param name="ContentType">The content type.</param>
/// <param name="Body">The body.</param>
public sealed record EndpointResponse(int Status, string ContentType, string Body);

/// <summary>
/// A minimal HTTP/1.1 responder for scrapes: <c>GET /metrics</c> answers the collector's Prometheus text, and
/// <c>GET /health</c> answers <see cref="Health"/> when set; anything else is 404 (405 for other methods). One
/// request per connection, handled one at a time, each bounded in size (8 KiB) and time (5 s), so a client can hold
/// nothing. Bind it to a loopback address (the default) unless a scraper elsewhere must reach it.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    /// <summary>The path of the Prometheus scrape.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The path of the health report.</summary>
    public const string HealthPath = "/health";

    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(5);

    private readonly MetricsCollector _collector;
    private readonly IPEndPoint _bind;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private IPEndPoint? _localEndPoint;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="collector">The metrics to serve.</param>
    /// <param name="bind">The address and port (port 0: any free port).</param>
    public MetricsEndpoint(MetricsCollector collector, IPEndPoint bind)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(bind);
        _collector = collector;
        _bind = bind;
    }

    /// <summary>Answers <c>GET /health</c>; null: the path is not served.</summary>
    public Func<CancellationToken, Task<EndpointResponse>>? Health { get; init; }

    /// <summary>The bound address (valid after <see cref="Start"/>).</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ?? throw new InvalidOperationException("the endpoint has not started");

    /// <summary>Binds and starts answering. Throws <see cref="SocketException"/> when the address is in use.</summary>
    public void Start()
    {
        var socket = new Socket(_bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(_bind);
            socket.Listen(16);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        _localEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Stops answering and waits for the request in progress. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            using (client)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(s_requestTimeout);
                try
                {
                    await HandleAsync(client, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // A slow, broken or closed client; the next one is served.
                }
            }
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        int length = 0;
        int end;
        while ((end = HeaderEnd(buffer.AsSpan(0, length))) < 0)
        {
            if (length == buffer.Length)
            {
                await RespondAsync(client, new EndpointResponse(431, "text/plain", "request too large\n"), cancellationToken).ConfigureAwait(false);
                return;
            }

            int read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            length += read;
        }

        string line = Encoding.ASCII.GetString(buffer, 0, Math.Max(0, buffer.AsSpan(0, end).IndexOf((byte)'\r')));
        var parts = line.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            await RespondAsync(client, new EndpointResponse(400, "text/plain", "bad request\n"), cancellationToken).ConfigureAwait(false);
            return;
        }

        string path = parts[1];
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        EndpointResponse response;
        if (parts[0] != "GET")
        {
            response = new EndpointResponse(405, "text/plain", "only GET\n");
        }
        else if (path == MetricsPath)
        {
            response = new EndpointResponse(200, PrometheusText.ContentType, _collector.Scrape());
        }
        else if (path == HealthPath && Health is { } health)
        {
            response = await health(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            response = new EndpointResponse(404, "text/plain", "not found\n");
        }

        await RespondAsync(client, response, cancellationToken).ConfigureAwait(false);
    }

    private static int HeaderEnd(ReadOnlySpan<byte> received) => received.IndexOf("\r\n\r\n"u8);

    private static async Task RespondAsync(Socket client, EndpointResponse response, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(response.Body);
        string head = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        await client.SendAsync(body, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        client.Shutdown(SocketShutdown.Both);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
