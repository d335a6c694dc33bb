namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// A transaction decoded from memory is checked in full at decode time but builds its input and output arrays on
/// first access. These tests pin down that the lazy form is indistinguishable from the eager one (decoded from a
/// span) and that decoding really leaves the arrays unbuilt.
/// </summary>
public class LazyTransactionTests
{
    public static TheoryData<string> Blocks => new()
    {
        TestData.Block413567,
        TestData.SegwitBlockFile(TestData.SegwitBlock1Hash),
        TestData.SegwitBlockFile(TestData.SegwitBlock2Hash),
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Lazy_and_eager_transactions_agree_on_every_property(string file)
    {
        var bytes = TestData.Read(file);
        var eager = WireSerializer.Decode<Block>(bytes.AsSpan());

        // A fresh lazy block per question, so that each raw-bytes shortcut is asked before anything is built.
        Assert.Equal(Ids(eager, t => t.IsCoinbase), Ids(Lazy(bytes), t => t.IsCoinbase));
        Assert.Equal(Ids(eager, t => t.HasWitness), Ids(Lazy(bytes), t => t.HasWitness));
        Assert.Equal(Ids(eager, t => t.GetStrippedSize()), Ids(Lazy(bytes), t => t.GetStrippedSize()));
        Assert.Equal(Ids(eager, t => t.GetSize()), Ids(Lazy(bytes), t => t.GetSize()));
        Assert.Equal(Ids(eager, t => t.GetWeight()), Ids(Lazy(bytes), t => t.GetWeight()));
        Assert.Equal(Ids(eager, t => t.GetTxId()), Ids(Lazy(bytes), t => t.GetTxId()));
        Assert.Equal(Ids(eager, t => t.GetWitnessTxId()), Ids(Lazy(bytes), t => t.GetWitnessTxId()));

        var lazy = Lazy(bytes);
        Assert.Equal(eager.Transactions.Count, lazy.Transactions.Count);
        for (int i = 0; i < eager.Transactions.Count; i++)
        {
            var a = eager.Transactions[i];
            var b = lazy.Transactions[i];
            Assert.Equal(a.Version, b.Version);
            Assert.Equal(a.LockTime, b.LockTime);
            Assert.Equal(a.Inputs, b.Inputs);
            Assert.Equal(a.Outputs, b.Outputs);
            Assert.Equal(a, b);
            Assert.Equal(a.GetHashCode(), b.GetHashCode());

            // Built once and kept: the same arrays on the next read.
            Assert.True(b.Inputs.AsSpan() == b.Inputs.AsSpan());
            Assert.True(b.Outputs.AsSpan() == b.Outputs.AsSpan());
        }

        // Built or not, it encodes to the input (with and without witness data, as the eager form does).
        Assert.Equal(bytes, WireSerializer.Encode(Lazy(bytes)));
        var noWitness = new WireContext(0, WireFlags.NoWitness);
        Assert.Equal(WireSerializer.Encode(eager, noWitness), WireSerializer.Encode(Lazy(bytes), noWitness));
        Assert.Equal(WireSerializer.Encode(eager, noWitness), WireSerializer.Encode(lazy, noWitness));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Scripts_and_witness_items_of_built_arrays_are_slices_of_the_input(string file)
    {
        var bytes = TestData.Read(file);
        var block = Lazy(bytes);
        foreach (var transaction in block.Transactions)
        {
            foreach (ref readonly var input in transaction.Inputs.AsSpan())
            {
                Assert.True(input.ScriptSig.IsEmpty || Overlaps(bytes, input.ScriptSig));
                foreach (var item in input.Witness)
                {
                    Assert.True(item.IsEmpty || Overlaps(bytes, item));
                }
            }

            foreach (ref readonly var output in transaction.Outputs.AsSpan())
            {
                Assert.True(output.ScriptPubKey.IsEmpty || Overlaps(bytes, output.ScriptPubKey));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Decoding_a_block_from_memory_allocates_about_one_object_per_transaction(string file)
    {
        var bytes = TestData.Read(file);
        var eager = WireSerializer.Decode<Block>(bytes.AsSpan());
        int transactions = eager.Transactions.Count;
        // Warm up: JIT, this thread's SHA-256 context, and the pooled array the merkle root borrows for the txids.
        var warm = Lazy(bytes);
        Assert.True(warm.CheckMerkleRoot());
        foreach (var transaction in warm.Transactions)
        {
            transaction.GetWitnessTxId();
        }

        // The least of three decodes: a rented array the shared pool cannot hand back (tests running in parallel
        // drain it) is allocated on this thread and is no cost of decoding.
        Block block = null!;
        long decoded = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            block = Lazy(bytes);
            decoded = Math.Min(decoded, GC.GetAllocatedBytesForCurrentThread() - start);
        }

        // The transaction objects (56 B), the transaction array (8 B each) and the block: nothing per input or output.
        Assert.True(decoded <= (transactions * 64L) + 1024, $"decoding {transactions} transactions allocated {decoded} bytes");

        // Reading the ids and the merkle root builds nothing either (the allowance is for the pool handing out a new
        // array; building the inputs and outputs would cost far more, see the control below).
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(block.CheckMerkleRoot());
        foreach (var transaction in block.Transactions)
        {
            transaction.GetWitnessTxId();
        }

        long hashed = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(hashed <= (transactions * 32L) + 1024, $"hashing {transactions} transactions allocated {hashed} bytes");

        // Control: reading the inputs and outputs does build them (the measurement sees real allocations).
        before = GC.GetAllocatedBytesForCurrentThread();
        int parts = 0;
        foreach (var transaction in block.Transactions)
        {
            parts += transaction.Inputs.Count + transaction.Outputs.Count;
        }

        long built = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(built >= parts * 24L, $"building {parts} inputs and outputs allocated only {built} bytes");
    }

    [Fact]
    public void Many_threads_reading_the_inputs_at_once_all_see_the_same_contents()
    {
        var bytes = TestData.Read(TestData.SegwitBlockFile(TestData.SegwitBlock1Hash));
        var eager = WireSerializer.Decode<Block>(bytes.AsSpan());
        for (int round = 0; round < 5; round++)
        {
            var lazy = Lazy(bytes);
            Parallel.For(0, 8, worker =>
            {
                // Each worker walks the transactions in a different order, so that they race on different ones.
                int count = lazy.Transactions.Count;
                for (int k = 0; k < count; k++)
                {
                    int i = (k * (worker + 1) * 7919) % count;
                    var transaction = lazy.Transactions[i];
                    var inputs = worker % 2 == 0 ? transaction.Inputs : default;
                    var outputs = transaction.Outputs;
                    if (worker % 2 != 0)
                    {
                        inputs = transaction.Inputs;
                    }

                    Assert.Equal(eager.Transactions[i].Inputs, inputs);
                    Assert.Equal(eager.Transactions[i].Outputs, outputs);
                }
            });
        }
    }

    [Fact]
    public void A_with_copy_of_a_lazy_transaction_carries_its_inputs_and_outputs()
    {
        var bytes = TestData.Read(TestData.SegwitBlockFile(TestData.SegwitBlock1Hash));
        var eager = WireSerializer.Decode<Block>(bytes.AsSpan()).Transactions[1];
        var lazy = Lazy(bytes).Transactions[1];
        var copy = lazy with { LockTime = lazy.LockTime + 1 };

        Assert.Equal(eager.Inputs, copy.Inputs);
        Assert.Equal(eager.Outputs, copy.Outputs);
        Assert.True(copy.DecodedBytes.IsEmpty);
        Assert.Equal(eager.LockTime + 1, copy.LockTime);
        Assert.Equal(eager.HasWitness, copy.HasWitness);
    }

    [Fact]
    public void A_malformed_transaction_fails_at_decode_time_from_memory_too()
    {
        var bytes = TestData.Read(TestData.SegwitBlockFile(TestData.SegwitBlock1Hash));
        var transaction = WireSerializer.Decode<Block>(bytes.AsSpan()).Transactions[1];
        var encoded = WireSerializer.Encode(transaction);
        Assert.True(transaction.HasWitness);

        // Cut inside the witness section: nothing is left to be found later, when the inputs are built.
        var cut = encoded.AsMemory(0, encoded.Length - 10);
        Assert.Equal(ProtocolError.Truncated, Assert.Throws<ProtocolException>(() => WireSerializer.Decode<Transaction>(cut)).Error);

        // Every witness stack emptied (the flag kept): Bitcoin Core's "superfluous witness record", also at decode time.
        var superfluous = WireSerializer.Encode(transaction with
        {
            Inputs = new WireArray<TxIn>([.. transaction.Inputs.AsSpan().ToArray().Select(i => i with { Witness = default })]),
        });
        var flagged = new byte[superfluous.Length + 2 + transaction.Inputs.Count];
        superfluous.AsSpan(0, 4).CopyTo(flagged);
        flagged[4] = 0;
        flagged[5] = 1;
        superfluous.AsSpan(4, superfluous.Length - 8).CopyTo(flagged.AsSpan(6));
        superfluous.AsSpan(superfluous.Length - 4).CopyTo(flagged.AsSpan(flagged.Length - 4));
        var error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<Transaction>(flagged.AsMemory()));
        Assert.Equal(ProtocolError.InvalidValue, error.Error);
    }

    private static Block Lazy(byte[] bytes) => WireSerializer.Decode<Block>(bytes.AsMemory());

    private static List<T> Ids<T>(Block block, Func<Transaction, T> select)
    {
        var list = new List<T>(block.Transactions.Count);
        foreach (var transaction in block.Transactions)
        {
            list.Add(select(transaction));
        }

        return list;
    }

    private static bool Overlaps(byte[] buffer, WireBytes slice) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(slice.Memory, out var segment) && ReferenceEquals(segment.Array, buffer);
}
