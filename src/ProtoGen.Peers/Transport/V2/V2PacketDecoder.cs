using System;
using System.Buffers;
using System.Globalization;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>What <see cref="V2PacketDecoder.TryRead"/> found.</summary>
internal enum V2ReadStatus
{
    /// <summary>More bytes are needed (<see cref="V2PacketDecoder.BytesNeeded"/>).</summary>
    Incomplete,

    /// <summary>A packet to deliver.</summary>
    Packet,

    /// <summary>A decoy (ignore bit set): verified, to be skipped.</summary>
    Decoy,
}

/// <summary>
/// Decrypts the remote's packets (the length cipher and the packet AEAD of one direction), in two steps: first the
/// 3-byte length, checked against the limit before anything is allocated, so that the reader knows how many bytes
/// to wait for; then, once they are all there, the packet itself.
/// </summary>
/// <remarks>
/// Not thread-safe: one reader owns it. A failed tag or an oversized length throws <see cref="ProtocolException"/>;
/// the stream cannot be trusted after either, so the connection ends. Decoys are reported, never delivered.
/// </remarks>
internal sealed class V2PacketDecoder : IDisposable
{
    private readonly FSChaCha20 _lengthCipher;
    private readonly FSChaCha20Poly1305 _packetCipher;
    private readonly int _maxContentsLength;
    private int _contentsLength = -1;
    private ReadOnlyMemory<byte> _aad;
    private byte[]? _lastPacket;

