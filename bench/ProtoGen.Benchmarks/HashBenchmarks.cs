using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ProtoGen;
using NB = NBitcoin;
using PG = ProtoGen.Bitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Every txid and wtxid of a block, its merkle root, and both, against the SHA-256d limit: one
/// <see cref="DoubleSha256.Hash(ReadOnlySpan{byte})"/> call over a contiguous buffer, as long as the bytes the
/// txid+wtxid pass hashes (Σ stripped size + total size) and over 1 MiB (the goal's reference). The throughput columns
/// divide the bytes each category must hash (<see cref="BytesPerOperation"/>) by the time.
/// </summary>
/// <remarks>
/// NBitcoin 10.0.20 caches a transaction's hashes only after <c>CacheHashes()</c> or <c>PrecomputeHash()</c>, which
/// <c>Block.Load</c> does not call; <see cref="Setup"/> checks by reflection that the <c>_Hashes</c> cache is still
/// null after a full pass, so every iteration re-serializes and re-hashes (its <c>GetWitHash</c> on a transaction
/// without witness falls back to an uncached <c>GetHash</c>, hashing the same bytes ProtoGen's wtxid does).
/// The ProtoGen block is decoded from memory, so its transactions hash slices of the input.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class HashBenchmarks
{
    /// <summary>The category of the txid+wtxid pass that the goal is about.</summary>
    public const string Ids = "TxIds+WtxIds";

    /// <summary>The category of the merkle root alone.</summary>
    public const string Root = "MerkleRoot";

    /// <summary>The category that adds the merkle root.</summary>
    public const string IdsAndRoot = "TxIds+WtxIds+MerkleRoot";

    /// <summary>The length of the second limit buffer: 1 MiB, the reference of the goal.</summary>
    public const int LimitSize = 1 << 20;

    private NB.Block _nbitcoin = null!;
    private PG.Block _protogen = null!;
    private NB.uint256[] _nbIds = [];
    private NB.uint256[] _nbWitnessIds = [];
    private Hash256[] _ids = [];
    private Hash256[] _witnessIds = [];
    private byte[] _limitBuffer = [];
    private byte[] _mebibyte = [];
    private byte[][] _perTxBuffers = [];
    private HashInput[] _perTxInputs = [];
    private Hash256[] _perTxHashes = [];

    /// <summary>The block (see <see cref="BlockCorpus"/>).</summary>
    [ParamsSource(nameof(Blocks))]
    public string Block { get; set; } = BlockCorpus.Legacy;

    /// <summary>The blocks.</summary>
    public static IEnumerable<string> Blocks => BlockCorpus.Names;

    /// <summary>Decodes the block with both libraries, checks they agree on every id and the root, and prepares the limit buffers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var bytes = BlockCorpus.Read(Block);
        _nbitcoin = NB.Block.Load(bytes, NB.Network.Main);
        _protogen = WireSerializer.Decode<PG.Block>(bytes.AsMemory());
        int count = _protogen.Transactions.Count;
        _nbIds = new NB.uint256[count];
        _nbWitnessIds = new NB.uint256[count];
        _ids = new Hash256[count];
        _witnessIds = new Hash256[count];

        NBitcoinIds();
        ProtoGenIds();
        for (int i = 0; i < count; i++)
        {
            Check.Equal(_nbIds[i].ToString(), _ids[i].ToString(), "txid");
            Check.Equal(_nbWitnessIds[i].ToString(), _witnessIds[i].ToString(), "wtxid");
        }

        var expectedIds = (Hash256[])_ids.Clone();
        var expectedWitnessIds = (Hash256[])_witnessIds.Clone();
        Check.Equal(_nbitcoin.GetMerkleRoot().Hash.ToString(), ProtoGenIdsAndRoot().ToString(), "merkle root");
        Check.Equal(_protogen.Header.MerkleRoot, ProtoGenRoot(), "merkle root (Block.ComputeMerkleRoot)");
        Check.Equal(_nbitcoin.GetMerkleRoot().Hash.ToString(), NBitcoinRoot().ToString(), "merkle root (NBitcoin)");
        Check.Equal(_protogen.Header.MerkleRoot, ProtoGenBatchIdsAndRootReusingTxIds(), "merkle root (reusing txids)");
        Array.Clear(_ids);
        Array.Clear(_witnessIds);
        ProtoGenBatchIds();
        for (int i = 0; i < count; i++)
        {
            Check.Equal(expectedIds[i], _ids[i], "batched txid");
            Check.Equal(expectedWitnessIds[i], _witnessIds[i], "batched wtxid");
        }

        CheckNBitcoinDoesNotCache();

        // The limit: one contiguous buffer of exactly the bytes the txid+wtxid pass hashes.
        long hashed = BlockCorpus.Facts(Block).HashedBytes;
        _limitBuffer = new byte[hashed];
        _perTxBuffers = new byte[count * 2][];
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            var tx = _protogen.Transactions[i];
            _perTxBuffers[2 * i] = WireSerializer.Encode(tx, new WireContext(0, WireFlags.NoWitness));
            _perTxBuffers[(2 * i) + 1] = WireSerializer.Encode(tx);
            _perTxBuffers[2 * i].CopyTo(_limitBuffer, offset);
            offset += _perTxBuffers[2 * i].Length;
            _perTxBuffers[(2 * i) + 1].CopyTo(_limitBuffer, offset);
            offset += _perTxBuffers[(2 * i) + 1].Length;
        }

        Check.Equal(hashed, offset, "hashed byte count");
        _perTxInputs = Array.ConvertAll(_perTxBuffers, bytes => new HashInput(bytes));
        _perTxHashes = new Hash256[_perTxInputs.Length];
        Sha256dManyPerTransaction();
        for (int i = 0; i < count; i++)
        {
            Check.Equal(expectedIds[i], _perTxHashes[2 * i], "HashMany txid");
            Check.Equal(expectedWitnessIds[i], _perTxHashes[(2 * i) + 1], "HashMany wtxid");
        }

        _mebibyte = new byte[LimitSize];
        new Random(1).NextBytes(_mebibyte);
    }

    /// <summary>
    /// The bytes one operation must run through SHA-256 (first round), which the MB/s and share columns divide by the
    /// time: Σ stripped + total size for the ids, Σ stripped size + 64 per tree node for the merkle root, both for the
    /// third category, and 1 MiB for the second limit.
    /// </summary>
    /// <param name="method">The benchmark method's name.</param>
    /// <param name="category">Its category.</param>
    /// <param name="facts">The block's facts.</param>
    public static long BytesPerOperation(string method, string category, BlockFacts facts) => (method, category) switch
    {
        (nameof(Sha256dLimit1MiB), _) => LimitSize,
        (_, Root) => facts.MerkleRootBytes,
        (_, IdsAndRoot) => facts.HashedBytes + facts.TreeBytes,
        _ => facts.HashedBytes,
    };

    private void CheckNBitcoinDoesNotCache()
    {
        var field = typeof(NB.Transaction).GetField("_Hashes", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("NBitcoin.Transaction._Hashes not found: re-check how NBitcoin caches hashes");
        foreach (var tx in _nbitcoin.Transactions)
        {
            if (field.GetValue(tx) is not null)
            {
                throw new InvalidOperationException("NBitcoin cached a transaction hash; the benchmark would measure the cache");
            }
        }
    }

    /// <summary>NBitcoin: <c>GetHash()</c> and <c>GetWitHash()</c> of every transaction.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin GetHash+GetWitHash")]
    [BenchmarkCategory(Ids)]
    public NB.uint256 NBitcoinIds()
    {
        var transactions = _nbitcoin.Transactions;
        for (int i = 0; i < transactions.Count; i++)
        {
            _nbIds[i] = transactions[i].GetHash();
            _nbWitnessIds[i] = transactions[i].GetWitHash();
        }

        return _nbWitnessIds[^1];
    }

    /// <summary>ProtoGen: <c>GetTxId()</c> and <c>GetWitnessTxId()</c> of every transaction of the decoded block, one at a time.</summary>
    [Benchmark(Description = "ProtoGen GetTxId+GetWitnessTxId (one at a time)")]
    [BenchmarkCategory(Ids)]
    public Hash256 ProtoGenIds()
    {
        var transactions = _protogen.Transactions.AsSpan();
        var ids = _ids;
        var witnessIds = _witnessIds;
        for (int i = 0; i < transactions.Length; i++)
        {
            ids[i] = transactions[i].GetTxId();
            witnessIds[i] = transactions[i].GetWitnessTxId();
        }

        return witnessIds[^1];
    }

    /// <summary>ProtoGen: <c>Transaction.ComputeIds</c> over the block's transactions (hashed side by side; once for both ids without witness).</summary>
    [Benchmark(Description = "ProtoGen Transaction.ComputeIds (batched)")]
    [BenchmarkCategory(Ids)]
    public Hash256 ProtoGenBatchIds()
    {
        PG.Transaction.ComputeIds(_protogen.Transactions.AsSpan(), _ids, _witnessIds);
        return _witnessIds[^1];
    }

    /// <summary>The limit: one SHA-256d over a contiguous buffer as long as everything the txid+wtxid pass hashes.</summary>
    [Benchmark(Description = "SHA-256d limit (one call, same bytes)")]
    [BenchmarkCategory(Ids)]
    public Hash256 Sha256dLimit() => DoubleSha256.Hash(_limitBuffer);

    /// <summary>The goal's limit: one SHA-256d over 1 MiB with the best single-message backend.</summary>
    [Benchmark(Description = "SHA-256d limit (one call, 1 MiB)")]
    [BenchmarkCategory(Ids)]
    public Hash256 Sha256dLimit1MiB() => DoubleSha256.Hash(_mebibyte);

    /// <summary>
    /// A tighter, per-message ceiling: SHA-256d of each transaction's stripped and full encoding, pre-serialized into
    /// separate arrays, so it pays the per-hash padding, second SHA-256 and call overhead a txid pass cannot avoid.
    /// </summary>
    [Benchmark(Description = "SHA-256d per tx, one at a time (pre-serialized)")]
    [BenchmarkCategory(Ids)]
    public Hash256 Sha256dPerTransaction()
    {
        var buffers = _perTxBuffers;
        var ids = _ids;
        for (int i = 0; i < buffers.Length; i++)
        {
            ids[i >> 1] = DoubleSha256.Hash(buffers[i]);
        }

        return ids[^1];
    }

    /// <summary>
    /// <see cref="Sha256dPerTransaction"/> on <c>System.Security.Cryptography</c> (one reused <c>IncrementalHash</c> per
    /// thread), the backend every ProtoGen hash used before: the "before" of the one-at-a-time rows, in the same run.
    /// </summary>
    [Benchmark(Description = "SHA-256d per tx, one at a time, System.Security.Cryptography (before)")]
    [BenchmarkCategory(Ids)]
    public Hash256 Sha256dPerTransactionSystemCrypto()
    {
        var buffers = _perTxBuffers;
        var ids = _ids;
        Span<byte> digest = stackalloc byte[Hash256.Size];
        for (int i = 0; i < buffers.Length; i++)
        {
            DoubleSha256.HashConcat(Sha256Backend.SystemCrypto, buffers[i], default, default, digest);
            ids[i >> 1] = new Hash256(digest);
        }

        return ids[^1];
    }

    /// <summary>
    /// The same messages as <see cref="Sha256dPerTransaction"/> through <see cref="DoubleSha256.HashMany(ReadOnlySpan{HashInput}, Span{Hash256})"/>:
    /// what batching gives for exactly the 2 × transactions messages, without the one-hash-for-both-ids saving.
    /// </summary>
    [Benchmark(Description = "SHA-256d per tx, HashMany (pre-serialized)")]
    [BenchmarkCategory(Ids)]
    public Hash256 Sha256dManyPerTransaction()
    {
        DoubleSha256.HashMany(_perTxInputs, _perTxHashes);
        return _perTxHashes[^1];
    }

    /// <summary>NBitcoin: <c>GetMerkleRoot()</c> (serializes and hashes every transaction, then the tree).</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin GetMerkleRoot")]
    [BenchmarkCategory(Root)]
    public NB.uint256 NBitcoinRoot() => _nbitcoin.GetMerkleRoot().Hash;

    /// <summary>ProtoGen: <c>Block.ComputeMerkleRoot</c> (batched txids, then the tree level by level).</summary>
    [Benchmark(Description = "ProtoGen Block.ComputeMerkleRoot")]
    [BenchmarkCategory(Root)]
    public Hash256 ProtoGenRoot() => _protogen.ComputeMerkleRoot(out _);

    /// <summary>NBitcoin: every <c>GetHash()</c> and <c>GetWitHash()</c>, then <c>GetMerkleRoot()</c> (which hashes every transaction again).</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin ids + GetMerkleRoot")]
    [BenchmarkCategory(IdsAndRoot)]
    public NB.uint256 NBitcoinIdsAndRoot()
    {
        NBitcoinIds();
        return _nbitcoin.GetMerkleRoot().Hash;
    }

    /// <summary>ProtoGen: every <c>GetTxId()</c> and <c>GetWitnessTxId()</c> one at a time, then <c>Block.ComputeMerkleRoot</c> (which hashes every transaction again).</summary>
    [Benchmark(Description = "ProtoGen ids one at a time + Block.ComputeMerkleRoot")]
    [BenchmarkCategory(IdsAndRoot)]
    public Hash256 ProtoGenIdsAndRoot()
    {
        ProtoGenIds();
        return _protogen.ComputeMerkleRoot(out _);
    }

    /// <summary>ProtoGen: <c>Transaction.ComputeIds</c>, then <c>MerkleTree.ComputeRoot</c> over the txids just computed (no second pass over the transactions).</summary>
    [Benchmark(Description = "ProtoGen ComputeIds + MerkleTree.ComputeRoot(txids)")]
    [BenchmarkCategory(IdsAndRoot)]
    public Hash256 ProtoGenBatchIdsAndRootReusingTxIds()
    {
        ProtoGenBatchIds();

        // ComputeRoot uses its argument as scratch space, so hash a copy of the txids.
        var leaves = _witnessIds;
        _ids.CopyTo(leaves, 0);
        return PG.MerkleTree.ComputeRoot(leaves, out _);
    }
}
