using System;

namespace ProtoGen;

/// <summary>A multi-buffer SHA-256 block function: one block of each of <see cref="Lanes"/> independent messages per call.</summary>
internal interface ISha256LaneKernel
{
    /// <summary>Messages per call.</summary>
    static abstract int Lanes { get; }

    /// <summary>Whether the CPU can run it.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Runs the block function once in every lane.</summary>
    /// <param name="state">8 × <see cref="Lanes"/> words, word-major: word i of lane j at [<see cref="Lanes"/> i + j].</param>
    /// <param name="rows"><see cref="Lanes"/> × 64 bytes: lane j's block at [64 j].</param>
    static abstract void Compress(Span<uint> state, ReadOnlySpan<byte> rows);
}
