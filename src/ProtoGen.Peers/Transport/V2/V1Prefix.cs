using System;
using System.Buffers.Binary;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>What the first bytes of an inbound connection say about its protocol.</summary>
internal enum V1PrefixMatch
{
    /// <summary>Every byte so far matches a v1 <c>version</c> header, but fewer than 16 have come.</summary>
    Undecided,

    /// <summary>The 16 bytes are the network magic and <c>version\0\0\0\0\0</c>: a v1 peer.</summary>
    V1,

    /// <summary>A byte differs: a v2 initiator's key (or something else that is not v1).</summary>
    NotV1,
}

/// <summary>
/// BIP324's v1 detection on inbound connections: a responder compares the first 16 bytes with the start of a v1
/// <c>version</c> message header (magic, then the command padded with NUL bytes). A match is served as v1; the first
/// mismatching byte starts the v2 handshake. The transport decides; this only compares.
/// </summary>
internal static class V1Prefix
{
    /// <summary>The v1 command field of <c>version</c>, NUL-padded: the part after the magic.</summary>
    private static ReadOnlySpan<byte> VersionCommand => "version\0\0\0\0\0"u8;

    /// <summary>Compares the bytes received so far with the v1 <c>version</c> header prefix.</summary>
    /// <param name="received">The first bytes received (only the first 16 are looked at).</param>
    /// <param name="magic">The network magic, as the little-endian integer of its four wire bytes.</param>
    public static V1PrefixMatch Check(ReadOnlySpan<byte> received, uint magic)
    {
        Span<byte> prefix = stackalloc byte[V2Protocol.V1PrefixLength];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, magic);
        VersionCommand.CopyTo(prefix.Slice(sizeof(uint)));
        int compared = Math.Min(received.Length, prefix.Length);
        if (!received.Slice(0, compared).SequenceEqual(prefix.Slice(0, compared)))
        {
            return V1PrefixMatch.NotV1;
        }

        return compared == prefix.Length ? V1PrefixMatch.V1 : V1PrefixMatch.Undecided;
    }

    /// <summary>
    /// Whether bytes 4-15 of what a responder received are the v1 <c>version</c> command while the magic differed:
    /// a v1 peer of another network. Bitcoin Core disconnects such a peer at once rather than answering with a key.
    /// </summary>
    /// <param name="received">At least 16 bytes received.</param>
    public static bool IsVersionOfAnotherNetwork(ReadOnlySpan<byte> received) =>
        received.Length >= V2Protocol.V1PrefixLength && received.Slice(sizeof(uint), MessageCommand.Size).SequenceEqual(VersionCommand);
}
