using System;

namespace ProtoGen;

/// <summary>Hex text of fixed-size wire fields, always in wire order, so that every layer prints them the same way.</summary>
public static class WireHex
{
    /// <summary>
    /// The hex of the four bytes that <paramref name="value"/> occupies on the wire as a little-endian 32-bit field (a
    /// network magic, a frame checksum), in wire order: the magic read as 0xD9B4BEF9 is <c>f9beb4d9</c>, as its bytes
    /// appear in a hex dump.
    /// </summary>
    /// <param name="value">The field, as the little-endian integer of its four wire bytes.</param>
    public static string OfUInt32LittleEndian(uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Convert.ToHexStringLower(bytes);
    }
}
