using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProtoGen.Node;
using ProtoGen.Node.Telemetry;

namespace ProtoGen.Hosting;

/// <summary>
/// Starts the node with the host and stops it with the host: on shutdown the peers drain until the host's shutdown
/// timeout (<c>HostOptions.ShutdownTimeout</c>) cancels the token, then every peer is disconnected and awaited.
/// </summary>
internal sealed class BitcoinNodeHostedService : IHostedService
{
    private readonly BitcoinNode _node;

    public BitcoinNodeHostedService(BitcoinNode node, IServiceProvider services)
    {
        _node = node;

        // The metrics collector, when the endpoint is registered, exists before the node starts: it counts from the first peer on.
        _ = services.GetService<MetricsCollector>();
    }

    public Task StartAsync(CancellationToken cancellationToken) => _node.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _node.StopAsync(cancellationToken);
}
