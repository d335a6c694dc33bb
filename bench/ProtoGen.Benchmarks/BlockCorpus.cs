using System.Collections.Concurrent;
using ProtoGen;
using ProtoGen.Bitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>The three mainnet blocks in tests/data (copied next to the benchmark as data/), named by height, and facts measured once.</summary>
public static class BlockCorpus
{
    /// <summary>Block 413567 (May 2016, before segwit activated): 1,557 transactions.</summary>
    public const string Legacy = "413567";

    /// <summary>Block 574200, 0000000000000000001602407ac4…: 3,315 transactions, 1,341 with witnesses.</summary>
    public const string Segwit1 = "574200";

    /// <summary>Block 540107, 00000000000000000021868c2cef…: 230 large transactions, 104 with witnesses.</summary>
    public const string Segwit2 = "540107";

    /// <summary>All three, in the order the tables show them.</summary>
    public static IEnumerable<string> Names => [Legacy, Segwit1, Segwit2];

    private static readonly ConcurrentDictionary<string, BlockFacts> s_facts = new();

    /// <summary>The file name under data/ for a short block name.</summary>
    public static string FileOf(string name) => name switch
    {
        Legacy => "block413567.raw",
        Segwit1 => "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.raw",
        Segwit2 => "block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.raw",
        _ => throw new ArgumentException("unknown block " + name, nameof(name)),
    };

    /// <summary>Reads the raw block.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", FileOf(name)));

    /// <summary>Sizes and counts of a block, computed once per process.</summary>
    public static BlockFacts Facts(string name) => s_facts.GetOrAdd(name, static n =>
    {
        var bytes = Read(n);
        var block = WireSerializer.Decode<Block>(bytes.AsMemory());
        long hashed = 0;
        int witnessTxs = 0;
        foreach (var tx in block.Transactions.AsSpan())
        {
            // GetTxId hashes the stripped form, GetWitnessTxId the full form (the same bytes when there is no witness).
            hashed += tx.GetStrippedSize() + tx.GetSize();
            if (tx.HasWitness)
            {
                witnessTxs++;
            }
        }

        // The merkle tree hashes 64 bytes per node above the leaves (an odd level's last node is paired with itself).
        long nodes = 0;
        for (long count = block.Transactions.Count; count > 1; count = (count + 1) / 2)
        {
            nodes += (count + 1) / 2;
        }

        long stripped = 0;
        foreach (var tx in block.Transactions.AsSpan())
        {
            stripped += tx.GetStrippedSize();
        }

        return new BlockFacts(bytes.Length, block.Transactions.Count, witnessTxs, hashed, stripped + (64 * nodes), 64 * nodes);
    });
}

/// <summary>What the throughput columns divide by.</summary>
/// <param name="Size">Bytes of the serialized block (with witnesses).</param>
/// <param name="Transactions">Transactions in the block.</param>
/// <param name="WitnessTransactions">Transactions with witness data.</param>
/// <param name="HashedBytes">Bytes that computing every txid and wtxid runs through SHA-256 (first round): Σ stripped size + total size.</param>
/// <param name="MerkleRootBytes">Bytes that computing the merkle root runs through SHA-256 (first round): Σ stripped size + 64 per tree node.</param>
/// <param name="TreeBytes">The 64 bytes per tree node alone (the merkle root from txids already computed).</param>
public sealed record BlockFacts(int Size, int Transactions, int WitnessTransactions, long HashedBytes, long MerkleRootBytes, long TreeBytes);
