using System.Globalization;

namespace ProtoGen.Bitcoin;

/// <summary>The <c>cmpctblock</c> message (BIP152): a header, short transaction ids and prefilled transactions.</summary>
[Message("cmpctblock", MinProtocolVersion = ProtocolVersions.Bip152, V2ShortId = 4)]
public sealed partial record CmpctBlockMessage
{
    /// <summary>The block header.</summary>
    public BlockHeader Header { get; init; }

    /// <summary>The nonce salting the short ids.</summary>
    public ulong Nonce { get; init; }

    /// <summary>The 6-byte short ids of the transactions not prefilled.</summary>
    [MaxCount(ProtocolLimits.MaxCompactBlockEntries)]
    public WireArray<ShortTxId> ShortIds { get; init; }

    /// <summary>The transactions sent in full (at least the coinbase), with differentially encoded indexes.</summary>
    [MaxCount(ProtocolLimits.MaxCompactBlockEntries)]
    public WireArray<PrefilledTransaction> PrefilledTransactions { get; init; }

    partial void OnDecoded()
    {
        // Bitcoin Core: the block's transaction count must fit a 16-bit index.
        if (ShortIds.Count + PrefilledTransactions.Count > ProtocolLimits.MaxCompactBlockEntries)
        {
            throw new ProtocolException(ProtocolError.ValueOutOfRange, string.Create(CultureInfo.InvariantCulture, $"cmpctblock: {ShortIds.Count + PrefilledTransactions.Count} transactions overflow 16-bit indexes"));
        }
    }
}

/// <summary>A prefilled transaction of a compact block: its index, as the difference from the previous prefilled index, and the transaction.</summary>
[WireType]
public readonly partial record struct PrefilledTransaction
{
    /// <summary>The differentially encoded index (a CompactSize that must fit 16 bits).</summary>
    [CompactSize]
    public ushort Index { get; init; }

    /// <summary>The transaction, with witness data.</summary>
    public Transaction Transaction { get; init; }
}

/// <summary>The <c>getblocktxn</c> message (BIP152): requests transactions of a compact block by index.</summary>
[Message("getblocktxn", MinProtocolVersion = ProtocolVersions.Bip152, V2ShortId = 10)]
public sealed partial record GetBlockTxnMessage
{
    /// <summary>The block's hash.</summary>
    public Hash256 BlockHash { get; init; }

    /// <summary>The requested indexes, absolute and ascending (differentially encoded on the wire).</summary>
    [WireCodec(typeof(DifferentialIndexCodec), MinEncodedSize = 1)]
    public WireArray<ushort> Indexes { get; init; }
}

/// <summary>The <c>blocktxn</c> message (BIP152): the transactions a getblocktxn asked for.</summary>
[Message("blocktxn", MinProtocolVersion = ProtocolVersions.Bip152, V2ShortId = 3)]
public sealed partial record BlockTxnMessage
{
    /// <summary>The block's hash.</summary>
    public Hash256 BlockHash { get; init; }

    /// <summary>The transactions, in the requested order.</summary>
    [MaxCount(ProtocolLimits.MaxCompactBlockEntries)]
    public WireArray<Transaction> Transactions { get; init; }
}

/// <summary>A BIP152 short transaction id: the low 48 bits of a SipHash, 6 bytes little-endian on the wire.</summary>
/// <param name="Value">The 48-bit value.</param>
[WireType]
[WireCodec(typeof(ShortTxIdCodec), MinEncodedSize = ShortTxIdCodec.Size)]
public readonly partial record struct ShortTxId(ulong Value);

/// <summary>The escape hatch for <see cref="ShortTxId"/>: 6 little-endian bytes.</summary>
public static class ShortTxIdCodec
{
    /// <summary>The encoded size.</summary>
    public const int Size = 6;

    /// <summary>Reads one short id.</summary>
    /// <param name="reader">The reader.</param>
    public static ShortTxId Read(ref WireReader reader)
    {
        var bytes = reader.ReadSpan(Size);
        ulong value = 0;
        for (int i = Size - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return new ShortTxId(value);
    }

    /// <summary>Writes one short id; bits above 48 must be zero.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The short id.</param>
    public static void Write(ref WireWriter writer, ShortTxId value)
    {
        if (value.Value >> 48 != 0)
        {
            throw new ProtocolException(ProtocolError.EncodeLimitExceeded, "a short transaction id has 48 bits");
        }

        System.Span<byte> bytes = stackalloc byte[Size];
        ulong v = value.Value;
        for (int i = 0; i < Size; i++)
        {
            bytes[i] = (byte)v;
            v >>= 8;
        }

        writer.WriteBytes(bytes);
    }

    /// <summary>The encoded size (always 6).</summary>
    /// <param name="value">The short id.</param>
    /// <param name="context">The encoding context.</param>
    public static int GetEncodedSize(ShortTxId value, WireContext context) => Size;
}

/// <summary>
/// The escape hatch for BIP152 index lists: a count, then each index as the CompactSize difference from the
/// previous index plus one. Decoding rejects any index that overflows 16 bits, as Bitcoin Core does.
/// </summary>
public static class DifferentialIndexCodec
{
    /// <summary>Reads the list and returns absolute indexes.</summary>
    /// <param name="reader">The reader.</param>
    public static WireArray<ushort> Read(ref WireReader reader)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxCompactBlockEntries + 1, 1, "Indexes");
        if (count == 0)
        {
            return default;
        }

        var indexes = new ushort[count];
        ulong shift = 0;
        for (int i = 0; i < indexes.Length; i++)
        {
            ulong delta = reader.ReadCompactSize();
            shift += delta;
            if (shift > ushort.MaxValue)
            {
                throw new ProtocolException(ProtocolError.ValueOutOfRange, "differential value overflow");
            }

            indexes[i] = (ushort)shift;
            shift++;
        }

        return new WireArray<ushort>(indexes);
    }

    /// <summary>Writes absolute, strictly ascending indexes differentially.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The indexes.</param>
    public static void Write(ref WireWriter writer, WireArray<ushort> value)
    {
        writer.WriteCount(value.Count, ProtocolLimits.MaxCompactBlockEntries + 1, "Indexes");
        ulong shift = 0;
        foreach (ushort index in value.AsSpan())
        {
            if (index < shift)
            {
                throw new ProtocolException(ProtocolError.EncodeLimitExceeded, "indexes must be strictly ascending");
            }

            writer.WriteCompactSize(index - shift);
            shift = (ulong)index + 1;
        }
    }

    /// <summary>The encoded size of the list.</summary>
    /// <param name="value">The indexes.</param>
    /// <param name="context">The encoding context.</param>
    public static int GetEncodedSize(WireArray<ushort> value, WireContext context)
    {
        int size = CompactSize.GetEncodedSize((ulong)value.Count);
        ulong shift = 0;
        foreach (ushort index in value.AsSpan())
        {
            size += CompactSize.GetEncodedSize(index - shift);
            shift = (ulong)index + 1;
        }

        return size;
    }
}
