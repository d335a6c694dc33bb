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
    /// <param name="restart">Lanes (bit j) set to the initial value first.</param>
    /// <param name="digests">8 × 32 bytes: lane j's chaining value afterwards, big-endian, at [32 j].</param>
    [SkipLocalsInit]
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> rows, uint restart, Span<byte> digests)
    {
        var vectors = MemoryMarshal.Cast<uint, Vector256<uint>>(state.Slice(0, 8 * 8));
        digests = digests.Slice(0, 8 * Hash256.Size);
        // The message schedule is a ring of 16 words, each computed just before the round that uses it (see Sha256x16).
        Span<Vector256<uint>> w = stackalloc Vector256<uint>[16 + 8];
        rows = rows.Slice(0, 8 * Sha256Constants.BlockSize);
        LoadHalf(rows, 0, w, w.Slice(16));
        LoadHalf(rows, 32, w.Slice(8), w.Slice(16));
        if (restart != 0)
        {
            var mask = Vector256.GreaterThan(Vector256.Create(LaneBits) & Vector256.Create(restart), Vector256<uint>.Zero);
            var initial = Sha256Constants.InitialState;
            for (int i = 0; i < 8; i++)
            {
                vectors[i] = Vector256.ConditionalSelect(mask, Vector256.Create(initial[i]), vectors[i]);
            }
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
        for (int i = 0; i < 16; i += 8)
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

        for (int i = 16; i < 64; i += 8)
        {
            Round(a, b, c, ref d, e, f, g, ref h, k[i], Schedule(w, i));
            Round(h, a, b, ref c, d, e, f, ref g, k[i + 1], Schedule(w, i + 1));
            Round(g, h, a, ref b, c, d, e, ref f, k[i + 2], Schedule(w, i + 2));
            Round(f, g, h, ref a, b, c, d, ref e, k[i + 3], Schedule(w, i + 3));
            Round(e, f, g, ref h, a, b, c, ref d, k[i + 4], Schedule(w, i + 4));
            Round(d, e, f, ref g, h, a, b, ref c, k[i + 5], Schedule(w, i + 5));
            Round(c, d, e, ref f, g, h, a, ref b, k[i + 6], Schedule(w, i + 6));
            Round(b, c, d, ref e, f, g, h, ref a, k[i + 7], Schedule(w, i + 7));
        }

        a += vectors[0];
        b += vectors[1];
        c += vectors[2];
        d += vectors[3];
        e += vectors[4];
        f += vectors[5];
        g += vectors[6];
        h += vectors[7];
        vectors[0] = a;
        vectors[1] = b;
        vectors[2] = c;
        vectors[3] = d;
        vectors[4] = e;
        vectors[5] = f;
        vectors[6] = g;
        vectors[7] = h;
        StoreDigests(a, b, c, d, e, f, g, h, digests);
    }

    /// <summary>Message word <paramref name="t"/> (16 to 63) in all lanes, from the ring of the previous 16, which it replaces.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Schedule(Span<Vector256<uint>> w, int t)
    {
        var x = w[(t - 15) & 15];
        var y = w[(t - 2) & 15];
        var s0 = RotateRight(x, 7) ^ RotateRight(x, 18) ^ Vector256.ShiftRightLogical(x, 3);
        var s1 = RotateRight(y, 17) ^ RotateRight(y, 19) ^ Vector256.ShiftRightLogical(y, 10);
        var next = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
        w[t & 15] = next;
        return next;
    }

    /// <summary>Bit j in lane j.</summary>
    private static ReadOnlySpan<uint> LaneBits => [1, 2, 4, 8, 16, 32, 64, 128];

    /// <summary>Writes each lane's eight words as a 32-byte digest: byte swap, the 8 × 8 transpose, one 32-byte store per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDigests(
        Vector256<uint> h0, Vector256<uint> h1, Vector256<uint> h2, Vector256<uint> h3,
        Vector256<uint> h4, Vector256<uint> h5, Vector256<uint> h6, Vector256<uint> h7, Span<byte> digests)
    {
        var swap = Vector256.Create(ByteSwapWords);
        Quarter(Avx2.Shuffle(h0.AsByte(), swap).AsUInt32(), Avx2.Shuffle(h1.AsByte(), swap).AsUInt32(), Avx2.Shuffle(h2.AsByte(), swap).AsUInt32(), Avx2.Shuffle(h3.AsByte(), swap).AsUInt32(), out var a0, out var a1, out var a2, out var a3);
        Quarter(Avx2.Shuffle(h4.AsByte(), swap).AsUInt32(), Avx2.Shuffle(h5.AsByte(), swap).AsUInt32(), Avx2.Shuffle(h6.AsByte(), swap).AsUInt32(), Avx2.Shuffle(h7.AsByte(), swap).AsUInt32(), out var b0, out var b1, out var b2, out var b3);
        StorePair(a0, b0, 0, digests);
        StorePair(a1, b1, 1, digests);
        StorePair(a2, b2, 2, digests);
        StorePair(a3, b3, 3, digests);
    }

    /// <summary>Four vectors of words w..w+3 to four vectors whose 128-bit half q holds those words of lane 4 q + j (output j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(
        Vector256<uint> r0, Vector256<uint> r1, Vector256<uint> r2, Vector256<uint> r3,
        out Vector256<uint> j0, out Vector256<uint> j1, out Vector256<uint> j2, out Vector256<uint> j3)
    {
        var t0 = Avx2.UnpackLow(r0, r1).AsUInt64();
        var t1 = Avx2.UnpackHigh(r0, r1).AsUInt64();
        var t2 = Avx2.UnpackLow(r2, r3).AsUInt64();
        var t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();
        j0 = Avx2.UnpackLow(t0, t2).AsUInt32();
        j1 = Avx2.UnpackHigh(t0, t2).AsUInt32();
        j2 = Avx2.UnpackLow(t1, t3).AsUInt32();
        j3 = Avx2.UnpackHigh(t1, t3).AsUInt32();
    }

    /// <summary>Lanes j and 4 + j: words 0-3 from <paramref name="a"/>, 4-7 from <paramref name="b"/>, half q each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(Vector256<uint> a, Vector256<uint> b, int j, Span<byte> digests)
    {
        Avx2.Permute2x128(a, b, 0x20).AsByte().CopyTo(digests.Slice(j * Hash256.Size));
        Avx2.Permute2x128(a, b, 0x31).AsByte().CopyTo(digests.Slice((4 + j) * Hash256.Size));
    }

    /// <summary>
    /// Loads eight big-endian message words of each lane (those at byte <paramref name="offset"/> of every row) and
    /// transposes them so that <paramref name="w"/>[i] holds that word i of every lane: byte swap, then an 8 × 8
    /// transpose (unpack 32, unpack 64, 128-bit permutes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadHalf(ReadOnlySpan<byte> rows, int offset, Span<Vector256<uint>> w, Span<Vector256<uint>> u)
    {
        var swap = Vector256.Create(ByteSwapWords);
        for (int group = 0; group < 2; group++)
        {
            // u[2 j + group], 128-bit half q: word 4 q + j of rows 4 group .. 4 group + 3.
            Quarter(
                Row(rows, (4 * group) + 0, offset, swap), Row(rows, (4 * group) + 1, offset, swap), Row(rows, (4 * group) + 2, offset, swap), Row(rows, (4 * group) + 3, offset, swap),
                out u[group], out u[2 + group], out u[4 + group], out u[6 + group]);
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
