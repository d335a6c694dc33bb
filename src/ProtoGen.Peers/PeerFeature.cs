using System;
using System.Globalization;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>
/// One BIP434 feature: an id and its data, as announced in a <c>feature</c> message between version and verack.
/// Announce ours with <see cref="PeerConfig.AnnounceFeatures"/>; read the remote's with <see cref="Peer.RemoteFeatures"/>.
/// </summary>
/// <remarks>
/// BIP434 asks for a globally unique id: a BIP's number (<c>BIP434</c>, <c>BIP434v2</c>) or, for experiments, a URL or
/// a hash. Equality compares the id and the data's bytes.
/// </remarks>
public sealed record PeerFeature
{
    /// <summary>Creates a feature, checking BIP434's rules on what we send.</summary>
    /// <param name="id">The id: 4 to 80 printable ASCII characters (bytes 32 to 126).</param>
    /// <param name="data">The feature's data, at most 512 bytes; empty (the default) when the feature needs none.</param>
    /// <exception cref="ArgumentException">The id or the data breaks BIP434's limits.</exception>
    public PeerFeature(string id, ReadOnlyMemory<byte> data = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is < ProtocolLimits.MinFeatureIdLength or > ProtocolLimits.MaxFeatureIdLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"BIP434: a feature id has {ProtocolLimits.MinFeatureIdLength} to {ProtocolLimits.MaxFeatureIdLength} characters, '{id}' has {id.Length}"), nameof(id));
        }

        if (!IsPrintableAscii(id))
        {
            throw new ArgumentException($"BIP434: a feature id is printable ASCII (bytes 32 to 126): '{id}'", nameof(id));
        }

        if (data.Length > ProtocolLimits.MaxFeatureDataLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"BIP434: feature data is at most {ProtocolLimits.MaxFeatureDataLength} bytes, '{id}' has {data.Length}"), nameof(data));
        }

        Id = id;
        Data = new WireBytes(data.ToArray());
    }

    /// <summary>The feature's id.</summary>
    public string Id { get; }

    /// <summary>The feature's data (a copy owned by this record; empty when none).</summary>
    public WireBytes Data { get; }

    /// <summary>Whether <paramref name="text"/> holds only printable ASCII (32 to 126), as BIP434 asks of a feature id.</summary>
    /// <param name="text">The text.</param>
    internal static bool IsPrintableAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange(' ', '~');

    /// <summary>Whether <paramref name="bytes"/> are only printable ASCII (32 to 126).</summary>
    /// <param name="bytes">The bytes.</param>
    internal static bool IsPrintableAscii(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExceptInRange((byte)' ', (byte)'~');

    /// <summary>The <c>feature</c> message that announces this feature.</summary>
    internal FeatureMessage ToMessage() => new() { FeatureId = new WireBytes(System.Text.Encoding.ASCII.GetBytes(Id)), Data = Data };

    /// <summary>The id and the data's length.</summary>
    public override string ToString() => Data.IsEmpty ? Id : string.Create(CultureInfo.InvariantCulture, $"{Id} ({Data.Length} bytes)");
}
