using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ProtoGen;

/// <summary>
/// The chaining value of one SHA-256 computation (eight 32-bit words), laid out as OpenSSL's <c>SHA256_CTX</c>
/// (<c>h[8]</c>, <c>Nl</c>, <c>Nh</c>, <c>data[16]</c>, <c>num</c>, <c>md_len</c>; BoringSSL and LibreSSL use the same
/// layout) so that <see cref="Sha256OpenSsl"/> can hand it to libcrypto's <c>SHA256_Update</c> in place. Only whole
/// blocks are ever passed there, with <c>num</c> zero, so libcrypto runs its block function on the words and touches
/// nothing but <c>h</c> and the bit counters, which this type never reads. Padding and buffering are done in managed
/// code by the callers, the same for every backend.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Sha256State
{
    private Words8 _words;
    private uint _bitCountLow;
    private uint _bitCountHigh;
    private Words16 _unusedBuffer;
    private uint _bufferedBytes;
    private uint _digestSize;

    /// <summary>The eight words of the chaining value, H0 first.</summary>
    [UnscopedRef]
    public Span<uint> Words => _words;

    /// <summary>Sets the chaining value to the initial hash value and clears the fields libcrypto keeps.</summary>
    public void Reset()
    {
        Sha256Constants.InitialState.CopyTo(_words);
        _bitCountLow = 0;
        _bitCountHigh = 0;
        _bufferedBytes = 0;
        _digestSize = Hash256.Size;
    }

    /// <summary>Writes the chaining value as a digest: the eight words big-endian.</summary>
    /// <param name="digest">32 bytes.</param>
    public readonly void WriteDigest(Span<byte> digest) => WriteDigest(_words, digest);

    /// <summary>Writes eight state words as a digest (big-endian).</summary>
    /// <param name="words">Eight words.</param>
    /// <param name="digest">32 bytes.</param>
    public static void WriteDigest(ReadOnlySpan<uint> words, Span<byte> digest)
    {
        digest = digest.Slice(0, Hash256.Size);
        for (int i = 0; i < Sha256Constants.StateWords; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(i * 4), words[i]);
        }
    }

    [InlineArray(Sha256Constants.StateWords)]
    private struct Words8
    {
        private uint _element;
    }

    [InlineArray(Sha256Constants.BlockSize / 4)]
    private struct Words16
    {
        private uint _element;
    }
}
