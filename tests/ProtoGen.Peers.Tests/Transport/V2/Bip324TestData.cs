using System.Text;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// The BIP324 test vector files (tests/data/bip324, byte-identical copies with CRLF line endings) and helpers for
/// driving the components in tests.
/// </summary>
internal static class Bip324TestData
{
    /// <summary>Reads a vector file: one dictionary per row, keyed by the header's column names.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string name)
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "bip324", name), Encoding.ASCII);
        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        var lines = text.Split("\r\n");
        Assert.Equal(string.Empty, lines[^1]);
        var header = lines[0].Split(',');
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (string line in lines.AsSpan(1, lines.Length - 2))
        {
            var cells = line.Split(',');
            Assert.Equal(header.Length, cells.Length);
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++)
            {
                row.Add(header[i], cells[i]);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Hex to bytes.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    /// <summary>The x coordinate an ElligatorSwift encoding decodes to, through the native library.</summary>
    public static byte[] DecodeX(ReadOnlySpan<byte> ellswift)
    {
        var context = Secp256k1Context.Instance;
        Span<byte> pubkey = stackalloc byte[64];
        Span<byte> xonly = stackalloc byte[64];
        Assert.True(context.EllswiftDecode(pubkey, ellswift));
        Assert.True(context.XonlyPubkeyFromPubkey(xonly, out _, pubkey));
        var x = new byte[32];
        Assert.True(context.XonlyPubkeySerialize(x, xonly));
        return x;
    }

    /// <summary>A handshake pair with fresh keys: initiator and responder, with the given garbage.</summary>
    public static (V2Handshake Initiator, V2Handshake Responder) Pair(uint magic, byte[]? initiatorGarbage = null, byte[]? responderGarbage = null) =>
        (V2Handshake.Create(true, magic, V2KeyPair.Generate(), initiatorGarbage ?? []),
         V2Handshake.Create(false, magic, V2KeyPair.Generate(), responderGarbage ?? []));

    /// <summary>Takes everything <paramref name="from"/> has to send.</summary>
    public static byte[] TakeSend(V2Handshake from)
    {
        var bytes = from.PendingSend.ToArray();
        from.MarkSent(bytes.Length);
        return bytes;
    }

    /// <summary>Random bytes from a seeded generator (repeatable).</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
