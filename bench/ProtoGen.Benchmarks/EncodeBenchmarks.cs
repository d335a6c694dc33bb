using BenchmarkDotNet.Attributes;
using ProtoGen;
using NB = NBitcoin;
using PG = ProtoGen.Bitcoin;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Encoding a whole block (with witnesses) into a new byte array. ProtoGen is measured twice: on a decoded block,
/// whose transactions remember their raw bytes so encoding copies them ("raw pass-through"), and on the same block
/// rebuilt in memory in <see cref="Setup"/> with new <see cref="PG.Transaction"/> objects and freshly allocated
/// scripts and witness items, which is encoded field by field. NBitcoin never remembers raw bytes:
/// <c>block.ToBytes()</c> always serializes field by field.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Encode")]
public class EncodeBenchmarks
{
    private NB.Block _nbitcoin = null!;
    private PG.Block _decoded = null!;
    private PG.Block _rebuilt = null!;

    /// <summary>The block (see <see cref="BlockCorpus"/>).</summary>
    [ParamsSource(nameof(Blocks))]
    public string Block { get; set; } = BlockCorpus.Legacy;

    /// <summary>The blocks.</summary>
    public static IEnumerable<string> Blocks => BlockCorpus.Names;

    /// <summary>Decodes the block with both libraries, rebuilds the ProtoGen one field by field, and checks all three encodings.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var bytes = BlockCorpus.Read(Block);
        _nbitcoin = NB.Block.Load(bytes, NB.Network.Main);
        _decoded = WireSerializer.Decode<PG.Block>(bytes.AsMemory());
        _rebuilt = Rebuild(_decoded);
        Check.True(_rebuilt.Transactions[0].DecodedBytes.IsEmpty, "rebuilt transactions remember no raw bytes");
        Check.Bytes(bytes, NB.BitcoinSerializableExtensions.ToBytes(_nbitcoin), "NBitcoin ToBytes");
        Check.Bytes(bytes, WireSerializer.Encode(_decoded), "ProtoGen Encode (decoded)");
        Check.Bytes(bytes, WireSerializer.Encode(_rebuilt), "ProtoGen Encode (rebuilt)");
    }

    /// <summary>NBitcoin: <c>block.ToBytes()</c>.</summary>
    [Benchmark(Baseline = true, Description = "NBitcoin ToBytes")]
    public byte[] NBitcoin() => NB.BitcoinSerializableExtensions.ToBytes(_nbitcoin);

    /// <summary>ProtoGen on a decoded block: transactions copy their remembered raw bytes.</summary>
    [Benchmark(Description = "ProtoGen Encode, decoded (raw pass-through)")]
    public byte[] ProtoGenDecoded() => WireSerializer.Encode(_decoded);

    /// <summary>ProtoGen on a block built in memory: every field is encoded.</summary>
    [Benchmark(Description = "ProtoGen Encode, rebuilt (field by field)")]
    public byte[] ProtoGenRebuilt() => WireSerializer.Encode(_rebuilt);

    /// <summary>Builds a copy with new transactions, inputs, outputs and byte arrays, so nothing refers to the input buffer.</summary>
    internal static PG.Block Rebuild(PG.Block block)
    {
        var source = block.Transactions.AsSpan();
        var transactions = new PG.Transaction[source.Length];
        for (int t = 0; t < source.Length; t++)
        {
            var tx = source[t];
            var inputs = new PG.TxIn[tx.Inputs.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                var input = tx.Inputs[i];
                var witness = new WireBytes[input.Witness.Count];
                for (int w = 0; w < witness.Length; w++)
                {
                    witness[w] = input.Witness[w].ToArray();
                }

                inputs[i] = new PG.TxIn
                {
                    PreviousOutput = input.PreviousOutput,
                    ScriptSig = input.ScriptSig.ToArray(),
                    Sequence = input.Sequence,
                    Witness = witness.Length == 0 ? default : new WireArray<WireBytes>(witness),
                };
            }

            var outputs = new PG.TxOut[tx.Outputs.Count];
            for (int o = 0; o < outputs.Length; o++)
            {
                var output = tx.Outputs[o];
                outputs[o] = new PG.TxOut { Value = output.Value, ScriptPubKey = output.ScriptPubKey.ToArray() };
            }

            transactions[t] = new PG.Transaction
            {
                Version = tx.Version,
                Inputs = inputs,
                Outputs = outputs,
                LockTime = tx.LockTime,
            };
        }

        return new PG.Block { Header = block.Header, Transactions = transactions };
    }
}
