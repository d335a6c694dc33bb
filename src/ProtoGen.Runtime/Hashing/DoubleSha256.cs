using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ProtoGen;

/// <summary>
/// Double SHA-256 (SHA-256 of SHA-256), Bitcoin's hash for block headers, transactions, merkle nodes and frame
/// checksums.
/// </summary>
/// <remarks>
/// The implementation is chosen once per process (docs/benchmarks.md, "Hashing"): one message at a time through the
/// platform's libcrypto block function when it is found (SHA-NI on current x86 CPUs, a few nanoseconds of call
/// overhead), else the platform's <see cref="IncrementalHash"/> (and managed code for messages under a block);
/// many messages at once (<see cref="HashMany(ReadOnlySpan{HashInput}, Span{Hash256})"/>, <see cref="HashPairs(ReadOnlySpan{Hash256}, Span{Hash256})"/>) in the lanes of AVX-512 or AVX2 registers
/// when the CPU has them. Every implementation gives the same bytes; none allocates.
/// </remarks>
public static class DoubleSha256
{
    // The SystemCrypto backend keeps one SHA-256 context per thread: with OpenSSL 3 (Linux) every one-shot
    // SHA256.HashData call creates a context and looks the algorithm up again. Every use appends and then finishes
    // with nothing in between that can throw, so the context is always left reset.
    [ThreadStatic]
    private static IncrementalHash? t_systemSha256;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    public static Hash256 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        HashConcat(Sha256Backends.ForMessage(data.Length), data, default, default, buffer);
        return new Hash256(buffer);
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> (32 bytes).</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="destination">At least 32 bytes.</param>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < Hash256.Size)
        {
            throw new ArgumentException("the destination needs 32 bytes", nameof(destination));
        }

        HashConcat(Sha256Backends.ForMessage(data.Length), data, default, default, destination);
    }

    /// <summary>Hashes a possibly multi-segment sequence in place (a frame payload), allocating nothing.</summary>
    /// <param name="data">The bytes.</param>
    public static Hash256 Hash(in ReadOnlySequence<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        HashSequence(data, buffer);
        return new Hash256(buffer);
    }

    /// <summary>Hashes the concatenation of two or three slices without copying them together (a segwit txid: version, body, lock time).</summary>
    /// <param name="first">The first slice.</param>
    /// <param name="second">The second slice.</param>
    /// <param name="third">The third slice (may be empty).</param>
    public static Hash256 HashConcat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third = default)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        HashConcat(Sha256Backends.ForMessage(first.Length + second.Length + third.Length), first, second, third, buffer);
        return new Hash256(buffer);
    }

    /// <summary>Hashes two 32-byte hashes concatenated (a merkle tree node).</summary>
    /// <param name="left">The left child.</param>
    /// <param name="right">The right child.</param>
    public static Hash256 HashPair(in Hash256 left, in Hash256 right)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size * 2];
        left.WriteTo(buffer);
        right.WriteTo(buffer.Slice(Hash256.Size));
        HashConcat(Sha256Backends.ForMessage(buffer.Length), buffer, default, default, buffer);
        return new Hash256(buffer.Slice(0, Hash256.Size));
    }

    /// <summary>The first four bytes of the double SHA-256 of <paramref name="data"/>, as a little-endian integer (the frame checksum).</summary>
    /// <param name="data">The payload.</param>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        HashConcat(Sha256Backends.ForMessage(data.Length), data, default, default, buffer);
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    /// <summary>The frame checksum of a possibly multi-segment payload, hashed in place without allocating.</summary>
    /// <param name="data">The payload.</param>
    public static uint Checksum(in ReadOnlySequence<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        HashSequence(data, buffer);
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    /// <summary>
    /// Hashes many messages at once: <paramref name="destination"/>[i] = double SHA-256 of <paramref name="inputs"/>[i].
    /// With AVX-512 or AVX2 the messages are hashed side by side in the lanes of vector registers, which for small
    /// messages (transactions) is several times faster than hashing them one by one. Allocates nothing.
    /// </summary>
    /// <param name="inputs">The messages (each up to three runs of bytes).</param>
    /// <param name="destination">At least as many hashes as <paramref name="inputs"/>.</param>
    public static void HashMany(ReadOnlySpan<HashInput> inputs, Span<Hash256> destination) =>
        HashMany(Sha256Backends.Batch, Sha256Backends.Single, inputs, destination);

    /// <summary>
    /// Hashes pairs of hashes at once (a merkle tree level): <paramref name="destination"/>[i] = double SHA-256 of
    /// <paramref name="nodes"/>[2 i] followed by <paramref name="nodes"/>[2 i + 1]. The destination may be the
    /// start of <paramref name="nodes"/> (a level computed in place), but must not overlap it otherwise.
    /// </summary>
    /// <param name="nodes">An even number of hashes.</param>
    /// <param name="destination">At least half as many hashes.</param>
    public static void HashPairs(ReadOnlySpan<Hash256> nodes, Span<Hash256> destination) =>
        HashPairs(Sha256Backends.Batch, Sha256Backends.Single, nodes, destination);

    /// <summary><see cref="HashMany(ReadOnlySpan{HashInput}, Span{Hash256})"/> on given backends.</summary>
    /// <param name="lanes">The multi-buffer backend (must be supported).</param>
    /// <param name="single">The single-message backend.</param>
    /// <param name="inputs">The messages.</param>
    /// <param name="destination">The hashes.</param>
    internal static void HashMany(Sha256Lanes lanes, Sha256Backend single, ReadOnlySpan<HashInput> inputs, Span<Hash256> destination)
    {
        if (destination.Length < inputs.Length)
        {
            throw new ArgumentException("the destination needs a hash per input", nameof(destination));
        }

        switch (lanes)
        {
            case Sha256Lanes.Avx512x16:
                Sha256MultiBuffer.HashMany<Sha256x16>(inputs, destination, single);
                break;
            case Sha256Lanes.Avx2x8:
                Sha256MultiBuffer.HashMany<Sha256x8>(inputs, destination, single);
                break;
            default:
                Span<byte> digest = stackalloc byte[Hash256.Size];
                for (int i = 0; i < inputs.Length; i++)
                {
                    ref readonly var input = ref inputs[i];
                    HashConcat(Sha256Backends.ForMessage(single, input.Length), input.First.Span, input.Second.Span, input.Third.Span, digest);
                    destination[i] = new Hash256(digest);
                }

                break;
        }
    }

    /// <summary><see cref="HashPairs(ReadOnlySpan{Hash256}, Span{Hash256})"/> on given backends.</summary>
    /// <param name="lanes">The multi-buffer backend (must be supported).</param>
    /// <param name="single">The single-message backend.</param>
    /// <param name="nodes">The hashes.</param>
    /// <param name="destination">The pair hashes.</param>
    internal static void HashPairs(Sha256Lanes lanes, Sha256Backend single, ReadOnlySpan<Hash256> nodes, Span<Hash256> destination)
    {
        if (nodes.Length % 2 != 0)
        {
            throw new ArgumentException("pairs need an even number of hashes", nameof(nodes));
        }

        if (destination.Length < nodes.Length / 2)
        {
            throw new ArgumentException("the destination needs a hash per pair", nameof(destination));
        }

        if (nodes.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException("the destination may only overlap the nodes at their start", nameof(destination));
        }

        switch (lanes)
        {
            case Sha256Lanes.Avx512x16:
                Sha256NodePairs.HashPairs<Sha256x16>(nodes, destination, single);
                break;
            case Sha256Lanes.Avx2x8:
                Sha256NodePairs.HashPairs<Sha256x8>(nodes, destination, single);
                break;
            default:
                Span<byte> buffer = stackalloc byte[Hash256.Size * 2];
                for (int i = 0; i < nodes.Length / 2; i++)
                {
                    nodes[2 * i].WriteTo(buffer);
                    nodes[(2 * i) + 1].WriteTo(buffer.Slice(Hash256.Size));
                    HashConcat(Sha256Backends.ForMessage(single, buffer.Length), buffer, default, default, buffer);
                    destination[i] = new Hash256(buffer.Slice(0, Hash256.Size));
                }

                break;
        }
    }

    /// <summary>
    /// Double SHA-256 of the concatenation of up to three slices with the given backend (the one entry point of the
    /// single-message hashes, so that tests can force each backend).
    /// </summary>
    /// <param name="backend">The backend.</param>
    /// <param name="first">The first slice.</param>
    /// <param name="second">The second slice.</param>
    /// <param name="third">The third slice.</param>
    /// <param name="destination">32 bytes (may overlap the input: it is written last).</param>
    internal static void HashConcat(Sha256Backend backend, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        if (backend == Sha256Backend.SystemCrypto)
        {
            var sha256 = t_systemSha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha256.AppendData(first);
            sha256.AppendData(second);
            sha256.AppendData(third);
            Span<byte> digest = stackalloc byte[Hash256.Size];
            sha256.GetHashAndReset(digest);
            Sha256Hasher.RehashDigest(Sha256Backend.Portable, digest);
            digest.CopyTo(destination);
            return;
        }

        var hasher = new Sha256Hasher(backend);
        hasher.Append(first);
        hasher.Append(second);
        hasher.Append(third);
        hasher.Finish(destination);
        Sha256Hasher.RehashDigest(backend, destination);
    }

    /// <summary>Double SHA-256 of a sequence, segment by segment.</summary>
    private static void HashSequence(in ReadOnlySequence<byte> data, Span<byte> destination)
    {
        var backend = Sha256Backends.ForMessage(data.Length);
        if (data.IsSingleSegment)
        {
            HashConcat(backend, data.FirstSpan, default, default, destination);
        }
        else if (backend == Sha256Backend.SystemCrypto)
        {
            var sha256 = t_systemSha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var segment in data)
            {
                sha256.AppendData(segment.Span);
            }

            sha256.GetHashAndReset(destination);
            Sha256Hasher.RehashDigest(Sha256Backend.Portable, destination);
        }
        else
        {
            var hasher = new IncrementalDoubleSha256(backend);
            hasher.Append(data);
            hasher.GetHashAndReset(destination);
        }
    }
}
