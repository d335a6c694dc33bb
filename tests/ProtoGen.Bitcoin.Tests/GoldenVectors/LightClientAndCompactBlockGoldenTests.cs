using static ProtoGen.Bitcoin.Tests.GoldenVectors.GoldenData;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>
/// Golden byte vectors for BIP37 bloom filtering, BIP152 compact blocks and BIP157 compact filters. Each vector is
/// assembled field by field from the documented layout (Bitcoin Core's serialization, the BIPs' examples, btcd's wire
/// tests as facts), and each test asserts both encode(value) == bytes and decode(bytes) == value.
/// </summary>
public sealed class LightClientAndCompactBlockGoldenTests
{
    [Fact]
    public void FilterLoad_developer_reference_example()
        => Golden(
            new FilterLoadMessage { Filter = Hex("b50f"), HashFunctions = 11, Tweak = 0, Flags = 0 },
            Hex("02", "b50f", "0b000000", "00000000", "00")); // filter, 11 hash functions, tweak, BLOOM_UPDATE_NONE

    [Fact]
    public void FilterAdd_one_element()
        => Golden(
            new FilterAddMessage { Data = Hex("fdacf9b3eb077412e7a968d2e4f11b9a9dee312d666187ed77ee7d26af16cb0b") },
            Hex("20", "fdacf9b3eb077412e7a968d2e4f11b9a9dee312d666187ed77ee7d26af16cb0b"));

    private static readonly string[] MerkleBlockHashes =
    [
        "3612262624047ee87660be1a707519a443b1c1ce3d248cbfc6c15870f6c5daa2",
        "019f5b01d4195ecbc9398fbf3c3b1fa9bb3183301d7a1fb3bd174fcfa40a2b65",
        "41ed70551dd7e841883ab8f0b16bf04176b7d1480e4f0af9f3d4c3595768d068",
        "20d2a7bc994987302e5b1ac80fc425fe25f8b63169ea78e68fbaaefa59379bbf",
    ];

    [Fact]
    public void MerkleBlock_partial_tree_proves_the_header_root()
    {
        // The merkleblock example of the Bitcoin developer reference: seven transactions, four hashes, flags 0x1d.
        const string header = "01000000" + "82bb869cf3a793432a66e826e05a6fc37469f8efb7421dc880670100000000007f16c5962e8bd963659c793ce370d95f093bc7e367117b3c30c1f8fdd0d97287" + "76381b4d" + "4c86041b" + "554b8529";
        var bytes = Hex(header, "07000000", "04", string.Concat(MerkleBlockHashes), "01", "1d");
        var value = new MerkleBlockMessage
        {
            Header = WireSerializer.Decode<BlockHeader>(Hex(header).AsSpan()),
            TransactionCount = 7,
            Hashes = MerkleBlockHashes.Select(WireHash).ToArray(),
            Flags = Hex("1d"),
        };
        Golden(value, bytes);
        Assert.Equal(value.Header.MerkleRoot, PartialMerkleRoot(value));
    }

    /// <summary>Walks a BIP37 partial merkle tree depth first and returns the root it proves.</summary>
    private static Hash256 PartialMerkleRoot(MerkleBlockMessage block)
    {
        int total = (int)block.TransactionCount;
        int Width(int height) => (total + (1 << height) - 1) >> height;
        int height = 0;
        while (Width(height) > 1)
        {
            height++;
        }

        int bit = 0, hash = 0;
        var flags = block.Flags.ToArray();
        Hash256 Walk(int h, int pos)
        {
            bool parent = ((flags[bit / 8] >> (bit % 8)) & 1) != 0;
            bit++;
            if (h == 0 || !parent)
            {
                return block.Hashes[hash++];
            }

            var left = Walk(h - 1, pos * 2);
            var right = pos * 2 + 1 < Width(h - 1) ? Walk(h - 1, (pos * 2) + 1) : left;
            return DoubleSha256.HashPair(left, right);
        }

        var root = Walk(height, 0);
        Assert.Equal(block.Hashes.Count, hash);
        return root;
    }

    // ---------------------------------------------------------------- compact blocks (BIP152)

