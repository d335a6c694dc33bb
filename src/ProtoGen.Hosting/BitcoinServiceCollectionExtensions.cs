using System;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProtoGen.Hosting;
using ProtoGen.Node;
using ProtoGen.Node.Metrics;
using ProtoGen.Node.Telemetry;
using ProtoGen.Peers.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a ProtoGen Bitcoin node with a host (docs/hosting.md).</summary>
public static class BitcoinServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="BitcoinNode"/> (a singleton) and a hosted service that starts it with the host and stops
    /// it gracefully with the host. Options come from the configuration section <c>Bitcoin</c>
    /// (<see cref="BitcoinNodeOptions"/>), then <paramref name="configure"/>, and are validated when the host starts
    /// (a failure names the option). Every registered <c>IBitcoinListener&lt;Peer&gt;</c> receives every peer's
    /// messages, in registration order; a registered <see cref="ChainStore"/> is the node's chain.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after the configuration was bound.</param>
    public static IServiceCollection AddBitcoinNode(this IServiceCollection services, Action<BitcoinNodeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BitcoinNodeOptions>().BindConfiguration(BitcoinNodeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BitcoinNodeOptions>, BitcoinNodeOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(BitcoinNodeFactory.Create);
        services.AddHostedService<BitcoinNodeHostedService>();
        return services;
    }

    /// <summary>
    /// Like <see cref="AddBitcoinNode"/> for an application that only connects out (a crawler, monitor, SPV client or
    /// bridge): the node keeps the configured <c>Bitcoin:Connect</c> peers and accepts no inbound peer, whatever
    /// <c>Bitcoin:Listen</c> says.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after the configuration was bound.</param>
    public static IServiceCollection AddBitcoinPeers(this IServiceCollection services, Action<BitcoinNodeOptions>? configure = null)
    {
        services.AddBitcoinNode(configure);
        services.PostConfigure<BitcoinNodeOptions>(options => options.Listen = null);
        return services;
    }

    /// <summary>
    /// Serves <c>/metrics</c> (the <c>ProtoGen.Peer</c> and <c>ProtoGen.Node</c> meters and <c>Bitcoin:Endpoint:Meters</c> in the Prometheus text
    /// format) and <c>/health</c> (the host's health checks: 200 when healthy or degraded, 503 when unhealthy) on
    /// <c>Bitcoin:Endpoint:Address</c> (127.0.0.1) and <c>Bitcoin:Endpoint:Port</c> (9108), with no ASP.NET Core.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after the configuration was bound.</param>
    public static IServiceCollection AddBitcoinEndpoint(this IServiceCollection services, Action<BitcoinEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BitcoinEndpointOptions>().BindConfiguration(BitcoinEndpointOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BitcoinEndpointOptions>, BitcoinEndpointOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BitcoinEndpointOptions>>().Value;
            return new MetricsCollector([PeerMetrics.MeterName, NodeMetrics.MeterName, .. options.Meters]);
        });
        services.AddHostedService<BitcoinEndpointHostedService>();
        return services;
    }
}
