using System;
using System.Security.Cryptography;

namespace ProtoGen;

/// <summary>
/// Double SHA-256 (SHA-256 of SHA-256), Bitcoin's hash for block headers, transactions, merkle nodes and frame
/// checksums, computed with <see cref="SHA256"/> from <c>System.Security.Cryptography</c>.
/// </summary>
public static class DoubleSha256
{
    [ThreadStatic]
    private static IncrementalHash? s_incremental;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    public static Hash256 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        SHA256.HashData(data, buffer);
        SHA256.HashData(buffer, buffer);
        return new Hash256(buffer);
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> (32 bytes).</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="destination">At least 32 bytes.</param>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        SHA256.HashData(data, destination);
        SHA256.HashData(destination.Slice(0, Hash256.Size), destination);
    }

    /// <summary>Hashes the concatenation of two or three slices without copying them together (a segwit txid: version, body, lock time).</summary>
    /// <param name="first">The first slice.</param>
    /// <param name="second">The second slice.</param>
    /// <param name="third">The third slice (may be empty).</param>
    public static Hash256 HashConcat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third = default)
    {
        var hasher = s_incremental ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hasher.AppendData(first);
        hasher.AppendData(second);
        if (!third.IsEmpty)
        {
            hasher.AppendData(third);
        }

        Span<byte> buffer = stackalloc byte[Hash256.Size];
        hasher.GetHashAndReset(buffer);
        SHA256.HashData(buffer, buffer);
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
        SHA256.HashData(buffer, buffer);
        SHA256.HashData(buffer.Slice(0, Hash256.Size), buffer);
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
}
