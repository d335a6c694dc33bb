using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>Mainnet data from tests/data: headers 1-11, the huge transaction, per-transaction ids and block weights.</summary>
public class RealDataTests
{
    private static readonly byte[] CommitmentPrefix = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

    public static TheoryData<string> SegwitBlocks => new()
    {
        TestData.SegwitBlockFile(TestData.SegwitBlock1Hash),
        TestData.SegwitBlockFile(TestData.SegwitBlock2Hash),
    };

    public static TheoryData<string> AllBlocks => new()
    {
        TestData.Block413567,
        TestData.SegwitBlockFile(TestData.SegwitBlock1Hash),
        TestData.SegwitBlockFile(TestData.SegwitBlock2Hash),
    };

    [Fact]
    public void Mainnet_headers_1_to_11_chain_from_genesis_with_valid_work()
    {
        var lines = File.ReadAllLines(TestData.PathOf("blockheaders-mainnet-1-11.txt")).Where(l => l.Length > 0).ToArray();
        Assert.Equal(11, lines.Length);

        var previous = BitcoinNetwork.Mainnet.GenesisHash;
        var hashes = new List<Hash256>();
        foreach (var line in lines)
        {
            var bytes = Convert.FromHexString(line.Trim());
            Assert.Equal(BlockHeader.Size, bytes.Length);
            var header = WireSerializer.Decode<BlockHeader>(bytes.AsSpan());
            Assert.Equal(previous, header.PreviousBlock);
            Assert.Equal(0x1d00ffffu, header.Bits);
            Assert.True(header.CheckProofOfWork());
            Assert.Equal(bytes, WireSerializer.Encode(header));
            previous = header.GetHash();
            hashes.Add(previous);
        }

        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048", hashes[0].ToString());

        // The same eleven blocks start the blk file of blocks 1-255.
        var blocks = BlockFile.Split(TestData.Read("blocks1-255.blk"), BitcoinNetwork.Mainnet.Magic);
        for (int i = 0; i < hashes.Count; i++)
        {
            Assert.Equal(hashes[i], WireSerializer.Decode<Block>(blocks[i]).GetHash());
        }

        // All eleven as one headers message.
        var headers = new HeadersMessage { Headers = lines.Select(l => WireSerializer.Decode<BlockHeader>(Convert.FromHexString(l.Trim()).AsSpan())).ToArray() };
        var encoded = WireSerializer.Encode(headers);
        Assert.Equal(1 + (11 * 81), encoded.Length);
        Assert.Equal(headers, WireSerializer.Decode<HeadersMessage>(encoded.AsSpan()));
    }

    [Fact]
    public void Header_with_a_hash_above_its_target_fails_proof_of_work()
    {
        var line = File.ReadAllLines(TestData.PathOf("blockheaders-mainnet-1-11.txt"))[0];
        var header = WireSerializer.Decode<BlockHeader>(Convert.FromHexString(line).AsSpan());
        Assert.False((header with { Nonce = header.Nonce + 1 }).CheckProofOfWork());
        Assert.False((header with { Bits = 0x1d80ffff }).CheckProofOfWork()); // negative target
        Assert.False((header with { Bits = 0 }).CheckProofOfWork());          // zero target
    }

    [Fact]
    public void Megatx_round_trips_byte_identically_from_span_and_memory()
    {
        var bytes = TestData.Read("megatx.bin");
        var fromMemory = WireSerializer.Decode<Transaction>(bytes.AsMemory());
        var fromSpan = WireSerializer.Decode<Transaction>(bytes.AsSpan());

        Assert.Equal(bytes, WireSerializer.Encode(fromMemory));
        Assert.Equal(bytes, WireSerializer.Encode(fromSpan));
        Assert.Equal(fromMemory, fromSpan);
        Assert.Equal(bytes.Length, fromSpan.GetSize());

        // The txid hashes remembered bytes (memory) or a fresh encoding (span): they must agree, and match a hash of the file.
        Assert.Equal(fromMemory.GetTxId(), fromSpan.GetTxId());
        Assert.Equal(fromMemory.GetWitnessTxId(), fromSpan.GetWitnessTxId());
        var stripped = WireSerializer.Encode(fromSpan, new WireContext(0, WireFlags.NoWitness));
        Assert.Equal(DoubleSha256.Hash(stripped), fromSpan.GetTxId());
        Assert.Equal(DoubleSha256.Hash(bytes), fromSpan.GetWitnessTxId());
        Assert.Equal(fromSpan.HasWitness, fromSpan.GetTxId() != fromSpan.GetWitnessTxId());

        // A copy made with `with` forgets the decoded bytes and encodes from its fields: still identical.
        var copy = fromMemory with { };
        Assert.True(copy.DecodedBytes.IsEmpty);
        Assert.Equal(bytes, WireSerializer.Encode(copy));
        Assert.Equal(fromMemory.GetTxId(), copy.GetTxId());
    }

    [Fact]
    public void Megatx_framed_as_a_tx_message()
    {
        var bytes = TestData.Read("megatx.bin");
        var tx = WireSerializer.Decode<Transaction>(bytes.AsMemory());
        var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, tx);

        Assert.Equal(FrameHeader.Size + bytes.Length, frame.Length);
        Assert.Equal("f9beb4d9", Convert.ToHexStringLower(frame.AsSpan(0, 4)));
        Assert.Equal("747800000000000000000000", Convert.ToHexStringLower(frame.AsSpan(4, 12))); // "tx" padded with NULs
        var header = FrameHeader.Parse(frame, BitcoinNetwork.Mainnet.Magic);
        Assert.Equal(Transaction.Command, header.Command);
        Assert.Equal(bytes.Length, header.PayloadLength);
        Assert.Equal(DoubleSha256.Checksum(bytes), header.Checksum);
        Assert.Equal(bytes, frame.AsSpan(FrameHeader.Size).ToArray());

