using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;

namespace ProtoGen.Hosting;

/// <summary>What the node's health checks expect (configuration section <c>Bitcoin:Health</c>).</summary>
public sealed class BitcoinHealthOptions : IValidatableObject
{
    /// <summary>The fewest handshaken peers for the peers check to report healthy.</summary>
    [Range(0, 1_000_000)]
    public int MinPeers { get; set; } = 1;

    /// <summary>The least height up to which every block must be held for the tip check to report healthy (0: any).</summary>
    [Range(0, int.MaxValue)]
    public int MinHeight { get; set; }

    /// <summary>The oldest the chain tip's timestamp may be for the tip check to report healthy; null: any age.</summary>
    public TimeSpan? MaxTipAge { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxTipAge is { } age && age <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Bitcoin:Health:MaxTipAge: {age} must be positive", [nameof(MaxTipAge)]);
        }
    }
}
