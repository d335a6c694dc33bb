using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ProtoGen.Samples.HostedNode;

/// <summary>Logs the health report each time its status changes.</summary>
internal sealed partial class HealthLog(ILogger<HealthLog> logger) : IHealthCheckPublisher
{
    private HealthStatus? _last;

    /// <inheritdoc/>
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (report.Status != _last)
        {
            _last = report.Status;
            Changed(logger, report.Status, string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} ({e.Value.Description})")));
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "health: {Status}: {Checks}")]
    private static partial void Changed(ILogger logger, HealthStatus status, string checks);
}