    [Fact]
    public void CmpctBlock_with_six_byte_short_ids_and_a_prefilled_coinbase()
    {
        var bytes = Hex(
            GenesisHeaderHex,
            "0102030405060708",                            // nonce 0x0807060504030201
            "02",                                          // two short ids, 6 bytes little-endian each
            "010203040506",
            "aabbccddeeff",
            "01",                                          // one prefilled transaction
            "00", GenesisCoinbaseHex);                     // differential index 0, the coinbase
        var value = new CmpctBlockMessage
        {
            Header = GenesisHeader,
            Nonce = 0x0807060504030201,
            ShortIds = new[] { new ShortTxId(0x060504030201), new ShortTxId(0xffeeddccbbaa) },
            PrefilledTransactions = new[] { new PrefilledTransaction { Index = 0, Transaction = GenesisCoinbase } },
        };
        Golden(value, bytes);
    }

    [Fact]
    public void GetBlockTxn_indexes_are_differential_on_the_wire()
    {
        // Absolute [0, 1, 3, 7] is sent as 0, 0, 1, 3: each the gap since the previous index plus one.
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire), Indexes = new ushort[] { 0, 1, 3, 7 } }, Hex(Block1HashWire, "04", "00", "00", "01", "03"));

        // A gap of 299 needs a 3-byte CompactSize.
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire), Indexes = new ushort[] { 0, 300 } }, Hex(Block1HashWire, "02", "00", "fd2b01"));

        // The last index a block can have.
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire), Indexes = new ushort[] { 65535 } }, Hex(Block1HashWire, "01", "fdffff"));
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire) }, Hex(Block1HashWire, "00"));
    }

    [Fact]
    public void BlockTxn_carries_whole_transactions()
    {
        var bytes = Hex(GenesisHashWire, "02", GenesisCoinbaseHex, "01000000", "00", "01", Bip143InputsAndOutputs, Bip143Witnesses, "11000000");
        Golden(new BlockTxnMessage { BlockHash = BitcoinNetwork.Mainnet.GenesisHash, Transactions = new[] { GenesisCoinbase, Bip143Transaction } }, bytes);
    }

    // ---------------------------------------------------------------- compact filters (BIP157)

    [Fact]
    public void GetCFilters_layout()
        => Golden(new GetCFiltersMessage { FilterType = 0, StartHeight = 1, StopHash = WireHash(Block1HashWire) }, Hex("00", "01000000", Block1HashWire));

    [Fact]
    public void CFilter_genesis_basic_filter()
    {
        // BIP158's test vectors: the basic filter of the mainnet genesis block is 019dfca8.
        Golden(new CFilterMessage { FilterType = 0, BlockHash = BitcoinNetwork.Mainnet.GenesisHash, Filter = Hex("019dfca8") }, Hex("00", GenesisHashWire, "04", "019dfca8"));
    }

    [Fact]
    public void GetCFHeaders_layout()
        => Golden(new GetCFHeadersMessage { FilterType = 0, StartHeight = 1000, StopHash = WireHash(Block1HashWire) }, Hex("00", "e8030000", Block1HashWire));

    [Fact]
    public void CFHeaders_layout()
    {
        string a = new('1', 64), b = new('2', 64), c = new('3', 64);
        var value = new CFHeadersMessage
        {
            FilterType = 0,
            StopHash = WireHash(Block1HashWire),
            PreviousFilterHeader = WireHash(a),
            FilterHashes = new[] { WireHash(b), WireHash(c) },
        };
        Golden(value, Hex("00", Block1HashWire, a, "02", b, c));
    }

    [Fact]
    public void GetCFCheckpt_layout()
        => Golden(new GetCFCheckptMessage { FilterType = 0, StopHash = WireHash(Block1HashWire) }, Hex("00", Block1HashWire));

    [Fact]
    public void CFCheckpt_layout()
    {
        string a = new('4', 64);
        Golden(new CFCheckptMessage { FilterType = 0, StopHash = WireHash(Block1HashWire), FilterHeaders = new[] { WireHash(a) } }, Hex("00", Block1HashWire, "01", a));
    }
}
