namespace ProtoGen.Bitcoin.Tests;

public class RealBlockTests
{
    [Theory]
    [InlineData(TestData.Block413567, TestData.Block413567Hash, false)]
    [InlineData("block-" + TestData.SegwitBlock1Hash + ".raw", TestData.SegwitBlock1Hash, true)]
    [InlineData("block-" + TestData.SegwitBlock2Hash + ".raw", TestData.SegwitBlock2Hash, true)]
    public void Mainnet_block_decodes_reencodes_and_checks_out(string file, string hash, bool segwit)
    {
        var bytes = TestData.Read(file);
        var block = WireSerializer.Decode<Block>(bytes.AsMemory());
        Assert.Equal(hash, block.GetHash().ToString());
        Assert.True(block.Header.CheckProofOfWork());
        Assert.True(block.CheckMerkleRoot());
        Assert.Equal(segwit, block.HasWitnessCommitment);
        Assert.True(block.CheckWitnessCommitment());
        Assert.Equal(bytes, WireSerializer.Encode(block));

        // Decoded from a span (no retained slices): txids come from re-encoding, and must agree.
        var copy = WireSerializer.Decode<Block>(bytes.AsSpan());
        Assert.Equal(block, copy);
        Assert.True(copy.CheckMerkleRoot());
        Assert.True(copy.CheckWitnessCommitment());
        Assert.Equal(bytes, WireSerializer.Encode(copy));
    }
}
