using System;
using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ProtoGen.Hosting;
using ProtoGen.Node;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the hosted node's health checks.</summary>
public static class BitcoinHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the checks <see cref="BitcoinHealthChecks.Listening"/>, <see cref="BitcoinHealthChecks.Peers"/> (at least
    /// <c>Bitcoin:Health:MinPeers</c> handshaken peers) and <see cref="BitcoinHealthChecks.Tip"/> (tip no older than
    /// <c>Bitcoin:Health:MaxTipAge</c>) for the node registered with <c>AddBitcoinNode</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="failureStatus">The status a failing check reports (default Unhealthy).</param>
    /// <param name="tags">Tags for the three checks (for example "ready").</param>
    public static IHealthChecksBuilder AddBitcoinNodeChecks(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(new HealthCheckRegistration(BitcoinHealthChecks.Listening, sp => new ListeningHealthCheck(sp.GetRequiredService<BitcoinNode>()), failureStatus, tags));
        builder.Add(new HealthCheckRegistration(BitcoinHealthChecks.Peers, sp => new PeersHealthCheck(sp.GetRequiredService<BitcoinNode>(), sp.GetRequiredService<IOptions<BitcoinNodeOptions>>()), failureStatus, tags));
        builder.Add(new HealthCheckRegistration(BitcoinHealthChecks.Tip, sp => new TipHealthCheck(sp.GetRequiredService<BitcoinNode>(), sp.GetRequiredService<IOptions<BitcoinNodeOptions>>(), sp.GetService<TimeProvider>()), failureStatus, tags));
        return builder;
    }
}
