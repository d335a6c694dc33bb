using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ProtoGen;

/// <summary>
/// SHA-256 of one message fed in pieces (FIPS 180-4, section 5.1.1 padding): whole blocks go straight from the input
/// to the backend's block function, a partial block waits in a 64-byte buffer, and the padding is added on
/// <see cref="Finish"/>. Allocates nothing; a mutable struct, used by reference.
/// </summary>
internal struct Sha256Hasher
{
    private Sha256State _state;
    private BlockBuffer _buffer;
    private long _length;
    private readonly Sha256Backend _backend;

    /// <summary>Starts a message.</summary>
    /// <param name="backend">The block function (<see cref="Sha256Backend.SystemCrypto"/> has none and runs the portable one).</param>
    public Sha256Hasher(Sha256Backend backend)
    {
        _backend = backend;
        _state.Reset();
    }

    /// <summary>Bytes appended so far.</summary>
    public readonly long Length => _length;

    /// <summary>Continues a message from a chaining value reached after <paramref name="length"/> bytes (a multiple of 64).</summary>
    /// <param name="backend">The block function.</param>
    /// <param name="words">The eight chaining words.</param>
    /// <param name="length">Bytes already hashed into <paramref name="words"/>.</param>
    public static Sha256Hasher Resume(Sha256Backend backend, ReadOnlySpan<uint> words, long length)
    {
        Debug.Assert(length % Sha256Constants.BlockSize == 0);
        var hasher = new Sha256Hasher(backend);
        words.CopyTo(hasher._state.Words);
        hasher._length = length;
        return hasher;
    }

    /// <summary>Appends bytes to the message.</summary>
    /// <param name="data">The bytes.</param>
    public void Append(ReadOnlySpan<byte> data)
    {
        int buffered = (int)(_length % Sha256Constants.BlockSize);
        _length += data.Length;
        Span<byte> buffer = _buffer;
        if (buffered != 0)
        {
            int take = Math.Min(Sha256Constants.BlockSize - buffered, data.Length);
            data.Slice(0, take).CopyTo(buffer.Slice(buffered));
            data = data.Slice(take);
            if (buffered + take < Sha256Constants.BlockSize)
            {
                return;
            }

            Sha256Backends.Compress(_backend, ref _state, buffer);
        }

        int whole = data.Length - (data.Length % Sha256Constants.BlockSize);
        if (whole != 0)
        {
            Sha256Backends.Compress(_backend, ref _state, data.Slice(0, whole));
            data = data.Slice(whole);
        }

        data.CopyTo(buffer);
    }

    /// <summary>Pads the message, writes its digest and leaves this hasher finished (start a new one to hash again).</summary>
    /// <param name="digest">32 bytes.</param>
    [SkipLocalsInit]
    public void Finish(Span<byte> digest)
    {
        int buffered = (int)(_length % Sha256Constants.BlockSize);
        Span<byte> tail = stackalloc byte[Sha256Constants.BlockSize * 2];
        int size = PaddedSize(buffered);
        ((ReadOnlySpan<byte>)_buffer).Slice(0, buffered).CopyTo(tail);
        Pad(tail.Slice(0, size), buffered, _length);
        Sha256Backends.Compress(_backend, ref _state, tail.Slice(0, size));
        _state.WriteDigest(digest);
    }

    /// <summary>Replaces a 32-byte digest with its own SHA-256: the second half of a double SHA-256, one block.</summary>
    /// <param name="backend">The block function.</param>
    /// <param name="digest">32 bytes, hashed in place.</param>
    [SkipLocalsInit]
    public static void RehashDigest(Sha256Backend backend, Span<byte> digest)
    {
        Span<byte> block = stackalloc byte[Sha256Constants.BlockSize];
        digest.Slice(0, Hash256.Size).CopyTo(block);
        Pad(block, Hash256.Size, Hash256.Size);
        var state = default(Sha256State);
        state.Reset();
        Sha256Backends.Compress(backend, ref state, block);
        state.WriteDigest(digest);
    }

    /// <summary>The bytes of the last one or two blocks of a message that has <paramref name="tailLength"/> bytes in its last partial block.</summary>
    /// <param name="tailLength">Message length modulo 64.</param>
    public static int PaddedSize(int tailLength) =>
        tailLength + 1 + Sha256Constants.LengthSize <= Sha256Constants.BlockSize ? Sha256Constants.BlockSize : Sha256Constants.BlockSize * 2;

    /// <summary>
    /// Pads the last one or two blocks in place: after the <paramref name="tailLength"/> message bytes at the start of
    /// <paramref name="blocks"/>, a 0x80 byte, zeros, and the message length in bits, big-endian, in the last 8 bytes.
    /// </summary>
    /// <param name="blocks">The last block or two (<see cref="PaddedSize"/> bytes).</param>
    /// <param name="tailLength">Message bytes at its start.</param>
    /// <param name="messageLength">The whole message's length in bytes.</param>
    public static void Pad(Span<byte> blocks, int tailLength, long messageLength)
    {
        blocks[tailLength] = Sha256Constants.PaddingStart;
        int lengthAt = blocks.Length - Sha256Constants.LengthSize;
        blocks.Slice(tailLength + 1, lengthAt - tailLength - 1).Clear();
        BinaryPrimitives.WriteUInt64BigEndian(blocks.Slice(lengthAt), (ulong)messageLength * 8);
    }

    [InlineArray(Sha256Constants.BlockSize)]
    private struct BlockBuffer
    {
        private byte _element;
    }
}
