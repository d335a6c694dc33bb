using System;
using System.Buffers.Binary;
using System.Text;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Names what a remote is speaking when its bytes do not start with our network's magic: another Bitcoin network
/// (mainnet, testnet, signet, regtest), or something that is not Bitcoin at all (for example an HTTP server).
/// </summary>
internal static class ForeignStart
{
    /// <summary>How many of the first bytes a description quotes at most.</summary>
    public const int BytesToDescribe = 40;

    /// <summary>Whether <paramref name="start"/> (at least 4 bytes) begins with <paramref name="expected"/>'s magic.</summary>
    /// <param name="start">The first bytes received.</param>
    /// <param name="expected">Our network.</param>
    public static bool HasMagic(ReadOnlySpan<byte> start, BitcoinNetwork expected) =>
        BinaryPrimitives.ReadUInt32LittleEndian(start) == expected.Magic;

    /// <summary>
    /// Whether <paramref name="start"/> (at least 4 bytes) is recognisably not a v2 key: another known network's magic,
    /// or text. Used only to explain a connection that already failed, never to end one (a random key can look like either).
    /// </summary>
    /// <param name="start">The first bytes received.</param>
    public static bool IsRecognisable(ReadOnlySpan<byte> start) =>
        start.Length >= sizeof(uint) && (BitcoinNetwork.FindByMagic(BinaryPrimitives.ReadUInt32LittleEndian(start)) is not null || IsText(start.Slice(0, sizeof(uint))));

    /// <summary>Describes the remote from the first bytes it sent (at least 4), which do not carry our magic.</summary>
    /// <param name="start">The first bytes received.</param>
    /// <param name="expected">Our network.</param>
    public static string Describe(ReadOnlySpan<byte> start, BitcoinNetwork expected)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(start);
        string ours = $"we speak {expected.Name} (magic {Hex(expected.Magic)})";
        if (BitcoinNetwork.FindByMagic(magic) is { } network)
        {
            return $"wrong network: the remote speaks {network.Name} (magic {Hex(magic)}), {ours}";
        }

        if (IsText(start.Slice(0, 4)))
        {
            return $"the remote is not speaking Bitcoin: it sent \"{Quote(start)}\" ({ours})";
        }

        return $"wrong network magic {Hex(magic)} (no known network), {ours}";
    }

    private static string Hex(uint magic) => BitcoinNetwork.FormatMagic(magic);

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or > 0x7e && b is not (byte)'\r' and not (byte)'\n' and not (byte)'\t')
            {
                return false;
            }
        }

        return true;
    }

    private static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes.Slice(0, Math.Min(bytes.Length, BytesToDescribe)))
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                break;
            }

            text.Append(b is >= 0x20 and <= 0x7e ? (char)b : '.');
        }

        return text.ToString();
    }
}
