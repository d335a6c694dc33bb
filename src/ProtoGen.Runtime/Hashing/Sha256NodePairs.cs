using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ProtoGen;

/// <summary>
/// Double SHA-256 of many pairs of 32-byte hashes (a merkle tree level) through a multi-buffer kernel. Every message
/// is 64 bytes, so the lanes move in step: the pairs themselves (already contiguous, lane-major, in memory), then the
/// padding block, which is the same for every lane, then the padded first digests.
/// </summary>
internal static class Sha256NodePairs
{
    /// <summary>The most lanes a kernel has.</summary>
    private const int MaxLanes = 16;

    /// <summary>
    /// <paramref name="destination"/>[i] = double SHA-256 of <paramref name="nodes"/>[2 i] and [2 i + 1]. The
    /// destination may start where the nodes start (each group of pairs is read before its hashes are written).
    /// </summary>
    /// <typeparam name="TKernel">The lane kernel.</typeparam>
    /// <param name="nodes">An even number of hashes.</param>
    /// <param name="destination">Half as many.</param>
    /// <param name="single">The single-message backend, for a remainder too small to fill the lanes.</param>
    [SkipLocalsInit]
    public static void HashPairs<TKernel>(ReadOnlySpan<Hash256> nodes, Span<Hash256> destination, Sha256Backend single)
        where TKernel : struct, ISha256LaneKernel
    {
        // Hash256 keeps its bytes in wire order in memory on a little-endian machine, the only kind with these kernels.
        Debug.Assert(BitConverter.IsLittleEndian && Unsafe.SizeOf<Hash256>() == Hash256.Size && TKernel.Lanes <= MaxLanes);
        int lanes = TKernel.Lanes;
        int rowsSize = lanes * Sha256Constants.BlockSize;
        Span<uint> state = stackalloc uint[Sha256Constants.StateWords * MaxLanes];
        Span<byte> digests = stackalloc byte[Hash256.Size * MaxLanes];
        Span<byte> padding = stackalloc byte[Sha256Constants.BlockSize * MaxLanes];
        Span<byte> second = stackalloc byte[Sha256Constants.BlockSize * MaxLanes];
        Span<byte> tail = stackalloc byte[Sha256Constants.BlockSize * MaxLanes];
        state = state.Slice(0, Sha256Constants.StateWords * lanes);
        digests = digests.Slice(0, Hash256.Size * lanes);
        uint allLanes = (1u << lanes) - 1;
        padding = padding.Slice(0, rowsSize);
        second = second.Slice(0, rowsSize);
        for (int lane = 0; lane < lanes; lane++)
        {
            Sha256Hasher.Pad(padding.Slice(lane * Sha256Constants.BlockSize, Sha256Constants.BlockSize), 0, Sha256Constants.BlockSize);
            Sha256Hasher.Pad(second.Slice(lane * Sha256Constants.BlockSize, Sha256Constants.BlockSize), Hash256.Size, Hash256.Size);
        }

        var bytes = MemoryMarshal.AsBytes(nodes);
        int pairs = nodes.Length / 2;
        int done = 0;
        while (done < pairs)
        {
            int count = Math.Min(lanes, pairs - done);
            if (count <= Sha256MultiBuffer.HandOffLanes(lanes, single))
            {
                for (; done < pairs; done++)
                {
                    destination[done] = HashPair(single, bytes.Slice(done * Sha256Constants.BlockSize, Sha256Constants.BlockSize));
                }

                return;
            }

            scoped var rows = bytes.Slice(done * Sha256Constants.BlockSize, count * Sha256Constants.BlockSize);
            if (count < lanes)
            {
                rows.CopyTo(tail);
                rows = tail.Slice(0, rowsSize);
            }

            TKernel.Compress(state, rows, allLanes, digests);
            TKernel.Compress(state, padding, 0, digests);
            for (int lane = 0; lane < lanes; lane++)
            {
                digests.Slice(lane * Hash256.Size, Hash256.Size).CopyTo(second.Slice(lane * Sha256Constants.BlockSize));
            }

            TKernel.Compress(state, second, allLanes, digests);
            for (int lane = 0; lane < count; lane++)
            {
                destination[done + lane] = new Hash256(digests.Slice(lane * Hash256.Size, Hash256.Size));
            }

            done += count;
        }
    }

    private static Hash256 HashPair(Sha256Backend single, ReadOnlySpan<byte> pair)
    {
        Span<byte> digest = stackalloc byte[Hash256.Size];
        DoubleSha256.HashConcat(single, pair, default, default, digest);
        return new Hash256(digest);
    }
}
