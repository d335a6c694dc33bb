using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Admission;
using ProtoGen.Peers;

namespace ProtoGen.Hosting;

/// <summary>
/// Limits (configuration section <c>Bitcoin:Limits</c>): per peer, each maps onto the <see cref="PeerConfig"/> property
/// of the same name (defaults <see cref="PeerDefaults"/>); node-wide, the budget of what all peers together may make
/// the node hold (a <see cref="PeerBudget"/> of the node's own) and the inbound admission limits
/// (<see cref="AdmissionOptions"/>, same names and defaults). docs/reliability.md says what each does.
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

    /// <summary>Bytes queued for one peer before its requests wait and it is not read (Bitcoin Core's send buffer).</summary>
    [Range(1, int.MaxValue)]
    public int MaxSendBuffer { get; set; } = PeerDefaults.MaxSendBuffer;

    /// <summary>Bytes of incomplete messages all the node's peers together may hold.</summary>
    public long MaxPartialMessageBytes { get; set; } = PeerDefaults.MaxPartialMessageBytes;

    /// <summary>Bytes queued for sending to all the node's peers together.</summary>
    public long MaxQueuedSendBytes { get; set; } = PeerDefaults.MaxQueuedSendBytes;

    /// <summary>How long a peer may stay paused over the budget before it is disconnected.</summary>
    public TimeSpan OverBudgetDeadline { get; set; } = PeerDefaults.OverBudgetDeadline;

    /// <summary>The most inbound peers kept; a newcomer beyond evicts one as Bitcoin Core chooses, or is refused.</summary>
    [Range(0, 1_000_000)]
    public int MaxInbound { get; set; } = AdmissionOptions.DefaultMaxInbound;

    /// <summary>Incomplete handshakes allowed per source /24 (IPv4) or /64 (IPv6).</summary>
    [Range(1, 1_000_000)]
    public int MaxPendingHandshakesPerSource { get; set; } = AdmissionOptions.DefaultMaxPendingHandshakesPerSource;

    /// <summary>Handshakes per second taken overall.</summary>
    public double HandshakeRate { get; set; } = AdmissionOptions.DefaultHandshakeRate;

    /// <summary>Handshakes taken overall in a burst.</summary>
    [Range(1, 1_000_000)]
    public int HandshakeBurst { get; set; } = AdmissionOptions.DefaultHandshakeBurst;

    /// <summary>Handshakes per second taken from one source.</summary>
    public double SourceHandshakeRate { get; set; } = AdmissionOptions.DefaultSourceHandshakeRate;

    /// <summary>Handshakes taken from one source in a burst.</summary>
    [Range(1, 1_000_000)]
    public int SourceHandshakeBurst { get; set; } = AdmissionOptions.DefaultSourceHandshakeBurst;

    /// <summary>Whether the per-source limits apply to loopback sources too (off: every local process shares one address).</summary>
    public bool LimitLoopback { get; set; }

    /// <summary>The listen backlog (the kernel caps it at <c>net.core.somaxconn</c>).</summary>
    [Range(1, 65_535)]
    public int ListenBacklog { get; set; } = AdmissionOptions.DefaultListenBacklog;

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

        foreach (var (name, value) in new[] { (nameof(MaxPartialMessageBytes), MaxPartialMessageBytes), (nameof(MaxQueuedSendBytes), MaxQueuedSendBytes) })
        {
            if (value < 1)
            {
                yield return new ValidationResult($"Bitcoin:Limits:{name}: {value} must be positive", [name]);
            }
        }

        foreach (var (name, value) in new[] { (nameof(HandshakeRate), HandshakeRate), (nameof(SourceHandshakeRate), SourceHandshakeRate) })
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                yield return new ValidationResult($"Bitcoin:Limits:{name}: {value} must be above 0", [name]);
            }
        }

        foreach (var (name, value) in new[] { (nameof(PingTimeout), PingTimeout), (nameof(IdleTimeout), IdleTimeout), (nameof(StallResponseTimeout), StallResponseTimeout), (nameof(OverBudgetDeadline), OverBudgetDeadline) })
        {
            if (value < TimeSpan.Zero)
            {
                yield return new ValidationResult($"Bitcoin:Limits:{name}: {value} must not be negative", [name]);
            }
        }
    }

    /// <summary>Applies the per-peer limits to a peer configuration, with a budget of the node's own.</summary>
    internal PeerConfig ApplyTo(PeerConfig config) => config with
    {
        MaxSendBuffer = MaxSendBuffer,
        Budget = new PeerBudget(MaxPartialMessageBytes, MaxQueuedSendBytes, OverBudgetDeadline),
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

    /// <summary>The admission limits, sharing nothing with other nodes.</summary>
    internal AdmissionOptions ToAdmission() => new()
    {
        MaxInbound = MaxInbound,
        MaxPendingHandshakesPerSource = MaxPendingHandshakesPerSource,
        HandshakeRate = HandshakeRate,
        HandshakeBurst = HandshakeBurst,
        SourceHandshakeRate = SourceHandshakeRate,
        SourceHandshakeBurst = SourceHandshakeBurst,
        LimitLoopback = LimitLoopback,
        ListenBacklog = ListenBacklog,
    };
}
