using System;
using System.Buffers;
using System.Buffers.Binary;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Verifies the checksums of several small v1 frames at once: when the frame at the front of the receive buffer is
/// small and whole, the frames buffered behind it (up to <see cref="MaxFrames"/>) are hashed together with
/// <see cref="DoubleSha256.HashMany(ReadOnlySpan{HashInput}, Span{Hash256})"/>, side by side in the lanes of vector
/// registers, and their verdicts are kept for when the reader reaches them. A stream of small messages (inv, tx,
/// headers) then pays for SHA-256 at the multi-buffer rate instead of one message at a time.
/// </summary>
/// <remarks>
/// A kept verdict is used only for the frame at the front whose header (payload length and checksum field) matches the
/// one it was computed for: frames are consumed in order and the buffered bytes do not change until they are consumed,
/// so anything else (a frame cut another way, a transport switch) clears the lookahead and the frame is verified alone.
/// Only frames that are well formed (magic, command, length) and whose payload lies in one buffer segment are batched;
/// everything else is left to the ordinary path, which raises the errors. Allocates only the first batch's verdicts.
/// </remarks>
internal sealed class ChecksumLookahead
{
    /// <summary>The most frames hashed in one batch (the lanes of an AVX-512 register).</summary>
    public const int MaxFrames = 16;

    /// <summary>The fewest frames worth a batch; fewer are verified one by one.</summary>
    public const int MinFrames = 4;

    /// <summary>The largest payload batched: beyond it one message at a time is as fast.</summary>
    public const int MaxPayload = 16 * 1024;

    // The batch's inputs and hashes are needed only while it is hashed: one set per thread, not per peer.
    [ThreadStatic]
    private static HashInput[]? t_inputs;
    [ThreadStatic]
    private static Hash256[]? t_hashes;

    // The kept verdicts, created with the first batch (a peer that never receives a run of small frames holds none).
    private Kept[]? _kept;
    private int _next;
    private int _count;

    /// <summary>
    /// The checksum verdict of the frame at the front of <paramref name="buffer"/>, from a batch computed now or
    /// earlier; false when the frame is not one to batch (incomplete, large, malformed, or too few frames behind it).
    /// </summary>
    /// <param name="buffer">The received bytes, a frame header first.</param>
    /// <param name="magic">The network's magic.</param>
    /// <param name="maxPayloadLength">The largest payload accepted.</param>
    /// <param name="checksumOk">Whether the frame's checksum matches its payload.</param>
    public bool TryVerdict(in ReadOnlySequence<byte> buffer, uint magic, int maxPayloadLength, out bool checksumOk)
    {
        checksumOk = false;
        if (!TryEligible(buffer, magic, maxPayloadLength, out int length, out uint checksum, out _))
        {
            _count = 0;
            return false;
        }

        if (_count > 0 && _kept![_next].Length == length && _kept[_next].Checksum == checksum)
        {
            checksumOk = _kept[_next].Ok;
            _next++;
            _count--;
            return true;
        }

        if (!Batch(buffer, magic, maxPayloadLength))
        {
            return false;
        }

        checksumOk = _kept![0].Ok;
        _next = 1;
        _count--;
        return true;
    }

    /// <summary>Forgets every kept verdict.</summary>
    public void Clear() => _count = 0;

    /// <summary>Hashes the eligible frames at the front of <paramref name="buffer"/> together; false if too few.</summary>
    private bool Batch(ReadOnlySequence<byte> buffer, uint magic, int maxPayloadLength)
    {
        var inputs = t_inputs ??= new HashInput[MaxFrames];
        var hashes = t_hashes ??= new Hash256[MaxFrames];
        Span<Kept> found = stackalloc Kept[MaxFrames];
        int frames = 0;
        while (frames < MaxFrames && TryEligible(buffer, magic, maxPayloadLength, out int length, out uint checksum, out var payload))
        {
            inputs[frames] = payload;
            found[frames] = new Kept(length, checksum, false);
            frames++;
            buffer = buffer.Slice(FrameHeader.Size + length);
        }

        _count = 0;
        if (frames < MinFrames)
        {
            Array.Clear(inputs, 0, frames);
            return false;
        }

        DoubleSha256.HashMany(inputs.AsSpan(0, frames), hashes);

        // The inputs point into the receive buffers: do not keep them past the batch.
        Array.Clear(inputs, 0, frames);
        var kept = _kept ??= new Kept[MaxFrames];
        Span<byte> digest = stackalloc byte[Hash256.Size];
        for (int i = 0; i < frames; i++)
        {
            hashes[i].WriteTo(digest);
            kept[i] = found[i] with { Ok = BinaryPrimitives.ReadUInt32LittleEndian(digest) == found[i].Checksum };
        }

        _next = 0;
        _count = frames;
        return true;
    }

    /// <summary>Whether the frame at the front is whole, well formed, small and in one segment (no exceptions: the ordinary path reports errors).</summary>
    private static bool TryEligible(in ReadOnlySequence<byte> buffer, uint magic, int maxPayloadLength, out int length, out uint checksum, out ReadOnlyMemory<byte> payload)
    {
        length = 0;
        checksum = 0;
        payload = default;
        if (buffer.Length < FrameHeader.Size)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(header);
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(16));
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != magic
            || declared > (uint)Math.Min(maxPayloadLength, MaxPayload)
            || buffer.Length - FrameHeader.Size < declared
            || !MessageCommand.FromBytes(header.Slice(sizeof(uint), MessageCommand.Size)).IsValid)
        {
            return false;
        }

        var bytes = buffer.Slice(FrameHeader.Size, declared);
        if (!bytes.IsSingleSegment)
        {
            return false;
        }

        length = (int)declared;
        checksum = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(20));
        payload = bytes.First;
        return true;
    }

    /// <summary>A batched frame: its header's length and checksum field, and the verdict.</summary>
    private readonly record struct Kept(int Length, uint Checksum, bool Ok);
}
