using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// The ChaCha20 block function of RFC 8439 section 2.3 and the keystream built from it (section 2.4). .NET offers
/// ChaCha20 only inside its AEAD; BIP324 also needs the raw keystream, for the length cipher and for rekeying.
/// </summary>
/// <remarks>
/// Scalar on purpose: BIP324 draws one block per 21 packets for lengths and one per 224 packets for rekeying, so a
/// block costs a few nanoseconds per packet (docs/bip324.md has the measurement); SIMD would not show.
/// </remarks>
internal static class ChaCha20
{
    /// <summary>The key size in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The nonce size in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>The block size in bytes.</summary>
    public const int BlockSize = 64;

    // "expand 32-byte k" as four little-endian words (RFC 8439 section 2.3).
    private const uint Sigma0 = 0x61707865;
    private const uint Sigma1 = 0x3320646e;
    private const uint Sigma2 = 0x79622d32;
    private const uint Sigma3 = 0x6b206574;

    /// <summary>Computes one 64-byte block.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="nonce">The 12-byte nonce.</param>
    /// <param name="counter">The block counter.</param>
    /// <param name="output">At least 64 bytes; the first 64 receive the block.</param>
    public static void Block(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, uint counter, Span<byte> output)
    {
        if (key.Length != KeySize || nonce.Length != NonceSize || output.Length < BlockSize)
        {
            throw new ArgumentException("ChaCha20 takes a 32-byte key, a 12-byte nonce and a 64-byte output");
        }

        uint k0 = BinaryPrimitives.ReadUInt32LittleEndian(key);
        uint k1 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(4));
        uint k2 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(8));
        uint k3 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(12));
        uint k4 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(16));
        uint k5 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(20));
        uint k6 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(24));
        uint k7 = BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(28));
        uint n0 = BinaryPrimitives.ReadUInt32LittleEndian(nonce);
        uint n1 = BinaryPrimitives.ReadUInt32LittleEndian(nonce.Slice(4));
        uint n2 = BinaryPrimitives.ReadUInt32LittleEndian(nonce.Slice(8));

        uint x0 = Sigma0, x1 = Sigma1, x2 = Sigma2, x3 = Sigma3;
        uint x4 = k0, x5 = k1, x6 = k2, x7 = k3;
        uint x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        uint x12 = counter, x13 = n0, x14 = n1, x15 = n2;

        // 20 rounds: 10 iterations of a column round followed by a diagonal round.
        for (int i = 0; i < 10; i++)
        {
            QuarterRound(ref x0, ref x4, ref x8, ref x12);
            QuarterRound(ref x1, ref x5, ref x9, ref x13);
            QuarterRound(ref x2, ref x6, ref x10, ref x14);
            QuarterRound(ref x3, ref x7, ref x11, ref x15);
            QuarterRound(ref x0, ref x5, ref x10, ref x15);
            QuarterRound(ref x1, ref x6, ref x11, ref x12);
            QuarterRound(ref x2, ref x7, ref x8, ref x13);
            QuarterRound(ref x3, ref x4, ref x9, ref x14);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(output, x0 + Sigma0);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(4), x1 + Sigma1);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(8), x2 + Sigma2);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(12), x3 + Sigma3);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(16), x4 + k0);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(20), x5 + k1);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(24), x6 + k2);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(28), x7 + k3);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(32), x8 + k4);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(36), x9 + k5);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(40), x10 + k6);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(44), x11 + k7);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(48), x12 + counter);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(52), x13 + n0);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(56), x14 + n1);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Slice(60), x15 + n2);
    }

    /// <summary>Fills <paramref name="output"/> with the keystream: blocks <paramref name="counter"/>, +1, ... concatenated.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="nonce">The 12-byte nonce.</param>
    /// <param name="counter">The first block's counter.</param>
    /// <param name="output">The keystream's destination; a partial last block is cut.</param>
    public static void Keystream(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, uint counter, Span<byte> output)
    {
        while (output.Length >= BlockSize)
        {
            Block(key, nonce, counter++, output);
            output = output.Slice(BlockSize);
        }

        if (!output.IsEmpty)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            Block(key, nonce, counter, last);
            last.Slice(0, output.Length).CopyTo(output);
            last.Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuarterRound(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b;
        d = BitOperations.RotateLeft(d ^ a, 16);
        c += d;
        b = BitOperations.RotateLeft(b ^ c, 12);
        a += b;
        d = BitOperations.RotateLeft(d ^ a, 8);
        c += d;
        b = BitOperations.RotateLeft(b ^ c, 7);
    }
}
