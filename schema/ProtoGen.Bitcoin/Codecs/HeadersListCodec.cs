namespace ProtoGen.Bitcoin;

/// <summary>The escape hatch for the <c>headers</c> list: a count (at most 2,000), then per header 80 bytes and a CompactSize transaction count.</summary>
public static class HeadersListCodec
{
    /// <summary>Reads the list.</summary>
    /// <param name="reader">The reader.</param>
    public static WireArray<BlockHeader> Read(ref WireReader reader)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxHeaders, BlockHeader.Size + 1, "Headers");
        if (count == 0)
        {
            return default;
        }

        var headers = new BlockHeader[count];
        for (int i = 0; i < headers.Length; i++)
        {
            headers[i] = BlockHeader.Read(ref reader);

            // The transaction count: always 0 in practice; Bitcoin Core reads and ignores it.
            reader.ReadCompactSize();
        }

        return new WireArray<BlockHeader>(headers);
    }

    /// <summary>Writes the list, each header followed by a zero transaction count.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The headers.</param>
    public static void Write(ref WireWriter writer, WireArray<BlockHeader> value)
    {
        writer.WriteCount(value.Count, ProtocolLimits.MaxHeaders, "Headers");
        foreach (ref readonly var header in value.AsSpan())
        {
            BlockHeader.Write(ref writer, header);
            writer.WriteByte(0);
        }
    }

    /// <summary>The encoded size of the list.</summary>
    /// <param name="value">The headers.</param>
    /// <param name="context">The encoding context.</param>
    public static int GetEncodedSize(WireArray<BlockHeader> value, WireContext context) =>
        CompactSize.GetEncodedSize((ulong)value.Count) + (value.Count * (BlockHeader.Size + 1));
}
