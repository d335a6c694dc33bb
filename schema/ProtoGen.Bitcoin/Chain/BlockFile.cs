using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace ProtoGen.Bitcoin;

/// <summary>
/// Bitcoin Core's blk*.dat format: records of network magic (4 bytes), block length (4 bytes, little-endian) and the
/// block. Zero padding after the last record (Core pre-allocates files) is skipped.
/// </summary>
public static class BlockFile
{
    /// <summary>Splits a blk file into its blocks' bytes (slices of <paramref name="file"/>, no copy).</summary>
    /// <param name="file">The file's contents.</param>
    /// <param name="magic">The expected network magic.</param>
    /// <exception cref="ProtocolException">A record has the wrong magic, an oversized length or is truncated.</exception>
    public static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> file, uint magic)
    {
        var blocks = new List<ReadOnlyMemory<byte>>();
        int offset = 0;
        var span = file.Span;
        while (offset < span.Length)
        {
            if (span.Slice(offset).IndexOfAnyExcept((byte)0) < 0)
            {
                break;
            }

            if (span.Length - offset < 8)
            {
                throw new ProtocolException(ProtocolError.Truncated, string.Create(CultureInfo.InvariantCulture, $"blk record at offset {offset}: header truncated"));
            }

            uint recordMagic = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(offset));
            if (recordMagic != magic)
            {
                throw new ProtocolException(ProtocolError.BadMagic, string.Create(CultureInfo.InvariantCulture, $"blk record at offset {offset}: magic {BitcoinNetwork.FormatMagic(recordMagic)}, expected {BitcoinNetwork.FormatMagic(magic)}"));
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(offset + 4));
            if (length > ProtocolLimits.MaxMessagePayload)
            {
                throw new ProtocolException(ProtocolError.LengthTooLarge, string.Create(CultureInfo.InvariantCulture, $"blk record at offset {offset}: length {length} exceeds {ProtocolLimits.MaxMessagePayload}"));
            }

            if (span.Length - offset - 8 < length)
            {
                throw new ProtocolException(ProtocolError.Truncated, string.Create(CultureInfo.InvariantCulture, $"blk record at offset {offset}: block truncated ({span.Length - offset - 8} of {length} bytes)"));
            }

            blocks.Add(file.Slice(offset + 8, (int)length));
            offset += 8 + (int)length;
        }

        return blocks;
    }

    /// <summary>Whether <paramref name="data"/> starts like a blk file record for <paramref name="magic"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="magic">The network magic.</param>
    public static bool LooksLikeBlockFile(ReadOnlySpan<byte> data, uint magic) =>
        data.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(data) == magic;
}
