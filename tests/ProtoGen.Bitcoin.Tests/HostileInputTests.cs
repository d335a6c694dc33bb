using static ProtoGen.Bitcoin.Tests.GoldenVectors.GoldenData;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// Hostile payloads: counts and lengths one over each named limit, huge counts with few bytes behind them (rejected
/// before anything is allocated), non-canonical CompactSize, wrong BIP155 lengths, malformed segwit and BIP152 data.
/// </summary>
public class HostileInputTests
{
    private static string Cs(ulong value)
    {
        var buffer = new byte[9];
        return Convert.ToHexStringLower(buffer, 0, CompactSize.Write(buffer, value));
    }

    private static string Repeat(string hex, int count) => string.Concat(Enumerable.Repeat(hex, count));

    private const string InvEntry = "01000000" + GenesisTxIdWire;

    // ---------------------------------------------------------------- named limits, one over (with every byte present)

    [Fact]
    public void Inventory_lists_over_50000_are_rejected()
    {
        var atLimit = Hex(Cs(50_000), Repeat(InvEntry, 50_000));
        Assert.Equal(50_000, WireSerializer.Decode<InvMessage>(atLimit.AsSpan()).Inventory.Count);

        var over = Hex(Cs(50_001), Repeat(InvEntry, 50_001));
        Rejects<InvMessage>(over, ProtocolError.CountTooLarge);
        Rejects<GetDataMessage>(over, ProtocolError.CountTooLarge);
        Rejects<NotFoundMessage>(over, ProtocolError.CountTooLarge);
    }

    [Fact]
    public void Addr_lists_over_1000_are_rejected()
    {
        const string entry = "00f15365" + "0100000000000000" + "00000000000000000000ffffc0a80001" + "208d";
        Assert.Equal(1000, WireSerializer.Decode<AddrMessage>(Hex(Cs(1000), Repeat(entry, 1000)).AsSpan()).Addresses.Count);
        Rejects<AddrMessage>(Hex(Cs(1001), Repeat(entry, 1001)), ProtocolError.CountTooLarge);

        const string entryV2 = "00f15365" + "01" + "01" + "04" + "01020304" + "208d";
        Assert.Equal(1000, WireSerializer.Decode<AddrV2Message>(Hex(Cs(1000), Repeat(entryV2, 1000)).AsSpan()).Addresses.Count);
        Rejects<AddrV2Message>(Hex(Cs(1001), Repeat(entryV2, 1001)), ProtocolError.CountTooLarge);
    }

    [Fact]
    public void Headers_over_2000_are_rejected()
    {
        Assert.Equal(2000, WireSerializer.Decode<HeadersMessage>(Hex(Cs(2000), Repeat(Header1Hex + "00", 2000)).AsSpan()).Headers.Count);
        Rejects<HeadersMessage>(Hex(Cs(2001), Repeat(Header1Hex + "00", 2001)), ProtocolError.CountTooLarge);
    }

    [Fact]
    public void Locators_over_101_are_rejected()
    {
        var atLimit = Hex("80110100", Cs(101), Repeat(GenesisHashWire, 101), ZeroHash);
        Assert.Equal(101, WireSerializer.Decode<GetHeadersMessage>(atLimit.AsSpan()).Locator.Count);
        Assert.Equal(101, WireSerializer.Decode<GetBlocksMessage>(atLimit.AsSpan()).Locator.Count);

        var over = Hex("80110100", Cs(102), Repeat(GenesisHashWire, 102), ZeroHash);
        Rejects<GetHeadersMessage>(over, ProtocolError.CountTooLarge);
        Rejects<GetBlocksMessage>(over, ProtocolError.CountTooLarge);
    }

    private const string VersionHead =
        "80110100" + "0000000000000000" + "0000000000000000" + "0000000000000000" + "00000000000000000000000000000000" + "0000"
        + "0000000000000000" + "00000000000000000000000000000000" + "0000" + "0000000000000000";