    /// <summary>Creates the decoder.</summary>
    /// <param name="lengthKey">The 32-byte key of the remote's length cipher.</param>
    /// <param name="packetKey">The 32-byte key of the remote's packet AEAD.</param>
    /// <param name="maxContentsLength">The longest contents accepted (the protocol's, unless a caller bounds it lower).</param>
    public V2PacketDecoder(ReadOnlySpan<byte> lengthKey, ReadOnlySpan<byte> packetKey, int maxContentsLength = V2Packet.MaxContentsLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxContentsLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxContentsLength, V2Packet.MaxEncodableContentsLength);
        _lengthCipher = new FSChaCha20(lengthKey);
        _packetCipher = new FSChaCha20Poly1305(packetKey);
        _maxContentsLength = maxContentsLength;
    }

    /// <summary>Whether the current packet's length has been decrypted (its ciphertext is awaited).</summary>
    public bool HasLength => _contentsLength >= 0;

    /// <summary>
    /// The bytes the next step takes: <see cref="V2Packet.LengthSize"/> for a length, then the header, contents and
    /// tag of the packet whose length was decrypted.
    /// </summary>
    public int BytesNeeded => HasLength ? V2Packet.HeaderSize + _contentsLength + V2Packet.TagSize : V2Packet.LengthSize;

    /// <summary>The current packet's contents length (valid while <see cref="HasLength"/>).</summary>
    public int ContentsLength => _contentsLength;

    /// <summary>Packets verified so far, decoys included.</summary>
    public long PacketCount { get; private set; }

    /// <summary>Decoys in a row since the last real packet: a transport may bound it.</summary>
    public int ConsecutiveDecoys { get; private set; }

    /// <summary>Decrypts the next packet's length and checks it against the limit.</summary>
    /// <param name="encryptedLength">The 3 length bytes.</param>
    /// <returns>The contents length.</returns>
    /// <exception cref="ProtocolException">The length exceeds the limit (<see cref="ProtocolError.PayloadTooLarge"/>).</exception>
    public int DecryptLength(ReadOnlySpan<byte> encryptedLength)
    {
        if (HasLength)
        {
            throw new InvalidOperationException("this packet's length is already decrypted");
        }

        if (encryptedLength.Length < V2Packet.LengthSize)
        {
            throw new ArgumentException("a packet length is 3 bytes", nameof(encryptedLength));
        }

        Span<byte> plain = stackalloc byte[V2Packet.LengthSize];
        _lengthCipher.Crypt(encryptedLength.Slice(0, V2Packet.LengthSize), plain);
        int length = plain[0] | (plain[1] << 8) | (plain[2] << 16);
        if (length > _maxContentsLength)
        {
            throw new ProtocolException(ProtocolError.PayloadTooLarge, string.Create(CultureInfo.InvariantCulture, $"v2 packet contents of {length} bytes exceed the limit {_maxContentsLength}"));
        }

        _contentsLength = length;
        return length;
    }

    /// <summary>
    /// Decrypts and verifies the packet whose length was decrypted. <paramref name="ciphertext"/> and
    /// <paramref name="plaintext"/> may start at the same address (decryption in place).
    /// </summary>
    /// <param name="ciphertext">Exactly <see cref="BytesNeeded"/> bytes: header, contents and tag.</param>
    /// <param name="plaintext">At least 1 + contents length bytes; receives the header byte, then the contents.</param>
    /// <returns>Whether the packet is a decoy.</returns>
    /// <exception cref="ProtocolException">The tag is wrong (<see cref="ProtocolError.DecryptionFailed"/>).</exception>
    public bool Decrypt(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        if (!HasLength)
        {
            throw new InvalidOperationException("decrypt the packet's length first");
        }

        int sealedLength = V2Packet.HeaderSize + _contentsLength;
        if (ciphertext.Length != sealedLength + V2Packet.TagSize || plaintext.Length < sealedLength)
        {
            throw new ArgumentException("the ciphertext is the header, contents and tag of the current packet");
        }

        _contentsLength = -1;
        PacketCount++;
        bool valid = _packetCipher.Decrypt(ciphertext.Slice(0, sealedLength), ciphertext.Slice(sealedLength), _aad.Span, plaintext.Slice(0, sealedLength));
        if (!valid)
        {
            throw new ProtocolException(ProtocolError.DecryptionFailed, string.Create(CultureInfo.InvariantCulture, $"v2 packet {PacketCount} failed authentication"));
        }

        _aad = default;
        bool decoy = (plaintext[0] & V2Packet.IgnoreBit) != 0;
        ConsecutiveDecoys = decoy ? ConsecutiveDecoys + 1 : 0;
        return decoy;
    }

    /// <summary>
    /// Takes one packet from the front of <paramref name="buffer"/>: the length as soon as 3 bytes are there (those
    /// are consumed even when the rest is still missing), the packet once all its bytes are. The contents are
    /// decrypted into a pooled buffer that stays valid until the next call or <see cref="Dispose"/>; a packet split
    /// over segments is gathered first. Memory held: one packet, bounded by the limit and by the bytes received.
    /// </summary>
    /// <param name="buffer">Received bytes; advanced past what was consumed.</param>
    /// <param name="contents">The packet's contents (empty unless the result is <see cref="V2ReadStatus.Packet"/>).</param>
    /// <exception cref="ProtocolException">The length exceeds the limit, or a tag is wrong.</exception>
    public V2ReadStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlyMemory<byte> contents)
    {
        ReleaseLastPacket();
        contents = default;
        if (!HasLength)
        {
            if (buffer.Length < V2Packet.LengthSize)
            {
                return V2ReadStatus.Incomplete;
            }

            Span<byte> encryptedLength = stackalloc byte[V2Packet.LengthSize];
            buffer.Slice(0, V2Packet.LengthSize).CopyTo(encryptedLength);
            DecryptLength(encryptedLength);
            buffer = buffer.Slice(V2Packet.LengthSize);
        }

        int needed = BytesNeeded;
        if (buffer.Length < needed)
        {
            return V2ReadStatus.Incomplete;
        }

        var packet = ArrayPool<byte>.Shared.Rent(needed);
        bool decoy;
        try
        {
            var ciphertext = buffer.Slice(0, needed);
            if (ciphertext.IsSingleSegment)
            {
                decoy = Decrypt(ciphertext.FirstSpan, packet);
            }
            else
            {
                ciphertext.CopyTo(packet);
                decoy = Decrypt(packet.AsSpan(0, needed), packet);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(packet);
            throw;
        }

        buffer = buffer.Slice(needed);
        _lastPacket = packet;
        if (decoy)
        {
            return V2ReadStatus.Decoy;
        }

        contents = packet.AsMemory(V2Packet.HeaderSize, needed - V2Packet.HeaderSize - V2Packet.TagSize);
        return V2ReadStatus.Packet;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ReleaseLastPacket();
        _lengthCipher.Dispose();
        _packetCipher.Dispose();
    }

    /// <summary>Sets the associated data of the next packet (the remote's garbage, for the first packet after it).</summary>
    /// <param name="aad">The associated data; referenced until that packet verifies.</param>
    internal void SetAssociatedData(ReadOnlyMemory<byte> aad) => _aad = aad;

    private void ReleaseLastPacket()
    {
        if (_lastPacket is not null)
        {
            ArrayPool<byte>.Shared.Return(_lastPacket);
            _lastPacket = null;
        }
    }
}
