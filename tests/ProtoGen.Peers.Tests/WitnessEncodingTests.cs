using System.Buffers.Binary;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Transport and lifecycle — witness encoding: blocks and transactions go out with or without witness data according
/// to the remote's NODE_WITNESS service and to what it requested.
/// </summary>
public class WitnessEncodingTests
{
    private static readonly WireContext Stripped = new(0, WireFlags.NoWitness);

    private static readonly Lazy<Block> SegwitBlock = new(() => BlockData.Load(BlockData.Segwit1));

    private static Transaction SegwitTransaction => SegwitBlock.Value.Transactions.First(t => t.HasWitness && !t.IsCoinbase);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Queued_blocks_and_transactions_carry_witness_data_only_for_a_remote_with_NODE_WITNESS(bool remoteWitness)
    {
        await using var remote = new PipeRemote(TestConfig.Create());
        var services = ServiceFlags.Network | (remoteWitness ? ServiceFlags.Witness : ServiceFlags.None);
        await remote.HandshakeAsync(remote.Version(services: services));
        var block = SegwitBlock.Value;
        var tx = SegwitTransaction;

        Assert.True(remote.Peer.QueueMessage(block));
        Assert.True(remote.Peer.QueueMessage(tx));
        var frames = await remote.SentinelAsync();

        var context = remoteWitness ? WireContext.Default : Stripped;
        Assert.Equal(["block", "tx"], frames.Select(f => f.Command));
        Assert.Equal(WireSerializer.Encode(block, context), frames[0].Payload);
        Assert.Equal(WireSerializer.Encode(tx, context), frames[1].Payload);
        Assert.Equal(remoteWitness, frames[1].Decode<Transaction>().HasWitness);
    }

    [Theory]
    [InlineData(InventoryType.Block, true, false)]
    [InlineData(InventoryType.WitnessBlock, true, true)]
    [InlineData(InventoryType.Block, false, false)]
    [InlineData(InventoryType.WitnessBlock, false, true)]
    public async Task PushBlock_sends_the_form_the_getdata_entry_asked_for(InventoryType requestedAs, bool remoteWitness, bool expectWitness)
    {
        await using var remote = new PipeRemote(TestConfig.Create());
        var services = ServiceFlags.Network | (remoteWitness ? ServiceFlags.Witness : ServiceFlags.None);
        await remote.HandshakeAsync(remote.Version(services: services));
        var block = SegwitBlock.Value;
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.True(remote.Peer.PushBlock(block, requestedAs, sent));
        var (frame, _) = await remote.ReceiveUntilAsync("block");
        await sent.Task.WaitAsync(PeerPair.Timeout);

        Assert.Equal(WireSerializer.Encode(block, expectWitness ? WireContext.Default : Stripped), frame.Payload);
        Assert.Equal(expectWitness, frame.Decode<Block>().Transactions.AsSpan().ToArray().Any(t => t.HasWitness));
    }

    [Theory]
    [InlineData(InventoryType.Tx, true, false)]
    [InlineData(InventoryType.WitnessTx, true, true)]
    [InlineData(InventoryType.Wtx, true, true)]
    [InlineData(InventoryType.Tx, false, false)]
    [InlineData(InventoryType.WitnessTx, false, true)]
    public async Task PushTransaction_sends_the_form_the_getdata_entry_asked_for(InventoryType requestedAs, bool remoteWitness, bool expectWitness)
    {
        await using var remote = new PipeRemote(TestConfig.Create());
        var services = ServiceFlags.Network | (remoteWitness ? ServiceFlags.Witness : ServiceFlags.None);
        await remote.HandshakeAsync(remote.Version(services: services), wtxidRelay: true);
        var tx = SegwitTransaction;

        Assert.True(remote.Peer.PushTransaction(tx, requestedAs));
        var (frame, _) = await remote.ReceiveUntilAsync("tx");

        var decoded = frame.Decode<Transaction>();
        Assert.Equal(expectWitness, decoded.HasWitness);
        Assert.Equal(tx.GetTxId(), decoded.GetTxId());
        Assert.Equal(expectWitness ? tx.GetWitnessTxId() : tx.GetTxId(), decoded.GetWitnessTxId());
        Assert.Equal(expectWitness ? tx.GetSize() : tx.GetStrippedSize(), frame.Payload.Length);
    }