    [Fact]
    public void User_agent_over_256_bytes_is_rejected()
    {
        var atLimit = Hex(VersionHead, Cs(256), Repeat("61", 256), "00000000", "01");
        Assert.Equal(new string('a', 256), WireSerializer.Decode<VersionMessage>(atLimit.AsSpan()).UserAgent);
        Rejects<VersionMessage>(Hex(VersionHead, Cs(257), Repeat("61", 257), "00000000", "01"), ProtocolError.LengthTooLarge);
    }

    [Fact]
    public void Filterload_over_36000_bytes_or_50_hash_functions_is_rejected()
    {
        var atLimit = WireSerializer.Decode<FilterLoadMessage>(Hex(Cs(36_000), Repeat("ff", 36_000), "32000000", "00000000", "00").AsSpan());
        Assert.Equal(36_000, atLimit.Filter.Length);
        Assert.Equal(50u, atLimit.HashFunctions);

        Rejects<FilterLoadMessage>(Hex(Cs(36_001), Repeat("ff", 36_001), "0b000000", "00000000", "00"), ProtocolError.LengthTooLarge);
        Rejects<FilterLoadMessage>(Hex("02", "b50f", "33000000", "00000000", "00"), ProtocolError.ValueOutOfRange); // 51 hash functions
        Rejects<FilterLoadMessage>(Hex("02", "b50f", "ffffffff", "00000000", "00"), ProtocolError.ValueOutOfRange);
    }

    [Fact]
    public void Filteradd_over_520_bytes_is_rejected()
    {
        Assert.Equal(520, WireSerializer.Decode<FilterAddMessage>(Hex(Cs(520), Repeat("ab", 520)).AsSpan()).Data.Length);
        Rejects<FilterAddMessage>(Hex(Cs(521), Repeat("ab", 521)), ProtocolError.LengthTooLarge);
    }

    [Fact]
    public void Other_named_limits_are_enforced()
    {
        Rejects<CFHeadersMessage>(Hex("00", ZeroHash, ZeroHash, Cs(2001), Repeat(ZeroHash, 2001)), ProtocolError.CountTooLarge);
        Rejects<CFilterMessage>(Hex("00", ZeroHash, Cs((256 * 1024) + 1), Repeat("00", (256 * 1024) + 1)), ProtocolError.LengthTooLarge);
        Rejects<RejectMessage>(Hex(Cs(13), Repeat("61", 13), "10", "00"), ProtocolError.LengthTooLarge);
        Rejects<RejectMessage>(Hex("02", "7478", "10", Cs(112), Repeat("61", 112)), ProtocolError.LengthTooLarge);
        Rejects<AddrV2Message>(Hex("01", "00000000", "00", "2a", Cs(513), Repeat("00", 513), "0000"), ProtocolError.LengthTooLarge);
        Assert.Single(WireSerializer.Decode<AddrV2Message>(Hex("01", "00000000", "00", "2a", Cs(512), Repeat("00", 512), "0000").AsSpan()).Addresses);
    }

    [Fact]
    public void Encoding_over_a_limit_is_refused()
    {
        static void Refused<T>(T value)
            where T : IMessage<T>
        {
            var e = Assert.Throws<ProtocolException>(() => WireSerializer.Encode(value));
            Assert.Equal(ProtocolError.EncodeLimitExceeded, e.Error);
        }

        Refused(new InvMessage { Inventory = new InventoryVector[50_001] });
        Refused(new AddrMessage { Addresses = new TimestampedNetworkAddress[1001] });
        Refused(new GetHeadersMessage { Locator = new Hash256[102] });
        Refused(new HeadersMessage { Headers = new BlockHeader[2001] });
        Refused(new FilterAddMessage { Data = new byte[521] });
        Refused(new FilterLoadMessage { Filter = new byte[36_001] });
        Refused(new VersionMessage { ReceiverAddress = NetworkAddress.Unspecified, SenderAddress = NetworkAddress.Unspecified, Nonce = 0, UserAgent = new string('a', 257) });
        Refused(new RejectMessage { RejectedCommand = "thirteen-char", Reason = "x" });
        Refused(new CmpctBlockMessage { ShortIds = new[] { new ShortTxId(1UL << 48) } });
        Refused(new GetBlockTxnMessage { Indexes = new ushort[] { 3, 3 } });
        Refused(new GetBlockTxnMessage { Indexes = new ushort[] { 5, 1 } });
    }

