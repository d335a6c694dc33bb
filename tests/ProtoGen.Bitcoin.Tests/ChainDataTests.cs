namespace ProtoGen.Bitcoin.Tests;

public class ChainDataTests
{
    [Fact]
    public void Blocks_1_to_255_from_blk_file_chain_from_genesis()
    {
        var blocks = BlockFile.Split(TestData.Read("blocks1-255.blk"), BitcoinNetwork.Mainnet.Magic);
        Assert.Equal(255, blocks.Count);
        var previous = BitcoinNetwork.Mainnet.GenesisHash;
        foreach (var bytes in blocks)
        {
            var block = WireSerializer.Decode<Block>(bytes);
            Assert.Equal(previous, block.Header.PreviousBlock);
            Assert.True(block.Header.CheckProofOfWork());
            Assert.True(block.CheckMerkleRoot());
            previous = block.GetHash();
        }

        Assert.Equal("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c", previous.ToString());
    }

    [Theory]
    [InlineData("mainnet", "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")]
    [InlineData("testnet3", "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943")]
    [InlineData("testnet4", "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043")]
    [InlineData("signet", "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6")]
    [InlineData("regtest", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")]
    public void Genesis_hashes_match_the_known_values(string name, string hash)
    {
        Assert.True(BitcoinNetwork.TryGet(name, out var network));
        Assert.Equal(hash, network.GenesisHash.ToString());
        Assert.True(network.GenesisHeader.CheckProofOfWork());
        if (network.GenesisBlock is { } genesis)
        {
            Assert.True(genesis.CheckMerkleRoot());
            Assert.Equal(hash, genesis.GetHash().ToString());
        }
    }
}
