using static ProtoGen.Bitcoin.Tests.GoldenVectors.GoldenData;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>
/// Golden byte vectors for block sync and transactions (getblocks, getheaders, headers, block, tx). Each vector is
/// assembled field by field from the documented layout (Bitcoin Core's serialization, the BIPs' examples, btcd's wire
/// tests as facts), and each test asserts both encode(value) == bytes and decode(bytes) == value.
/// </summary>
public sealed class ChainGoldenTests
{
    [Fact]
    public void GetBlocks_two_locator_hashes_and_zero_stop()
    {
        var bytes = Hex("80110100", "02", Block1HashWire, GenesisHashWire, ZeroHash);
        var value = new GetBlocksMessage
        {
            Version = 70016,
            Locator = new[] { WireHash(Block1HashWire), WireHash(GenesisHashWire) },
            HashStop = Hash256.Zero,
        };
        Golden(value, bytes);
    }

    [Fact]
    public void GetHeaders_one_locator_hash_and_a_stop_hash()
    {
        var bytes = Hex("80110100", "01", GenesisHashWire, Block1HashWire);
        var value = new GetHeadersMessage
        {
            Version = 70016,
            Locator = new[] { BitcoinNetwork.Mainnet.GenesisHash },
            HashStop = WireHash(Block1HashWire),
        };
        Golden(value, bytes);
    }

    [Fact]
    public void Headers_each_followed_by_a_zero_transaction_count()
    {
        var bytes = Hex("02", Header1Hex, "00", Header2Hex, "00");
        var header1 = WireSerializer.Decode<BlockHeader>(Hex(Header1Hex).AsSpan());
        var header2 = WireSerializer.Decode<BlockHeader>(Hex(Header2Hex).AsSpan());
        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048", header1.GetHash().ToString());
        Assert.Equal(header1.GetHash(), header2.PreviousBlock);
        Golden(new HeadersMessage { Headers = new[] { header1, header2 } }, bytes);
    }

    [Fact]
    public void Headers_empty()
        => Golden(new HeadersMessage(), Hex("00"));

    [Fact]
    public void Block_header_fields()
    {
        var header = WireSerializer.Decode<BlockHeader>(Hex(GenesisHeaderHex).AsSpan());
        Assert.Equal(GenesisHeader, header);
        Assert.Equal(GenesisHeaderHex, Convert.ToHexStringLower(WireSerializer.Encode(GenesisHeader)));
        Assert.Equal(BitcoinNetwork.Mainnet.GenesisHash, header.GetHash());
    }

    [Fact]
    public void Block_genesis()
    {
        var bytes = Hex(GenesisHeaderHex, "01", GenesisCoinbaseHex);
        Assert.Equal(285, bytes.Length);
        var value = new Block { Header = GenesisHeader, Transactions = new[] { GenesisCoinbase } };
        Golden(value, bytes);
        Assert.Equal(BitcoinNetwork.Mainnet.GenesisBlock, value);
        Assert.True(value.CheckMerkleRoot());
    }

    // ---------------------------------------------------------------- transactions

    [Fact]
    public void Tx_legacy_genesis_coinbase()
    {
        var bytes = Hex(GenesisCoinbaseHex);
        Golden(GenesisCoinbase, bytes);
        Assert.Equal("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", GenesisCoinbase.GetTxId().ToString());
        Assert.Equal(GenesisCoinbase.GetTxId(), GenesisCoinbase.GetWitnessTxId());
        Assert.False(GenesisCoinbase.HasWitness);
        Assert.True(GenesisCoinbase.IsCoinbase);

        // Legacy transactions are the same without witness.
        Assert.Equal(bytes, WireSerializer.Encode(GenesisCoinbase, new WireContext(0, WireFlags.NoWitness)));
    }

    [Fact]
    public void Tx_segwit_bip143_example()
    {
        var bytes = Hex("01000000", "00", "01", Bip143InputsAndOutputs, Bip143Witnesses, "11000000"); // version, marker, flag, ..., lock time 17
        Assert.Equal(343, bytes.Length);
        var tx = Bip143Transaction;
        Golden(tx, bytes);
        Assert.True(tx.HasWitness);

        // Stripped of witness data: no marker, flag or witnesses; the txid hashes this form, the wtxid the full one.
        var stripped = Hex("01000000", Bip143InputsAndOutputs, "11000000");
        Assert.Equal(stripped, WireSerializer.Encode(tx, new WireContext(0, WireFlags.NoWitness)));
        Assert.Equal(DoubleSha256.Hash(stripped), tx.GetTxId());
        Assert.Equal(DoubleSha256.Hash(bytes), tx.GetWitnessTxId());
        Assert.NotEqual(tx.GetTxId(), tx.GetWitnessTxId());
        Assert.Equal(stripped.Length, tx.GetStrippedSize());
        Assert.Equal(bytes.Length, tx.GetSize());
        Assert.Equal((3 * stripped.Length) + bytes.Length, tx.GetWeight());

        // The same, decoded from memory (raw bytes remembered) and from a span (re-encoded): same ids.
        var fromMemory = WireSerializer.Decode<Transaction>(bytes.AsMemory());
        var fromSpan = WireSerializer.Decode<Transaction>(bytes.AsSpan());
        Assert.Equal(tx.GetTxId(), fromMemory.GetTxId());
        Assert.Equal(tx.GetTxId(), fromSpan.GetTxId());
        Assert.Equal(tx.GetWitnessTxId(), fromMemory.GetWitnessTxId());
        Assert.Equal(stripped, WireSerializer.Encode(fromMemory, new WireContext(0, WireFlags.NoWitness)));
    }

    [Fact]
    public void Tx_btcd_multi_witness_vector()
    {
        // btcd wire/msgtx_test.go multiWitnessTxEncoded: one P2WPKH input, one P2WPKH output.
        var bytes = Hex(
            "01000000", "00", "01",                        // version, marker, flag
            "01",                                          // one input
            "a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd", "13000000", // outpoint :19
            "00", "ffffffff",                              // empty scriptSig, sequence
            "01",                                          // one output
            "0b07060000000000",                            // 395019 sat
            "16", "00149ddac6f39d51e0398e532a22c41ba189406a8523", // P2WPKH
            "02",                                          // two witness items
            "46", "3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001",
            "21", "0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f",
            "00000000");                                   // lock time
        var tx = new Transaction
        {
            Version = 1,
            Inputs = new[]
            {
                new TxIn
                {
                    PreviousOutput = new OutPoint(WireHash("a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd"), 19),
                    Sequence = uint.MaxValue,
                    Witness = new[]
                    {
                        WireBytes.FromHex("3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001"),
                        WireBytes.FromHex("0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f"),
                    },
                },
            },
            Outputs = new[] { new TxOut { Value = 395019, ScriptPubKey = WireBytes.FromHex("00149ddac6f39d51e0398e532a22c41ba189406a8523") } },
        };
        Golden(tx, bytes);
    }

    [Fact]
    public void Tx_with_no_inputs_and_no_outputs_is_legacy()
    {
        // Version, input count 0, then a zero byte: Core reads it as the flag 0, i.e. an empty output list.
        Golden(new Transaction { Version = 2 }, Hex("02000000", "00", "00", "00000000"));
    }
}