    // ---------------------------------------------------------------- huge counts with few bytes: no allocation

    public static TheoryData<string, string> HugeCounts()
    {
        var data = new TheoryData<string, string>();
        string[] counts = ["fe00000002", "feffffffff", "ffffffffffffffffff", "ff0000000001000000", "fdffff"];
        foreach (var count in counts)
        {
            data.Add("inv", count + Repeat("00", 15));
            data.Add("getdata", count + Repeat("00", 15));
            data.Add("notfound", count + Repeat("00", 15));
            data.Add("addr", count + Repeat("00", 15));
            data.Add("addrv2", count + Repeat("00", 15));
            data.Add("addrv2", "01" + "00000000" + "00" + "01" + count + Repeat("00", 6)); // address length
            data.Add("headers", count + Repeat("00", 15));
            data.Add("getheaders", "80110100" + count + Repeat("00", 11));
            data.Add("getblocks", "80110100" + count + Repeat("00", 11));
            data.Add("tx", "01000000" + count + Repeat("00", 11));                          // inputs
            data.Add("tx", "01000000" + "0001" + count + Repeat("00", 9));                   // segwit inputs
            data.Add("tx", "01000000" + "01" + Repeat("00", 36) + count + Repeat("00", 8));  // scriptSig length
            data.Add("tx", "01000000" + "00" + "01" + "01" + Repeat("00", 41) + "01" + "0000000000000000" + "00" + count + "00000000"); // witness items
            data.Add("block", Header1Hex + count + Repeat("00", 6));
            data.Add("blocktxn", ZeroHash + count + Repeat("00", 6));
            data.Add("cmpctblock", Header1Hex + "0000000000000000" + count + Repeat("00", 6));
            data.Add("cmpctblock", Header1Hex + "0000000000000000" + "00" + count + Repeat("00", 6));
            data.Add("getblocktxn", ZeroHash + count + Repeat("00", 6));
            data.Add("merkleblock", Header1Hex + "01000000" + count + Repeat("00", 6));
            data.Add("merkleblock", Header1Hex + "01000000" + "00" + count + Repeat("00", 6));
            data.Add("filterload", count + Repeat("00", 15));
            data.Add("filteradd", count + Repeat("00", 15));
            data.Add("cfilter", "00" + ZeroHash + count + Repeat("00", 6));
            data.Add("cfheaders", "00" + ZeroHash + ZeroHash + count + Repeat("00", 6));
            data.Add("cfcheckpt", "00" + ZeroHash + count + Repeat("00", 6));
            data.Add("version", VersionHead + count + Repeat("00", 6));
            data.Add("reject", count + Repeat("00", 15));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HugeCounts))]
    public void Huge_counts_with_few_bytes_are_rejected_before_allocating(string command, string hex)
    {
        var c = MessageGenerators.Get(command);
        var bytes = Convert.FromHexString(hex);

        // Warm up (JIT, type initialisation), then measure one decode from a span and one from memory.
        Assert.Throws<ProtocolException>(() => c.DecodeSpan(bytes));
        Assert.Throws<ProtocolException>(() => c.DecodeMemory(bytes));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var fromSpan = Assert.Throws<ProtocolException>(() => c.DecodeSpan(bytes));
        var fromMemory = Assert.Throws<ProtocolException>(() => c.DecodeMemory(bytes));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 64 * 1024, $"{command}: decoding {bytes.Length} hostile bytes allocated {allocated} bytes");
        Assert.Contains(fromSpan.Error, new[] { ProtocolError.CountTooLarge, ProtocolError.LengthTooLarge, ProtocolError.CompactSizeTooLarge, ProtocolError.Truncated });
        Assert.Equal(fromSpan.Error, fromMemory.Error);
    }

    [Fact]
    public void Allocation_measure_sees_a_real_allocation()
    {
        // Control for the test above: a valid 1000-entry inv does allocate its 36 KB array.
        var bytes = Hex(Cs(1000), Repeat(InvEntry, 1000));
        WireSerializer.Decode<InvMessage>(bytes.AsSpan());
        long before = GC.GetAllocatedBytesForCurrentThread();
        WireSerializer.Decode<InvMessage>(bytes.AsSpan());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before >= 1000 * 36);
    }

    [Fact]
    public void Counts_over_the_protocol_maximum_are_CompactSizeTooLarge()
    {
        Rejects<InvMessage>(Hex("fe01000002", Repeat("00", 15)), ProtocolError.CompactSizeTooLarge); // 0x02000001
        Rejects<InvMessage>(Hex("feffffffff", Repeat("00", 15)), ProtocolError.CompactSizeTooLarge);
        Rejects<InvMessage>(Hex("fe00000002", Repeat("00", 15)), ProtocolError.CountTooLarge);       // 0x02000000: the maximum, but over 50,000
    }

    // ---------------------------------------------------------------- non-canonical CompactSize

    [Theory]
    [InlineData("fd0100")]
    [InlineData("fdfc00")]
    [InlineData("fe01000000")]
    [InlineData("feffff0000")]
    [InlineData("ff0100000000000000")]
    [InlineData("ffffffffff00000000")]
    public void Non_canonical_counts_are_rejected(string count)
    {
        Rejects<InvMessage>(Hex(count, InvEntry), ProtocolError.NonCanonicalCompactSize);
        Rejects<HeadersMessage>(Hex(count, Header1Hex, "00"), ProtocolError.NonCanonicalCompactSize);
        Rejects<FilterAddMessage>(Hex(count, "ab"), ProtocolError.NonCanonicalCompactSize);
    }

    [Fact]
    public void Non_canonical_compact_sizes_inside_nested_fields_are_rejected()
    {
        // A transaction's scriptSig length 0 as fd0000.
        Rejects<Transaction>(Hex("01000000", "01", ZeroHash, "00000000", "fd0000", "ffffffff", "00", "00000000"), ProtocolError.NonCanonicalCompactSize);

        // An addrv2 entry's services 1 as fd0100 (services are a CompactSize without the size cap, still canonical).
        Rejects<AddrV2Message>(Hex("01", "00000000", "fd0100", "01", "04", "01020304", "208d"), ProtocolError.NonCanonicalCompactSize);

        // A headers entry's transaction count 0 as fd0000.
        Rejects<HeadersMessage>(Hex("01", Header1Hex, "fd0000"), ProtocolError.NonCanonicalCompactSize);

        // A getblocktxn differential index 1 as fd0100.
        Rejects<GetBlockTxnMessage>(Hex(ZeroHash, "01", "fd0100"), ProtocolError.NonCanonicalCompactSize);

        // A cmpctblock prefilled index 0 as fd0000.
        Rejects<CmpctBlockMessage>(Hex(GenesisHeaderHex, "0000000000000000", "00", "01", "fd0000", GenesisCoinbaseHex), ProtocolError.NonCanonicalCompactSize);
    }

    // ---------------------------------------------------------------- BIP155 lengths

    [Theory]
    [InlineData("01", 5)]  // IPv4 is 4
    [InlineData("01", 16)]
    [InlineData("02", 4)]  // IPv6 is 16
    [InlineData("04", 31)] // Tor v3 is 32
    [InlineData("05", 33)] // I2P is 32
    [InlineData("06", 15)] // CJDNS is 16
    [InlineData("06", 0)]
    public void AddrV2_known_network_with_the_wrong_length_is_rejected(string network, int length)
        => Rejects<AddrV2Message>(Hex("01", "00000000", "00", network, Cs((ulong)length), Repeat("00", length), "208d"), ProtocolError.InvalidValue);

    [Fact]
    public void AddrV2_tor_v2_is_an_unknown_network_as_in_core()
    {
        // Core no longer knows network id 3 and skips it whatever its length; the entry is kept here as unknown.
        foreach (int length in new[] { 10, 32, 0 })
        {
            var message = WireSerializer.Decode<AddrV2Message>(Hex("01", "00000000", "00", "03", Cs((ulong)length), Repeat("00", length), "208d").AsSpan());
            Assert.Equal(AddressNetwork.TorV2, message.Addresses[0].Address.Network);
            Assert.Equal(length, message.Addresses[0].Address.Bytes.Length);
        }
    }

    // ---------------------------------------------------------------- segwit transactions

    [Fact]
    public void Tx_with_witness_flag_but_empty_witnesses_is_a_superfluous_witness_record()
    {
        var bytes = Hex("01000000", "00", "01", "01", ZeroHash, "00000000", "00", "ffffffff", "01", "0000000000000000", "00", "00", "00000000");
        var e = Rejects<Transaction>(bytes, ProtocolError.InvalidValue);
        Assert.Contains("superfluous witness", e.Message, StringComparison.Ordinal);

        // Two inputs, both empty stacks: the same.
        Rejects<Transaction>(
            Hex("01000000", "00", "01", "02", ZeroHash, "00000000", "00", "ffffffff", ZeroHash, "01000000", "00", "ffffffff", "00", "00", "00", "00000000"),
            ProtocolError.InvalidValue);

        // Marker and flag with no inputs at all: nothing can carry a witness.
        Rejects<Transaction>(Hex("01000000", "00", "01", "00", "00", "00000000"), ProtocolError.InvalidValue);
    }

    [Theory]
    [InlineData("02")]
    [InlineData("03")]
    [InlineData("80")]
    [InlineData("ff")]
    public void Tx_with_unknown_flag_bits_is_rejected(string flag)
    {
        var bytes = Hex("01000000", "00", flag, "01", ZeroHash, "00000000", "00", "ffffffff", "01", "0000000000000000", "00", "01", "01", "aa", "00000000");
        var e = Rejects<Transaction>(bytes, ProtocolError.InvalidValue);
        Assert.Contains("unknown transaction optional data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tx_witness_in_a_block_with_a_bad_flag_fails_the_whole_block()
    {
        var badTx = Hex("01000000", "00", "02", "01", ZeroHash, "00000000", "00", "ffffffff", "00", "00000000");
        Rejects<Block>(Hex(GenesisHeaderHex, "02", GenesisCoinbaseHex, Convert.ToHexStringLower(badTx)), ProtocolError.InvalidValue);
    }

    // ---------------------------------------------------------------- BIP152

    [Fact]
    public void CmpctBlock_with_more_than_65535_short_ids_is_rejected()
    {
        var over = Hex(GenesisHeaderHex, "0000000000000000", Cs(65_536), Repeat("010203040506", 65_536), "00");
        Rejects<CmpctBlockMessage>(over, ProtocolError.CountTooLarge);
    }

    [Fact]
    public void CmpctBlock_with_more_than_65535_entries_in_total_is_rejected()
    {
        // 65,535 short ids plus one prefilled transaction: the block's indexes would overflow 16 bits (Core: "indexes overflowed 16 bits").
        var over = Hex(GenesisHeaderHex, "0000000000000000", Cs(65_535), Repeat("010203040506", 65_535), "01", "00", GenesisCoinbaseHex);
        Rejects<CmpctBlockMessage>(over, ProtocolError.ValueOutOfRange);

        var atLimit = Hex(GenesisHeaderHex, "0000000000000000", Cs(65_534), Repeat("010203040506", 65_534), "01", "00", GenesisCoinbaseHex);
        var message = WireSerializer.Decode<CmpctBlockMessage>(atLimit.AsMemory());
        Assert.Equal(65_535, message.ShortIds.Count + message.PrefilledTransactions.Count);
    }

    [Theory]
    [InlineData("fe00000100")]         // 65536
    [InlineData("feffffffff")]
    [InlineData("ff0000000001000000")]
    public void CmpctBlock_prefilled_index_over_65535_is_rejected(string index)
    {
        var e = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<CmpctBlockMessage>(Hex(GenesisHeaderHex, "0000000000000000", "00", "01", index, GenesisCoinbaseHex).AsSpan()));
        Assert.Contains(e.Error, new[] { ProtocolError.ValueOutOfRange, ProtocolError.CompactSizeTooLarge });
    }

    [Fact]
    public void CmpctBlock_prefilled_index_65535_is_the_largest_accepted()
    {
        var message = WireSerializer.Decode<CmpctBlockMessage>(Hex(GenesisHeaderHex, "0000000000000000", "00", "01", "fdffff", GenesisCoinbaseHex).AsSpan());
        Assert.Equal(ushort.MaxValue, message.PrefilledTransactions[0].Index);
    }

    [Fact]
    public void GetBlockTxn_differential_overflow_is_rejected()
    {
        // 65535 then a gap of 0: the next index would be 65536.
        Rejects<GetBlockTxnMessage>(Hex(ZeroHash, "02", "fdffff", "00"), ProtocolError.ValueOutOfRange);

        // 60000 then a gap of 6000: 66001.
        Rejects<GetBlockTxnMessage>(Hex(ZeroHash, "02", "fd60ea", "fd7017"), ProtocolError.ValueOutOfRange);

        // A single gap over 16 bits.
        Rejects<GetBlockTxnMessage>(Hex(ZeroHash, "01", "fe00000100"), ProtocolError.ValueOutOfRange);

        // More indexes than 16 bits can hold (65,537), even with every byte present.
        Rejects<GetBlockTxnMessage>(Hex(ZeroHash, Cs(65_537), Repeat("00", 65_537)), ProtocolError.CountTooLarge);

        // 65,536 indexes 0..65535 is the whole range and is fine.
        var all = WireSerializer.Decode<GetBlockTxnMessage>(Hex(ZeroHash, Cs(65_536), Repeat("00", 65_536)).AsSpan());
        Assert.Equal(65_536, all.Indexes.Count);
        Assert.Equal(ushort.MaxValue, all.Indexes[^1]);
    }

    [Fact]
    public void BlockTxn_with_more_than_65535_transactions_is_rejected()
        => Rejects<BlockTxnMessage>(Hex(ZeroHash, Cs(65_536), Repeat("01000000000000000000", 65_536)), ProtocolError.CountTooLarge);

    // ---------------------------------------------------------------- trailing and short data

    [Fact]
    public void Trailing_bytes_after_a_whole_message_are_rejected_by_the_serializer()
    {
        Rejects<PongMessage>(Hex("efcdab8967452301", "00"), ProtocolError.InvalidValue);
        Rejects<VerAckMessage>(Hex("00"), ProtocolError.InvalidValue);
        Rejects<InvMessage>(Hex("00", "00"), ProtocolError.InvalidValue);

        // At protocol 60000 a ping has no nonce, so its 8 bytes are trailing.
        Rejects<PingMessage>(Hex("efcdab8967452301"), ProtocolError.InvalidValue, new WireContext(60000));
    }

    [Fact]
    public void Reject_with_a_partial_hash_is_truncated()
        => Rejects<RejectMessage>(Hex("02", "7478", "10", "00", Repeat("00", 31)), ProtocolError.Truncated);

    [Fact]
    public void Invalid_utf8_text_decodes_with_replacement_characters()
    {
        // Text from peers is only displayed: invalid UTF-8 becomes '?' rather than failing the message.
        var message = WireSerializer.Decode<RejectMessage>(Hex("02", "ff74", "10", "00").AsSpan());
        Assert.Equal("?t", message.RejectedCommand);
    }
}
