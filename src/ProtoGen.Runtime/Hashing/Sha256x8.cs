using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ProtoGen;

/// <summary>
/// The SHA-256 block function for eight independent messages at once, one per 32-bit lane of AVX2 registers
/// (multi-buffer hashing), for CPUs without AVX-512. AVX2 has no rotate, so each rotation is two shifts and an or.
/// </summary>
internal readonly struct Sha256x8 : ISha256LaneKernel
{
    /// <summary>Messages per call.</summary>
    public static int Lanes => 8;

    /// <summary>Whether the CPU has AVX2.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Runs the block function once in every lane.</summary>
    /// <param name="state">8 × 8 words, word-major: word i of lane j at [8 i + j].</param>
    /// <param name="rows">8 × 64 bytes: lane j's block at [64 j].</param>
    [SkipLocalsInit]
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> rows)
    {
        var vectors = MemoryMarshal.Cast<uint, Vector256<uint>>(state.Slice(0, 8 * 8));
        Span<Vector256<uint>> w = stackalloc Vector256<uint>[64];
        rows = rows.Slice(0, 8 * Sha256Constants.BlockSize);
        LoadHalf(rows, 0, w);
        LoadHalf(rows, 32, w.Slice(8));
        for (int i = 16; i < 64; i++)
        {
            var x = w[i - 15];
            var y = w[i - 2];
            var s0 = RotateRight(x, 7) ^ RotateRight(x, 18) ^ Vector256.ShiftRightLogical(x, 3);
            var s1 = RotateRight(y, 17) ^ RotateRight(y, 19) ^ Vector256.ShiftRightLogical(y, 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        var k = Sha256Constants.RoundConstants;
        var a = vectors[0];
        var b = vectors[1];
        var c = vectors[2];
        var d = vectors[3];
        var e = vectors[4];
        var f = vectors[5];
        var g = vectors[6];
        var h = vectors[7];
        for (int i = 0; i < 64; i += 8)
        {
            Round(a, b, c, ref d, e, f, g, ref h, k[i], w[i]);
            Round(h, a, b, ref c, d, e, f, ref g, k[i + 1], w[i + 1]);
            Round(g, h, a, ref b, c, d, e, ref f, k[i + 2], w[i + 2]);
            Round(f, g, h, ref a, b, c, d, ref e, k[i + 3], w[i + 3]);
            Round(e, f, g, ref h, a, b, c, ref d, k[i + 4], w[i + 4]);
            Round(d, e, f, ref g, h, a, b, ref c, k[i + 5], w[i + 5]);
            Round(c, d, e, ref f, g, h, a, ref b, k[i + 6], w[i + 6]);
            Round(b, c, d, ref e, f, g, h, ref a, k[i + 7], w[i + 7]);
        }

        vectors[0] += a;
        vectors[1] += b;
        vectors[2] += c;
        vectors[3] += d;
        vectors[4] += e;
        vectors[5] += f;
        vectors[6] += g;
        vectors[7] += h;
    }

    /// <summary>
    /// Loads eight big-endian message words of each lane (those at byte <paramref name="offset"/> of every row) and
    /// transposes them so that <paramref name="w"/>[i] holds that word i of every lane: byte swap, then an 8 × 8
    /// transpose (unpack 32, unpack 64, 128-bit permutes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadHalf(ReadOnlySpan<byte> rows, int offset, Span<Vector256<uint>> w)
    {
        var swap = Vector256.Create(ByteSwapWords);
        var u = (Span<Vector256<uint>>)stackalloc Vector256<uint>[8];
        for (int group = 0; group < 2; group++)
        {
            var r0 = Row(rows, (4 * group) + 0, offset, swap);
            var r1 = Row(rows, (4 * group) + 1, offset, swap);
            var r2 = Row(rows, (4 * group) + 2, offset, swap);
            var r3 = Row(rows, (4 * group) + 3, offset, swap);
            var t0 = Avx2.UnpackLow(r0, r1).AsUInt64();
            var t1 = Avx2.UnpackHigh(r0, r1).AsUInt64();
            var t2 = Avx2.UnpackLow(r2, r3).AsUInt64();
            var t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();

            // u[2 j + group], 128-bit half q: word 4 q + j of rows 4 group .. 4 group + 3.
            u[group] = Avx2.UnpackLow(t0, t2).AsUInt32();
            u[2 + group] = Avx2.UnpackHigh(t0, t2).AsUInt32();
            u[4 + group] = Avx2.UnpackLow(t1, t3).AsUInt32();
            u[6 + group] = Avx2.UnpackHigh(t1, t3).AsUInt32();
        }

        for (int j = 0; j < 4; j++)
        {
            w[j] = Avx2.Permute2x128(u[2 * j], u[(2 * j) + 1], 0x20);
            w[4 + j] = Avx2.Permute2x128(u[2 * j], u[(2 * j) + 1], 0x31);
        }
    }

    /// <summary>A shuffle control that reverses the bytes of every 32-bit word (big-endian message words).</summary>
    private static ReadOnlySpan<byte> ByteSwapWords =>
    [
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Row(ReadOnlySpan<byte> rows, int lane, int offset, Vector256<byte> swap) =>
        Avx2.Shuffle(Vector256.Create(rows.Slice((lane * Sha256Constants.BlockSize) + offset, 32)), swap).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateRight(Vector256<uint> x, [System.Diagnostics.CodeAnalysis.ConstantExpected] byte count) =>
        Vector256.ShiftRightLogical(x, count) | Vector256.ShiftLeft(x, 32 - count);

    /// <summary>One round in all lanes; see <see cref="Sha256Portable"/> for the renaming and the order of the additions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, ref Vector256<uint> d,
        Vector256<uint> e, Vector256<uint> f, Vector256<uint> g, ref Vector256<uint> h, uint k, Vector256<uint> w)
    {
        var sigma1 = RotateRight(e, 6) ^ RotateRight(e, 11) ^ RotateRight(e, 25);
        var choose = (e & f) ^ Vector256.AndNot(g, e);
        var t1 = (h + Vector256.Create(k) + w) + (sigma1 + choose);
        var sigma0 = RotateRight(a, 2) ^ RotateRight(a, 13) ^ RotateRight(a, 22);
        var majority = (a & b) | (c & (a | b));
        d += t1;
        h = t1 + (sigma0 + majority);
    }
}
