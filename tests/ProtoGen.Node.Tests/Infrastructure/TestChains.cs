using ProtoGen.Bitcoin;

namespace ProtoGen.Node.Tests.Infrastructure;

/// <summary>Chains built from the repository's test data.</summary>
internal static class TestChains
{
    public const string Tip255 = "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c";

    /// <summary>Mainnet blocks 1-255 (tests/data/blocks1-255.blk) after genesis.</summary>
    public static ChainStore Mainnet255() =>
        ChainStore.FromBlockFile(BitcoinNetwork.Mainnet, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk")));
}