    /// <summary>
    /// Property over every real block in tests/data and every transaction in them: each is pushed in both forms (and,
    /// for witness transactions, also as an in-memory copy that has no raw bytes), and every frame on the wire has a
    /// header length equal to the payload written and a matching checksum; the witness form is the original bytes; the
    /// stripped form decodes to the same block hash and merkle root (or txid) with no witness data.
    /// </summary>
    [Fact]
    public async Task Every_real_block_and_transaction_is_framed_correctly_in_both_forms()
    {
        // A fake clock that never moves: no keep-alive ping interleaves, so byte counts compare exactly.
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(time: time, scheduler: scheduler) with { SendQueueCapacity = 100_000 };
        await using var remote = new PipeRemote(config);
        await remote.HandshakeAsync(remote.Version(services: ServiceFlags.Network | ServiceFlags.Witness), wtxidRelay: true);

        int checkedBlocks = 0;
        int checkedTransactions = 0;
        foreach (var name in new[] { BlockData.Block413567, BlockData.Segwit1, BlockData.Segwit2 })
        {
            var raw = BlockData.Read(name);
            var block = WireSerializer.Decode<Block>(raw.AsMemory());
            var expected = new List<(IMessage Message, bool Witness)>();
            var (bytesBefore, sentBefore) = (remote.BytesRead, remote.Peer.GetStats().BytesSent);

            // Send everything from another thread while this one reads: the output pipe only holds 64 KiB.
            var send = Task.Run(() =>
            {
                Assert.True(remote.Peer.PushBlock(block, InventoryType.WitnessBlock));
                Assert.True(remote.Peer.PushBlock(block, InventoryType.Block));
                foreach (var tx in block.Transactions)
                {
                    Assert.True(remote.Peer.PushTransaction(tx, InventoryType.WitnessTx));
                    Assert.True(remote.Peer.PushTransaction(tx, InventoryType.Tx));
                }

                var copy = block.Transactions.First(t => !t.IsCoinbase) with { };
                Assert.True(copy.DecodedBytes.IsEmpty);
                Assert.True(remote.Peer.PushTransaction(copy, InventoryType.Wtx));
                Assert.True(remote.Peer.PushTransaction(copy, InventoryType.Tx));
            });

            var frames = new List<WireFrame>();
            int expectedFrames = 2 + (2 * block.Transactions.Count) + 2;
            while (frames.Count < expectedFrames)
            {
                var frame = await remote.ReceiveFrameAsync();
                if (frame.Command is "block" or "tx")
                {
                    frames.Add(frame);
                }
            }

            await send.WaitAsync(PeerPair.Timeout);

            foreach (var frame in frames)
            {
                // The header describes exactly the payload bytes that followed it.
                Assert.Equal(BitcoinNetwork.Regtest.Magic, BinaryPrimitives.ReadUInt32LittleEndian(frame.Bytes));
                Assert.Equal(frame.Bytes.Length - FrameHeader.Size, BinaryPrimitives.ReadInt32LittleEndian(frame.Bytes.AsSpan(16)));
                Assert.Equal(DoubleSha256.Checksum(frame.Bytes.AsSpan(FrameHeader.Size)), BinaryPrimitives.ReadUInt32LittleEndian(frame.Bytes.AsSpan(20)));
                var copy = new System.Buffers.ReadOnlySequence<byte>(frame.Bytes);
                Assert.Equal(FrameStatus.Ok, Frame.TryRead(ref copy, BitcoinNetwork.Regtest.Magic, out _, out _));
                Assert.True(copy.IsEmpty);
            }

            // Blocks: the witness form is the original file; the stripped one is the same block without witnesses.
            Assert.Equal(raw, frames[0].Payload);
            var stripped = frames[1].Decode<Block>();
            Assert.Equal(block.GetHash(), stripped.GetHash());
            Assert.Equal(block.Header.MerkleRoot, stripped.Header.MerkleRoot);
            Assert.True(stripped.CheckMerkleRoot());
            Assert.DoesNotContain(stripped.Transactions, t => t.HasWitness);
            Assert.Equal(block.GetStrippedSize(), frames[1].Payload.Length);
            Assert.Equal(block.Transactions.Count, stripped.Transactions.Count);
            checkedBlocks++;

            // Transactions, in order: witness form then stripped form of each.
            for (int i = 0; i < block.Transactions.Count + 1; i++)
            {
                var original = i < block.Transactions.Count ? block.Transactions[i] : block.Transactions.First(t => !t.IsCoinbase);
                var full = frames[2 + (2 * i)];
                var bare = frames[3 + (2 * i)];
                if (i < block.Transactions.Count)
                {
                    Assert.Equal(original.DecodedBytes.ToArray(), full.Payload);
                }
                else
                {
                    Assert.Equal(original.GetSize(), full.Payload.Length);
                }

                var withWitness = full.Decode<Transaction>();
                var withoutWitness = bare.Decode<Transaction>();
                Assert.Equal(original.GetWitnessTxId(), withWitness.GetWitnessTxId());
                Assert.Equal(original.HasWitness, withWitness.HasWitness);
                Assert.False(withoutWitness.HasWitness);
                Assert.Equal(original.GetTxId(), withoutWitness.GetTxId());
                Assert.Equal(original.GetTxId(), withoutWitness.GetWitnessTxId());
                Assert.Equal(original.GetStrippedSize(), bare.Payload.Length);
                checkedTransactions++;
            }

            // Every byte the peer wrote was read back as whole frames.
            await remote.SentinelAsync();
            Assert.Equal(remote.Peer.GetStats().BytesSent - sentBefore, remote.BytesRead - bytesBefore);
        }

        Assert.Equal(3, checkedBlocks);
        Assert.True(checkedTransactions > 3000, $"only {checkedTransactions} transactions checked");
    }
}
