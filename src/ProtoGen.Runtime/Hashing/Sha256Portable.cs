using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ProtoGen;

/// <summary>
/// The SHA-256 block function (FIPS 180-4, section 6.2.2) in plain C#: one message at a time, 32-bit scalar
/// arithmetic. The portable fallback, used when no native SHA-256 is found, and the reference every other backend
/// is tested against.
/// </summary>
internal static class Sha256Portable
{
    /// <summary>Runs the block function over each 64-byte block of <paramref name="blocks"/>, updating <paramref name="state"/>.</summary>
    /// <param name="state">The eight chaining words.</param>
    /// <param name="blocks">Whole blocks (a multiple of 64 bytes).</param>
    [SkipLocalsInit]
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> blocks)
    {
        Span<uint> w = stackalloc uint[64];
        var k = Sha256Constants.RoundConstants;
        uint h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3], h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7];
        while (blocks.Length >= Sha256Constants.BlockSize)
        {
            for (int i = 0; i < 16; i++)
            {
                w[i] = BinaryPrimitives.ReadUInt32BigEndian(blocks.Slice(i * 4));
            }

            for (int i = 16; i < 64; i++)
            {
                w[i] = w[i - 16] + SmallSigma0(w[i - 15]) + w[i - 7] + SmallSigma1(w[i - 2]);
            }

            uint a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
            for (int i = 0; i < 64; i += 8)
            {
                Round(a, b, c, ref d, e, f, g, ref h, k[i] + w[i]);
                Round(h, a, b, ref c, d, e, f, ref g, k[i + 1] + w[i + 1]);
                Round(g, h, a, ref b, c, d, e, ref f, k[i + 2] + w[i + 2]);
                Round(f, g, h, ref a, b, c, d, ref e, k[i + 3] + w[i + 3]);
                Round(e, f, g, ref h, a, b, c, ref d, k[i + 4] + w[i + 4]);
                Round(d, e, f, ref g, h, a, b, ref c, k[i + 5] + w[i + 5]);
                Round(c, d, e, ref f, g, h, a, ref b, k[i + 6] + w[i + 6]);
                Round(b, c, d, ref e, f, g, h, ref a, k[i + 7] + w[i + 7]);
            }

            h0 += a;
            h1 += b;
            h2 += c;
            h3 += d;
            h4 += e;
            h5 += f;
            h6 += g;
            h7 += h;
            blocks = blocks.Slice(Sha256Constants.BlockSize);
        }

        state[0] = h0;
        state[1] = h1;
        state[2] = h2;
        state[3] = h3;
        state[4] = h4;
        state[5] = h5;
        state[6] = h6;
        state[7] = h7;
    }

    // The helpers below are marked for inlining: without it the JIT runs out of inlining budget in Compress, calls
    // them, and spills the working variables (measured 1.9 times slower).

    /// <summary>
    /// One round, with the variables renamed by the caller instead of moved: only d and h change. The sum that does
    /// not depend on e (h + K + W) is formed first, so the chain from e to the new e is as short as possible.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint kw)
    {
        uint t1 = h + kw + (BigSigma1(e) + ((e & f) ^ (~e & g)));
        uint t2 = BigSigma0(a) + ((a & b) | (c & (a | b)));
        d += t1;
        h = t1 + t2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BigSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BigSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SmallSigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SmallSigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);
}
