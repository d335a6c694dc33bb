using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// The layout of a BIP324 packet: a 3-byte encrypted contents length, then the AEAD ciphertext of a 1-byte header
/// and the contents, then the 16-byte Poly1305 tag.
/// </summary>
/// <remarks>
/// <code>
/// [0..3)        length of the contents, little-endian, encrypted by the length cipher
/// [3]           header (bit 7: ignore = decoy), encrypted
/// [4..4+n)      contents, encrypted
/// [4+n..20+n)   tag
/// </code>
/// </remarks>
internal static class V2Packet
{
    /// <summary>The size of the encrypted length field.</summary>
    public const int LengthSize = 3;

    /// <summary>The size of the header byte.</summary>
    public const int HeaderSize = 1;

    /// <summary>The size of the Poly1305 tag.</summary>
    public const int TagSize = 16;

    /// <summary>A packet's size beyond its contents.</summary>
    public const int Expansion = LengthSize + HeaderSize + TagSize;

    /// <summary>Where the contents start in a packet.</summary>
    public const int ContentsOffset = LengthSize + HeaderSize;

    /// <summary>The header bit that marks a decoy packet, which the receiver verifies and then ignores.</summary>
    public const byte IgnoreBit = 0x80;

    /// <summary>The longest contents the 3-byte length can describe (2^24 - 1).</summary>
    public const int MaxEncodableContentsLength = (1 << (8 * LengthSize)) - 1;

    /// <summary>
    /// The longest contents accepted: the long message-type form (1 + 12 bytes) and the largest message payload
    /// (Bitcoin Core's <c>MAX_CONTENTS_LEN</c>). A longer announced length ends the connection before anything is
    /// allocated.
    /// </summary>
    public const int MaxContentsLength = 1 + MessageCommand.Size + ProtocolLimits.MaxMessagePayload;

    /// <summary>The size of a packet with <paramref name="contentsLength"/> bytes of contents.</summary>
    /// <param name="contentsLength">The contents length.</param>
    public static int SizeOf(int contentsLength) => contentsLength + Expansion;
}
