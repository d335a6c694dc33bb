using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Net;

namespace ProtoGen.Hosting;

/// <summary>
/// The HTTP endpoint serving <c>/metrics</c> (Prometheus text) and <c>/health</c> (the host's health checks),
/// configuration section <see cref="SectionName"/>.
/// </summary>
public sealed class BitcoinEndpointOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bitcoin:Endpoint";

    /// <summary>The IP address to bind (default 127.0.0.1: scrapers on this machine only).</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The port (0: any free port).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9108;

    /// <summary>Further meters to serve besides <c>ProtoGen.Peer</c> (for example the application's own).</summary>
    public IList<string> Meters { get; set; } = [];

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Address) && !IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult($"Bitcoin:Endpoint:Address: '{Address}' is not an IP address", [nameof(Address)]);
        }
    }
}
