using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>The real blocks in tests/data.</summary>
internal static class BlockData
{
    public const string Block413567 = "block413567.raw";
    public const string Segwit1 = "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.raw";
    public const string Segwit2 = "block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.raw";

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", name));

    public static Block Load(string name) => WireSerializer.Decode<Block>(Read(name).AsMemory());
}
