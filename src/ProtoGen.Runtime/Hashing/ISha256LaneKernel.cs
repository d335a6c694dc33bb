using System;

namespace ProtoGen;

/// <summary>
/// A multi-buffer SHA-256 block function: one block of each of <see cref="Lanes"/> independent messages per call.
/// The chaining values stay word-major (as the vector registers hold them) between calls; the caller never reads or
/// writes single words of them (a 4-byte load from a 64-byte vector store that has not retired stalls for tens of
/// cycles), but asks the kernel to restart lanes and reads the digests it writes lane by lane.
/// </summary>
internal interface ISha256LaneKernel
{
    /// <summary>Messages per call.</summary>
    static abstract int Lanes { get; }

    /// <summary>Whether the CPU can run it.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Runs the block function once in every lane.</summary>
    /// <param name="state">8 × <see cref="Lanes"/> words, word-major: word i of lane j at [<see cref="Lanes"/> i + j].</param>
    /// <param name="rows"><see cref="Lanes"/> × 64 bytes: lane j's block at [64 j].</param>
    /// <param name="restart">Lanes (bit j for lane j) whose chaining value is set to the initial value before this block.</param>
    /// <param name="digests"><see cref="Lanes"/> × 32 bytes: the chaining value of lane j after this block, as a digest (big-endian words), at [32 j].</param>
    static abstract void Compress(Span<uint> state, ReadOnlySpan<byte> rows, uint restart, Span<byte> digests);
}
