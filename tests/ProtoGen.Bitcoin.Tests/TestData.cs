namespace ProtoGen.Bitcoin.Tests;

/// <summary>Reads the data files copied next to the test assembly from tests/data.</summary>
internal static class TestData
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public const string Block413567 = "block413567.raw";
    public const string Block413567Hash = "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069";
    public const string SegwitBlock1Hash = "0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2";
    public const string SegwitBlock2Hash = "00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab";

    public static string SegwitBlockFile(string hash) => "block-" + hash + ".raw";
}
