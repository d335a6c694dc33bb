using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Hosting;

/// <summary>
/// Limits (configuration section <c>Bitcoin:Limits</c>). Each maps onto the <see cref="PeerConfig"/> property of the
/// same name; the defaults are <see cref="PeerDefaults"/>. Node-wide admission limits join this section as the node
/// grows them.
/// </summary>
public sealed class BitcoinLimitsOptions : IValidatableObject
{
    /// <summary>How long the version handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = PeerDefaults.HandshakeTimeout;

    /// <summary>How often each peer is pinged.</summary>
    public TimeSpan PingInterval { get; set; } = PeerDefaults.PingInterval;

    /// <summary>How long a ping may go unanswered (zero: no limit).</summary>
    public TimeSpan PingTimeout { get; set; } = PeerDefaults.PingTimeout;

    /// <summary>How long nothing may arrive from a peer (zero: no limit).</summary>
    public TimeSpan IdleTimeout { get; set; } = PeerDefaults.IdleTimeout;

    /// <summary>How long a request may wait for its response (zero: no stall detection).</summary>
    public TimeSpan StallResponseTimeout { get; set; } = PeerDefaults.StallResponseTimeout;

    /// <summary>User messages that may wait to be written to one peer.</summary>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = PeerDefaults.SendQueueCapacity;

    /// <summary>Inventory entries that may wait for one peer's next trickle.</summary>
    [Range(1, 10_000_000)]
    public int MaxPendingInventory { get; set; } = PeerDefaults.MaxPendingInventory;

    /// <summary>Inventory entries remembered per peer.</summary>
    [Range(1, 10_000_000)]
    public int KnownInventoryCapacity { get; set; } = PeerDefaults.KnownInventoryCapacity;

    /// <summary>Inventory entries per inv message.</summary>
    [Range(1, ProtocolLimits.MaxInventory)]
    public int MaxInventoryPerMessage { get; set; } = PeerDefaults.MaxInventoryPerMessage;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Bitcoin:Limits:HandshakeTimeout: {HandshakeTimeout} must be positive", [nameof(HandshakeTimeout)]);
        }

        if (PingInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Bitcoin:Limits:PingInterval: {PingInterval} must be positive", [nameof(PingInterval)]);
        }

        foreach (var (name, value) in new[] { (nameof(PingTimeout), PingTimeout), (nameof(IdleTimeout), IdleTimeout), (nameof(StallResponseTimeout), StallResponseTimeout) })
        {
            if (value < TimeSpan.Zero)
            {
                yield return new ValidationResult($"Bitcoin:Limits:{name}: {value} must not be negative", [name]);
            }
        }
    }

    /// <summary>Applies the limits to a peer configuration.</summary>
    internal PeerConfig ApplyTo(PeerConfig config) => config with
    {
        HandshakeTimeout = HandshakeTimeout,
        PingInterval = PingInterval,
        PingTimeout = PingTimeout,
        IdleTimeout = IdleTimeout,
        StallResponseTimeout = StallResponseTimeout,
        SendQueueCapacity = SendQueueCapacity,
        MaxPendingInventory = MaxPendingInventory,
        KnownInventoryCapacity = KnownInventoryCapacity,
        MaxInventoryPerMessage = MaxInventoryPerMessage,
    };
}
