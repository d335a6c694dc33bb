using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ProtoGen.Node;

namespace ProtoGen.Hosting;

/// <summary>The names of the node's health checks (<see cref="BitcoinHealthChecksBuilderExtensions.AddBitcoinNodeChecks"/>).</summary>
public static class BitcoinHealthChecks
{
    /// <summary>Whether the node accepts inbound peers (healthy too when it is not configured to listen).</summary>
    public const string Listening = "bitcoin-listening";

    /// <summary>Handshaken peers against <see cref="BitcoinHealthOptions.MinPeers"/>.</summary>
    public const string Peers = "bitcoin-peers";

    /// <summary>The blocks held against <see cref="BitcoinHealthOptions.MinHeight"/> and the age of the chain tip's timestamp against <see cref="BitcoinHealthOptions.MaxTipAge"/>.</summary>
    public const string Tip = "bitcoin-tip";
}

/// <summary>Whether the node is accepting inbound peers as configured.</summary>
internal sealed class ListeningHealthCheck(BitcoinNode node) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (node.Settings.Listen is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("not configured to listen"));
        }

        return Task.FromResult(node.IsListening
            ? HealthCheckResult.Healthy("listening on " + node.LocalEndPoint)
            : new HealthCheckResult(context.Registration.FailureStatus, "not listening"));
    }
}

/// <summary>Handshaken peers against the configured minimum.</summary>
internal sealed class PeersHealthCheck(BitcoinNode node, IOptions<BitcoinNodeOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int min = options.Value.Health.MinPeers;
        int running = node.Peers.Count;
        int handshaken = node.HandshakenPeerCount;
        var data = new Dictionary<string, object> { ["handshaken"] = handshaken, ["running"] = running, ["minimum"] = min };
        string description = string.Create(CultureInfo.InvariantCulture, $"{handshaken} handshaken peer{(handshaken == 1 ? string.Empty : "s")} of {running}, at least {min} wanted");
        return Task.FromResult(handshaken >= min
            ? HealthCheckResult.Healthy(description, data)
            : new HealthCheckResult(context.Registration.FailureStatus, description, data: data));
    }
}

/// <summary>The age of the chain tip against the configured maximum.</summary>
internal sealed class TipHealthCheck(BitcoinNode node, IOptions<BitcoinNodeOptions> options, TimeProvider? time = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var chain = node.Chain;
        var expected = options.Value.Health;
        var tipTime = DateTimeOffset.FromUnixTimeSeconds(chain.TipHeader.Timestamp);
        var age = (time ?? TimeProvider.System).GetUtcNow() - tipTime;
        int blocks = chain.BlockHeight;
        var data = new Dictionary<string, object> { ["height"] = chain.Height, ["blockHeight"] = blocks, ["tip"] = chain.TipHash.ToString(), ["tipTime"] = tipTime, ["ageSeconds"] = Math.Round(age.TotalSeconds) };
        string description = string.Create(CultureInfo.InvariantCulture, $"height {chain.Height}, tip {tipTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        string? problem = null;
        if (blocks < expected.MinHeight)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $", blocks held to height {blocks}, below {expected.MinHeight}");
        }
        else if (expected.MaxTipAge is { } max && age > max)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $" is older than {max}");
        }

        return Task.FromResult(problem is null
            ? HealthCheckResult.Healthy(description, data)
            : new HealthCheckResult(context.Registration.FailureStatus, description + problem, data: data));
    }
}
