using System;
using System.Numerics;

namespace ProtoGen.Bitcoin;

/// <summary>An 80-byte block header.</summary>
[WireType]
public readonly partial record struct BlockHeader
{
    /// <summary>The encoded size in bytes.</summary>
    public const int Size = 80;

    /// <summary>The block version (with BIP9 version bits).</summary>
    public int Version { get; init; }

    /// <summary>The hash of the previous block's header.</summary>
    public Hash256 PreviousBlock { get; init; }

    /// <summary>The merkle root of the block's transactions (by txid).</summary>
    public Hash256 MerkleRoot { get; init; }

    /// <summary>The block time, in Unix seconds.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The proof-of-work target in compact form.</summary>
    public uint Bits { get; init; }

    /// <summary>The proof-of-work nonce.</summary>
    public uint Nonce { get; init; }

    /// <summary>The block hash: double SHA-256 of the 80 encoded bytes.</summary>
    public Hash256 GetHash()
    {
        Span<byte> bytes = stackalloc byte[Size];
        var writer = new WireWriter(bytes);
        Write(ref writer, this);
        return DoubleSha256.Hash(bytes);
    }

    /// <summary>
    /// The target encoded by <see cref="Bits"/>, or null when the compact form is negative, overflows 256 bits or is
    /// zero (all invalid as a proof-of-work target).
    /// </summary>
    public BigInteger? GetTarget() => DecodeCompactTarget(Bits);

    /// <summary>Whether the block hash, as a 256-bit number, is at most the target encoded by <see cref="Bits"/>.</summary>
    public bool CheckProofOfWork()
    {
        if (GetTarget() is not { } target)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[Hash256.Size];
        GetHash().WriteTo(hash);
        return new BigInteger(hash, isUnsigned: true, isBigEndian: false) <= target;
    }

    /// <summary>Decodes a compact ("nBits") target as Bitcoin Core's <c>arith_uint256::SetCompact</c> does; null when negative, overflowing or zero.</summary>
    /// <param name="bits">The compact form.</param>
    public static BigInteger? DecodeCompactTarget(uint bits)
    {
        int exponent = (int)(bits >> 24);
        uint mantissa = bits & 0x007FFFFF;
        bool negative = mantissa != 0 && (bits & 0x00800000) != 0;
        bool overflow = mantissa != 0 && (exponent > 34 || (mantissa > 0xFF && exponent > 33) || (mantissa > 0xFFFF && exponent > 32));
        if (negative || overflow)
        {
            return null;
        }

        BigInteger target = exponent <= 3 ? new BigInteger(mantissa >> (8 * (3 - exponent))) : new BigInteger(mantissa) << (8 * (exponent - 3));
        return target.IsZero ? null : target;
    }
}
