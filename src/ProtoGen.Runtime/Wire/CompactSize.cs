using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ProtoGen;

/// <summary>
/// Bitcoin's CompactSize integer: one byte below 0xFD, otherwise a marker (0xFD, 0xFE, 0xFF) and 2, 4 or 8
/// little-endian bytes. Decoding rejects non-canonical forms and, for sizes, values over <see cref="MaxSize"/>,
/// as Bitcoin Core does.
/// </summary>
public static class CompactSize
{
    /// <summary>The largest size a CompactSize may carry when used as a length or count (Bitcoin Core <c>MAX_SIZE</c>).</summary>
    public const ulong MaxSize = 0x02000000;

    /// <summary>The longest encoding, in bytes.</summary>
    public const int MaxEncodedLength = 9;

    /// <summary>The number of bytes <paramref name="value"/> takes when encoded.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetEncodedSize(ulong value) => value < 0xFD ? 1 : value <= 0xFFFF ? 3 : value <= 0xFFFF_FFFF ? 5 : 9;

    /// <summary>Writes <paramref name="value"/> canonically into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <param name="destination">At least <see cref="GetEncodedSize"/> bytes.</param>
    /// <param name="value">The value.</param>
    public static int Write(Span<byte> destination, ulong value)
    {
        if (value < 0xFD)
        {
            destination[0] = (byte)value;
            return 1;
        }

        if (value <= 0xFFFF)
        {
            destination[0] = 0xFD;
            BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(1), (ushort)value);
            return 3;
        }

        if (value <= 0xFFFF_FFFF)
        {
            destination[0] = 0xFE;
            BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(1), (uint)value);
            return 5;
        }

        destination[0] = 0xFF;
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(1), value);
        return 9;
    }

    /// <summary>
    /// Decodes a CompactSize from the start of <paramref name="source"/>. Returns false when the data is too short;
    /// throws <see cref="ProtocolException"/> for a non-canonical form or (with <paramref name="rangeCheck"/>) a value over <see cref="MaxSize"/>.
    /// </summary>
    /// <param name="source">The bytes.</param>
    /// <param name="value">The decoded value.</param>
    /// <param name="consumed">The bytes the encoding took.</param>
    /// <param name="rangeCheck">Whether to reject values over <see cref="MaxSize"/>.</param>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int consumed, bool rangeCheck = true)
    {
        value = 0;
        consumed = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        byte first = source[0];
        if (first < 0xFD)
        {
            value = first;
            consumed = 1;
        }
        else if (first == 0xFD)
        {
            if (source.Length < 3)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(1));
            consumed = 3;
            if (value < 0xFD)
            {
                NonCanonical();
            }
        }
        else if (first == 0xFE)
        {
            if (source.Length < 5)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(1));
            consumed = 5;
            if (value < 0x1_0000)
            {
                NonCanonical();
            }
        }
        else
        {
            if (source.Length < 9)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(1));
            consumed = 9;
            if (value < 0x1_0000_0000)
            {
                NonCanonical();
            }
        }

        if (rangeCheck && value > MaxSize)
        {
            throw new ProtocolException(ProtocolError.CompactSizeTooLarge, "CompactSize value is larger than the protocol maximum 0x02000000");
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void NonCanonical() =>
        throw new ProtocolException(ProtocolError.NonCanonicalCompactSize, "non-canonical CompactSize encoding");
}
