using System.Security.Cryptography;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// The txids, wtxids and merkle roots of the three shipped mainnet blocks, computed by every SHA-256 backend this
/// machine can run (single-message and multi-buffer), against System.Security.Cryptography over the encodings and
/// against the roots in the block headers (which the known block hashes commit to).
/// </summary>
public class HashingBackendTests
{
    private static readonly string[] s_blockFiles =
    [
        TestData.Block413567,
        TestData.SegwitBlockFile(TestData.SegwitBlock1Hash),
        TestData.SegwitBlockFile(TestData.SegwitBlock2Hash),
    ];

    public static TheoryData<string> Blocks => new(s_blockFiles);

    /// <summary>Every block with every supported pair of multi-buffer and single-message backends.</summary>
    public static TheoryData<string, string, string> BlocksAndBackends()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in s_blockFiles)
        {
            foreach (var lanes in Enum.GetValues<Sha256Lanes>())
            {
                foreach (var single in new[] { Sha256Backend.Portable, Sha256Backend.OpenSsl })
                {
                    if (Sha256Backends.IsSupported(lanes) && Sha256Backends.IsSupported(single))
                    {
                        data.Add(file, lanes.ToString(), single.ToString());
                    }
                }
            }
        }

        return data;
    }

    /// <summary>Every block with every supported single-message backend.</summary>
    public static TheoryData<string, string> BlocksAndSingleBackends()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in s_blockFiles)
        {
            foreach (var backend in Enum.GetValues<Sha256Backend>())
            {
                if (Sha256Backends.IsSupported(backend))
                {
                    data.Add(file, backend.ToString());
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BlocksAndBackends))]
    public void Every_backend_computes_the_ids_and_the_merkle_root(string file, string lanesName, string singleName)
    {
        var lanes = Enum.Parse<Sha256Lanes>(lanesName);
        var single = Enum.Parse<Sha256Backend>(singleName);
        var block = WireSerializer.Decode<Block>(TestData.Read(file).AsMemory());
        var (txids, wtxids) = ReferenceIds(block);
        int count = txids.Length;

        // Stripped encodings as three runs of the raw bytes where there is a witness (as Transaction.ComputeIds does).
        var inputs = new HashInput[2 * count];
        for (int i = 0; i < count; i++)
        {
            var tx = block.Transactions[i];
            var raw = tx.DecodedBytes.Memory;
            var stripped = WireSerializer.Encode(tx, new WireContext(0, WireFlags.NoWitness));
            inputs[2 * i] = tx.HasWitness
                ? new HashInput(raw[..4], raw.Slice(6, stripped.Length - 8), raw[^4..])
                : new HashInput(raw);
            inputs[(2 * i) + 1] = new HashInput(raw);
        }

        var hashes = new Hash256[2 * count];
        DoubleSha256.HashMany(lanes, single, inputs, hashes);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(txids[i], hashes[2 * i]);
            Assert.Equal(wtxids[i], hashes[(2 * i) + 1]);
        }

        Assert.Equal(block.Header.MerkleRoot, Root(lanes, single, txids));
        var witnessLeaves = (Hash256[])wtxids.Clone();
        witnessLeaves[0] = Hash256.Zero;
        Assert.Equal(block.ComputeWitnessMerkleRoot(), Root(lanes, single, witnessLeaves));
    }

    [Theory]
    [MemberData(nameof(BlocksAndSingleBackends))]
    public void Every_single_message_backend_computes_the_ids(string file, string backendName)
    {
        var backend = Enum.Parse<Sha256Backend>(backendName);
        var block = WireSerializer.Decode<Block>(TestData.Read(file).AsMemory());
        var (txids, wtxids) = ReferenceIds(block);
        var digest = new byte[32];
        for (int i = 0; i < txids.Length; i++)
        {
            var tx = block.Transactions[i];
            DoubleSha256.HashConcat(backend, WireSerializer.Encode(tx, new WireContext(0, WireFlags.NoWitness)), default, default, digest);
            Assert.Equal(txids[i], new Hash256(digest));
            DoubleSha256.HashConcat(backend, tx.DecodedBytes.Span, default, default, digest);
            Assert.Equal(wtxids[i], new Hash256(digest));
        }
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Batched_ids_equal_the_ids_one_at_a_time(string file)
    {
        var block = WireSerializer.Decode<Block>(TestData.Read(file).AsMemory());
        var (txids, wtxids) = ReferenceIds(block);
        int count = txids.Length;
        var transactions = block.Transactions.AsSpan();
        var batchTxids = new Hash256[count];
        var batchWtxids = new Hash256[count];
        Transaction.ComputeIds(transactions, batchTxids, batchWtxids);
        Assert.Equal(txids, batchTxids);
        Assert.Equal(wtxids, batchWtxids);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(txids[i], transactions[i].GetTxId());
            Assert.Equal(wtxids[i], transactions[i].GetWitnessTxId());
        }

        // Only one kind of id.
        Array.Clear(batchTxids);
        Array.Clear(batchWtxids);
        Transaction.ComputeIds(transactions, batchTxids, default);
        Transaction.ComputeIds(transactions, default, batchWtxids);
        Assert.Equal(txids, batchTxids);
        Assert.Equal(wtxids, batchWtxids);

        Assert.Equal(block.Header.MerkleRoot, block.ComputeMerkleRoot(out bool mutated));
        Assert.False(mutated);
        Assert.True(block.CheckMerkleRoot());
        Assert.True(block.CheckWitnessCommitment());
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Transactions_built_in_memory_mix_with_decoded_ones(string file)
    {
        var block = WireSerializer.Decode<Block>(TestData.Read(file).AsMemory());
        var (txids, wtxids) = ReferenceIds(block);

        // Every third transaction rebuilt field by field: no raw bytes, so it is encoded to be hashed.
        var mixed = block.Transactions.AsSpan().ToArray();
        for (int i = 0; i < mixed.Length; i += 3)
        {
            var tx = mixed[i];
            mixed[i] = new Transaction { Version = tx.Version, Inputs = tx.Inputs, Outputs = tx.Outputs, LockTime = tx.LockTime };
            Assert.True(mixed[i].DecodedBytes.IsEmpty);
        }

        var batchTxids = new Hash256[mixed.Length];
        var batchWtxids = new Hash256[mixed.Length];
        Transaction.ComputeIds(mixed, batchTxids, batchWtxids);
        Assert.Equal(txids, batchTxids);
        Assert.Equal(wtxids, batchWtxids);
    }

    [Fact]
    public void ComputeIds_checks_its_arguments()
    {
        var block = WireSerializer.Decode<Block>(TestData.Read(TestData.Block413567).AsMemory());
        var transactions = block.Transactions.AsSpan().ToArray();
        Assert.Throws<ArgumentException>(() => Transaction.ComputeIds(transactions, new Hash256[1], default));
        Assert.Throws<ArgumentException>(() => Transaction.ComputeIds(transactions, default, new Hash256[transactions.Length + 1]));
        transactions[5] = null!;
        Assert.Throws<ArgumentNullException>(() => Transaction.ComputeIds(transactions, new Hash256[transactions.Length], default));
        Transaction.ComputeIds([], default, default);
    }

    [Fact]
    public void Merkle_trees_of_every_small_size_match_pairwise_hashing()
    {
        var random = new Random(41);
        for (int count = 1; count <= 40; count++)
        {
            var leaves = new Hash256[count];
            var bytes = new byte[32];
            for (int i = 0; i < count; i++)
            {
                random.NextBytes(bytes);
                leaves[i] = new Hash256(bytes);
            }

            Assert.Equal(PairwiseRoot(leaves), MerkleTree.ComputeRoot((Hash256[])leaves.Clone(), out _));
        }
    }

    /// <summary>Txids and wtxids from System.Security.Cryptography over the encodings without and with witness data.</summary>
    private static (Hash256[] Txids, Hash256[] Wtxids) ReferenceIds(Block block)
    {
        int count = block.Transactions.Count;
        var txids = new Hash256[count];
        var wtxids = new Hash256[count];
        for (int i = 0; i < count; i++)
        {
            var tx = block.Transactions[i];
            txids[i] = new Hash256(SHA256.HashData(SHA256.HashData(WireSerializer.Encode(tx, new WireContext(0, WireFlags.NoWitness)))));
            wtxids[i] = new Hash256(SHA256.HashData(SHA256.HashData(WireSerializer.Encode(tx))));
        }

        return (txids, wtxids);
    }

    /// <summary>The merkle root with the pair hashes of each level computed by the given backends.</summary>
    private static Hash256 Root(Sha256Lanes lanes, Sha256Backend single, Hash256[] leaves)
    {
        // One spare slot: an odd level's last node is paired with itself.
        var level = new Hash256[leaves.Length + 1];
        leaves.CopyTo(level, 0);
        int count = leaves.Length;
        while (count > 1)
        {
            if (count % 2 != 0)
            {
                level[count] = level[count - 1];
                count++;
            }

            DoubleSha256.HashPairs(lanes, single, level.AsSpan(0, count), level.AsSpan(0, count / 2));
            count /= 2;
        }

        return level[0];
    }

    /// <summary>The merkle root by hashing each pair with System.Security.Cryptography.</summary>
    private static Hash256 PairwiseRoot(Hash256[] leaves)
    {
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            if (level.Count % 2 != 0)
            {
                level.Add(level[^1]);
            }

            var next = new List<Hash256>();
            for (int i = 0; i < level.Count; i += 2)
            {
                var pair = new byte[64];
                level[i].WriteTo(pair);
                level[i + 1].WriteTo(pair.AsSpan(32));
                next.Add(new Hash256(SHA256.HashData(SHA256.HashData(pair))));
            }

            level = next;
        }

        return level[0];
    }
}
