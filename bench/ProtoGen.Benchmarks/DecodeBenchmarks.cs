using BenchmarkDotNet.Attributes;
using ProtoGen;
using NB = NBitcoin;
using PG = ProtoGen.Bitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Decoding a whole block from bytes in memory. ProtoGen decodes from <see cref="ReadOnlyMemory{T}"/>: every field is
/// checked, every transaction remembers its raw bytes and builds its input and output arrays (scripts and witness
/// items as slices of the input) when they are first read. The second ProtoGen row reads them all, so it measures
/// the whole object graph NBitcoin builds. NBitcoin parses with <c>Block.Load(bytes, Network.Main)</c>, which copies
/// every script into its own objects.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Decode")]
public class DecodeBenchmarks
{
    private byte[] _bytes = [];

    /// <summary>The block (see <see cref="BlockCorpus"/>).</summary>
    [ParamsSource(nameof(Blocks))]
    public string Block { get; set; } = BlockCorpus.Legacy;

    /// <summary>The blocks.</summary>
    public static IEnumerable<string> Blocks => BlockCorpus.Names;

    /// <summary>Loads the block and checks both libraries agree on it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _bytes = BlockCorpus.Read(Block);
        var pg = WireSerializer.Decode<PG.Block>(_bytes.AsMemory());
        var nb = NB.Block.Load(_bytes, NB.Network.Main);
        Check.Equal(nb.GetHash().ToString(), pg.GetHash().ToString(), "block hash");
        Check.Equal(nb.Transactions.Count, pg.Transactions.Count, "transaction count");
        Check.True(pg.CheckMerkleRoot(), "ProtoGen merkle root");
    }

    /// <summary>NBitcoin: <c>Block.Load(bytes, Network.Main)</c>.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin Block.Load")]
    public NB.Block NBitcoin() => NB.Block.Load(_bytes, NB.Network.Main);

    /// <summary>ProtoGen: <c>WireSerializer.Decode&lt;Block&gt;(ReadOnlyMemory&lt;byte&gt;)</c>.</summary>
    [Benchmark(Description = "ProtoGen Decode<Block>(memory)")]
    public PG.Block ProtoGen() => WireSerializer.Decode<PG.Block>(_bytes.AsMemory());

    /// <summary>ProtoGen: the same, then reads every transaction's inputs and outputs (building their arrays).</summary>
    [Benchmark(Description = "ProtoGen Decode + read inputs/outputs")]
    public int ProtoGenAndRead()
    {
        var block = WireSerializer.Decode<PG.Block>(_bytes.AsMemory());
        int parts = 0;
        foreach (var transaction in block.Transactions)
        {
            parts += transaction.Inputs.Count + transaction.Outputs.Count;
        }

        return parts;
    }
}
