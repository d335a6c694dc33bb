using System;

namespace ProtoGen;

/// <summary>Options that change how values are encoded.</summary>
[Flags]
public enum WireFlags
{
    /// <summary>Default encoding.</summary>
    None = 0,

    /// <summary>Encode transactions without segregated-witness data (for peers that do not advertise or request it).</summary>
    NoWitness = 1,
}

/// <summary>
/// The encoding context shared by readers, writers and size computations: the negotiated protocol version (which
/// gates <see cref="SinceAttribute"/> fields) and <see cref="WireFlags"/>.
/// </summary>
public readonly struct WireContext : IEquatable<WireContext>
{
    private readonly int _protocolVersion;

    /// <summary>Creates a context.</summary>
    /// <param name="protocolVersion">The negotiated protocol version; 0 means "newest" (every gated field is present).</param>
    /// <param name="flags">Encoding options.</param>
    public WireContext(int protocolVersion, WireFlags flags = WireFlags.None)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(protocolVersion);
        _protocolVersion = protocolVersion;
        Flags = flags;
    }

    /// <summary>A context with every version-gated field present and default flags.</summary>
    public static WireContext Default => default;

    /// <summary>The protocol version; <see cref="int.MaxValue"/> when unspecified.</summary>
    public int ProtocolVersion => _protocolVersion == 0 ? int.MaxValue : _protocolVersion;

    /// <summary>Encoding options.</summary>
    public WireFlags Flags { get; }

    /// <summary>Whether transactions are encoded with their witness data.</summary>
    public bool AllowWitness => (Flags & WireFlags.NoWitness) == 0;

    /// <summary>Returns this context with other flags.</summary>
    /// <param name="flags">The new flags.</param>
    public WireContext WithFlags(WireFlags flags) => new(_protocolVersion, flags);

    /// <inheritdoc/>
    public bool Equals(WireContext other) => _protocolVersion == other._protocolVersion && Flags == other.Flags;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WireContext other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_protocolVersion, Flags);

    /// <summary>Equality.</summary>
    public static bool operator ==(WireContext left, WireContext right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(WireContext left, WireContext right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => $"pver {(_protocolVersion == 0 ? "latest" : _protocolVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))}, {Flags}";
}