        // The payload decodes back through the generated dispatcher to the same transaction.
        var reader = new WireReader(frame.AsMemory(FrameHeader.Size));
        var decoded = Assert.IsType<Transaction>(BitcoinMessages.Decode(header.Command, ref reader));
        reader.EnsureEnd();
        Assert.Equal(tx, decoded);
        Assert.Equal(tx.GetTxId(), decoded.GetTxId());
    }

    [Theory]
    [MemberData(nameof(SegwitBlocks))]
    public void Segwit_block_witness_root_matches_the_coinbase_commitment(string file)
    {
        var bytes = TestData.Read(file);
        var block = WireSerializer.Decode<Block>(bytes.AsMemory());

        // Recompute the witness merkle root here from per-transaction wtxids (coinbase as zero).
        var leaves = block.Transactions.Select((tx, i) => i == 0 ? Hash256.Zero : tx.GetWitnessTxId()).ToArray();
        var witnessRoot = MerkleTree.ComputeRoot(leaves, out _);
        Assert.Equal(block.ComputeWitnessMerkleRoot(), witnessRoot);

        var coinbase = block.Transactions[0];
        var reserved = Assert.Single(coinbase.Inputs[0].Witness);
        Assert.Equal(32, reserved.Length);
        var commitmentOutput = coinbase.Outputs.Last(o => o.ScriptPubKey.Span.StartsWith(CommitmentPrefix));
        var expected = DoubleSha256.Hash(witnessRoot.ToArray().Concat(reserved.ToArray()).ToArray());
        Assert.Equal(expected.ToArray(), commitmentOutput.ScriptPubKey.Span.Slice(6, 32).ToArray());
    }

    [Theory]
    [MemberData(nameof(AllBlocks))]
    public void Txid_differs_from_wtxid_exactly_for_witness_transactions(string file)
    {
        var bytes = TestData.Read(file);
        var fromMemory = WireSerializer.Decode<Block>(bytes.AsMemory());
        var fromSpan = WireSerializer.Decode<Block>(bytes.AsSpan());
        int witnessCount = 0;
        for (int i = 0; i < fromMemory.Transactions.Count; i++)
        {
            var tx = fromMemory.Transactions[i];
            var copy = fromSpan.Transactions[i];
            var txid = tx.GetTxId();
            var wtxid = tx.GetWitnessTxId();
            Assert.Equal(tx.HasWitness, txid != wtxid);
            witnessCount += tx.HasWitness ? 1 : 0;

            // Hashing the remembered slices agrees with hashing fresh encodings.
            Assert.Equal(txid, copy.GetTxId());
            Assert.Equal(wtxid, copy.GetWitnessTxId());
            Assert.Equal(DoubleSha256.Hash(WireSerializer.Encode(copy, new WireContext(0, WireFlags.NoWitness))), txid);
            Assert.Equal(DoubleSha256.Hash(WireSerializer.Encode(copy)), wtxid);
        }

        if (file == TestData.Block413567)
        {
            Assert.Equal(0, witnessCount);
        }
        else
        {
            Assert.True(witnessCount > 1);
            Assert.True(fromMemory.Transactions[0].HasWitness); // the coinbase carries the witness reserved value
        }
    }

    [Theory]
    [MemberData(nameof(AllBlocks))]
    public void Block_weight_size_and_stripped_size_are_consistent(string file)
    {
        var bytes = TestData.Read(file);
        foreach (var block in new[] { WireSerializer.Decode<Block>(bytes.AsMemory()), WireSerializer.Decode<Block>(bytes.AsSpan()) })
        {
            int size = block.GetSize();
            int stripped = block.GetStrippedSize();
            int weight = block.GetWeight();
            Assert.Equal(bytes.Length, size);
            Assert.Equal((3 * stripped) + size, weight);
            Assert.True(weight <= 4_000_000);

            // Both sizes add up from the transactions.
            int header = BlockHeader.Size + CompactSize.GetEncodedSize((ulong)block.Transactions.Count);
            Assert.Equal(size, header + block.Transactions.Sum(t => t.GetSize()));
            Assert.Equal(stripped, header + block.Transactions.Sum(t => t.GetStrippedSize()));
            Assert.Equal(stripped, WireSerializer.Encode(block, new WireContext(0, WireFlags.NoWitness)).Length);
            Assert.All(block.Transactions, t => Assert.Equal((3 * t.GetStrippedSize()) + t.GetSize(), t.GetWeight()));

            if (file == TestData.Block413567)
            {
                Assert.Equal(size, stripped);
                Assert.Equal(4 * size, weight);
            }
            else
            {
                Assert.True(stripped < size);
                Assert.True(weight < 4 * size);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBlocks))]
    public void Block_without_witness_still_has_the_same_txids(string file)
    {
        // Encode without witness (what a non-segwit peer receives), decode again: same header, same txids, no witnesses.
        var block = WireSerializer.Decode<Block>(TestData.Read(file).AsMemory());
        var legacy = WireSerializer.Encode(block, new WireContext(0, WireFlags.NoWitness));
        var stripped = WireSerializer.Decode<Block>(legacy.AsMemory());
        Assert.Equal(block.GetHash(), stripped.GetHash());
        Assert.True(stripped.CheckMerkleRoot());
        Assert.All(stripped.Transactions, t => Assert.False(t.HasWitness));
        Assert.Equal(block.Transactions.Select(t => t.GetTxId()), stripped.Transactions.Select(t => t.GetTxId()));
        Assert.Equal(legacy.Length, stripped.GetSize());
    }
}
