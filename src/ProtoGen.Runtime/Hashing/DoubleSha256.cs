using System;
using System.Security.Cryptography;

namespace ProtoGen;

/// <summary>
/// Double SHA-256 (SHA-256 of SHA-256), Bitcoin's hash for block headers, transactions, merkle nodes and frame
/// checksums, computed with <see cref="SHA256"/> from <c>System.Security.Cryptography</c>.
/// </summary>
public static class DoubleSha256
{
    // One reusable SHA-256 context per thread. With OpenSSL 3 (Linux), every one-shot SHA256.HashData call creates a
    // context and looks the algorithm up again, which costs as much as hashing about a kilobyte; finishing and
    // resetting a context that is kept costs roughly half as much. A transaction id needs two SHA-256 runs, so for
    // the small inputs Bitcoin hashes most (transactions, merkle nodes, headers) this is most of the time.
    // Every method leaves the context reset: arguments are checked before any data is appended, and nothing between
    // AppendData and GetHashAndReset can throw.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static IncrementalHash Sha256 => t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Hashes <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    public static Hash256 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        var sha256 = Sha256;
        sha256.AppendData(data);
        Finish(sha256, buffer);
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

        var sha256 = Sha256;
        sha256.AppendData(data);
        Finish(sha256, destination.Slice(0, Hash256.Size));
    }

    /// <summary>Hashes the concatenation of two or three slices without copying them together (a segwit txid: version, body, lock time).</summary>
    /// <param name="first">The first slice.</param>
    /// <param name="second">The second slice.</param>
    /// <param name="third">The third slice (may be empty).</param>
    public static Hash256 HashConcat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third = default)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        var sha256 = Sha256;
        sha256.AppendData(first);
        sha256.AppendData(second);
        if (!third.IsEmpty)
        {
            sha256.AppendData(third);
        }

        Finish(sha256, buffer);
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
        var sha256 = Sha256;
        sha256.AppendData(buffer);
        Finish(sha256, buffer.Slice(0, Hash256.Size));
        return new Hash256(buffer.Slice(0, Hash256.Size));
    }

    /// <summary>The first four bytes of the double SHA-256 of <paramref name="data"/>, as a little-endian integer (the frame checksum).</summary>
    /// <param name="data">The payload.</param>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        Hash(data, buffer);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    /// <summary>Finishes the first SHA-256 into <paramref name="buffer"/> (32 bytes), hashes that again into it, and leaves the context reset.</summary>
    private static void Finish(IncrementalHash sha256, Span<byte> buffer)
    {
        sha256.GetHashAndReset(buffer);
        sha256.AppendData(buffer);
        sha256.GetHashAndReset(buffer);
    }
}
