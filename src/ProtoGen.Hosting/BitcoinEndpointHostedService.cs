using System;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ProtoGen.Node.Telemetry;

namespace ProtoGen.Hosting;

/// <summary>Serves <c>/metrics</c> and <c>/health</c> while the host runs (<see cref="MetricsEndpoint"/>).</summary>
internal sealed partial class BitcoinEndpointHostedService : IHostedService, IAsyncDisposable
{
    private readonly BitcoinEndpointOptions _options;
    private readonly MetricsCollector _collector;
    private readonly HealthCheckService? _health;
    private readonly ILogger _logger;
    private MetricsEndpoint? _endpoint;

    public BitcoinEndpointHostedService(IOptions<BitcoinEndpointOptions> options, MetricsCollector collector, IServiceProvider services)
    {
        _options = options.Value;
        _collector = collector;
        _health = services.GetService<HealthCheckService>();
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger(BitcoinNodeFactory.NodeLogCategory) ?? NullLogger.Instance;
    }

    /// <summary>The bound address, once started.</summary>
    public IPEndPoint? LocalEndPoint => _endpoint?.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var health = _health;
        var endpoint = new MetricsEndpoint(_collector, new IPEndPoint(IPAddress.Parse(_options.Address), _options.Port))
        {
            Health = health is null ? null : token => ReportAsync(health, token),
        };
        endpoint.Start();
        _endpoint = endpoint;
        var bound = endpoint.LocalEndPoint;
        Listening(_logger, string.Create(CultureInfo.InvariantCulture, $"http://{(bound.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString())}:{bound.Port}"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _endpoint?.StopAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_endpoint is { } endpoint)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The health report as text: the overall status, then one line per check; 503 when unhealthy.</summary>
    internal static async Task<EndpointResponse> ReportAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder().Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries)
        {
            text.Append(name).Append(": ").Append(entry.Status);
            if (!string.IsNullOrEmpty(entry.Description))
            {
                text.Append(" (").Append(entry.Description).Append(')');
            }

            text.Append('\n');
        }

        return new EndpointResponse(report.Status == HealthStatus.Unhealthy ? 503 : 200, "text/plain; charset=utf-8", text.ToString());
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Metrics on {Url}/metrics, health on {Url}/health")]
    private static partial void Listening(ILogger logger, string url);
}
