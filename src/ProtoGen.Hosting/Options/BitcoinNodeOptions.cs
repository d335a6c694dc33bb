using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ProtoGen.Hosting;

/// <summary>
/// The hosted node's options, bound from the configuration section <see cref="SectionName"/> (<c>Bitcoin</c>: in
/// <c>appsettings.json</c>, or environment variables such as <c>Bitcoin__Listen</c> and <c>Bitcoin__Connect__0</c>)
/// and validated when the host starts.
/// </summary>
public sealed class BitcoinNodeOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bitcoin";

    /// <summary>The network: mainnet, testnet3, testnet4, signet or regtest.</summary>
    [Required]
    public string Network { get; set; } = "mainnet";

    /// <summary>Where to accept inbound peers, as <c>address:port</c> (<c>127.0.0.1:8333</c>, <c>[::]:8333</c>; port 0: any free port; no port: the network's); empty: accept none.</summary>
    public string? Listen { get; set; }

    /// <summary>Outbound peers to keep connected, each <c>host:port</c> (no port: the network's).</summary>
    public IList<string> Connect { get; set; } = [];

    /// <summary>Whether to sync headers and blocks from the outbound peers.</summary>
    public bool Sync { get; set; } = true;

    /// <summary>A blk file (Bitcoin Core's <c>blk*.dat</c> records) to load the chain from at start; empty: genesis only, unless a <c>ChainStore</c> is registered.</summary>
    public string? BlocksFile { get; set; }

    /// <summary>The user agent's name (BIP14).</summary>
    [Required]
    [RegularExpression("^[^/:()]+$")]
    public string UserAgentName { get; set; } = "ProtoGen";

    /// <summary>The user agent's version (BIP14).</summary>
    [Required]
    [RegularExpression("^[^/:()]+$")]
    public string UserAgentVersion { get; set; } = "0.1.0";

    /// <summary>How long to wait before connecting again to an outbound address that failed or ended.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Limits on each peer and, as they are added, on the node.</summary>
    [ValidateObjectMembers]
    public BitcoinLimitsOptions Limits { get; set; } = new();

    /// <summary>What the health checks expect.</summary>
    [ValidateObjectMembers]
    public BitcoinHealthOptions Health { get; set; } = new();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Network) && !ProtoGen.Bitcoin.BitcoinNetwork.TryGet(Network, out _))
        {
            yield return new ValidationResult($"Bitcoin:Network: '{Network}' is not a network (mainnet, testnet3, testnet4, signet, regtest)", [nameof(Network)]);
        }

        if (!string.IsNullOrEmpty(Listen) && !Addresses.TryParseListen(Listen, 0, out _))
        {
            yield return new ValidationResult($"Bitcoin:Listen: '{Listen}' is not an address:port to listen on (e.g. 127.0.0.1:8333 or [::]:8333)", [nameof(Listen)]);
        }

        for (int i = 0; i < Connect.Count; i++)
        {
            if (!Addresses.TryParseConnect(Connect[i], 0, out _))
            {
                yield return new ValidationResult($"Bitcoin:Connect:{i}: '{Connect[i]}' is not a host:port to connect to", [$"{nameof(Connect)}[{i}]"]);
            }
        }

        if (ReconnectDelay <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Bitcoin:ReconnectDelay: {ReconnectDelay} must be positive", [nameof(ReconnectDelay)]);
        }
    }
}
