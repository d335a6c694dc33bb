using System;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Decoding;

/// <summary>
/// Recognises the two common wrappings of Bitcoin data that are not the data itself: hex text (<c>getblock HASH 0</c>,
/// <c>getrawtransaction TXID</c>, a copy from an explorer), which is turned into bytes, and compressed files, which
/// are named so the user can decompress them first.
/// </summary>
internal static class InputEncoding
{
    // Leading bytes of the compressed formats users meet (RFC 1952, bzip2, xz, zstd RFC 8878, zip local header).
    private static readonly (byte[] Signature, string What, string Advice)[] s_compressed =
    [
        ([0x1f, 0x8b], "gzip-compressed", "decompress it first (gunzip it, or pipe it: zcat FILE | protogen decode)"),
        ([(byte)'B', (byte)'Z', (byte)'h'], "bzip2-compressed", "decompress it first (bunzip2 it, or pipe it: bzcat FILE | protogen decode)"),
        ([0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00], "xz-compressed", "decompress it first (unxz it, or pipe it: xzcat FILE | protogen decode)"),
        ([0x28, 0xb5, 0x2f, 0xfd], "zstd-compressed", "decompress it first (unzstd it, or pipe it: zstdcat FILE | protogen decode)"),
        ([(byte)'P', (byte)'K', 0x03, 0x04], "a zip archive", "extract it first (unzip FILE)"),
    ];

    /// <summary>
    /// Whether <paramref name="data"/> is hex text: only hex digits (either case) and whitespace, with at least one
    /// digit. Binary Bitcoin data never is (a blk file or a frame starts with a non-ASCII magic; a block or transaction
    /// has zero bytes in its first few fields).
    /// </summary>
    /// <param name="data">The input.</param>
    public static bool IsHexText(ReadOnlySpan<byte> data)
    {
        bool anyDigit = false;
        foreach (byte b in data)
        {
            if (Nibble(b) >= 0)
            {
                anyDigit = true;
            }
            else if (!IsWhiteSpace(b))
            {
                return false;
            }
        }

        return anyDigit;
    }

    /// <summary>The bytes of hex text (whitespace anywhere between digit pairs is skipped).</summary>
    /// <param name="text">Input for which <see cref="IsHexText"/> holds.</param>
    /// <param name="source">The input's name, for the error message.</param>
    /// <exception cref="CliException">The text has an odd number of digits, or whitespace inside a digit pair (exit code 4).</exception>
    public static byte[] ParseHex(ReadOnlySpan<byte> text, string source)
    {
        int digits = 0;
        foreach (byte b in text)
        {
            if (Nibble(b) >= 0)
            {
                digits++;
            }
        }

        if (digits % 2 != 0)
        {
            throw CliException.Malformed($"{source}: input looks like hex text but has an odd number of hex digits ({digits})");
        }

        var bytes = new byte[digits / 2];
        int written = 0;
        int high = -1;
        foreach (byte b in text)
        {
            int nibble = Nibble(b);
            if (nibble < 0)
            {
                if (high >= 0)
                {
                    throw CliException.Malformed($"{source}: input looks like hex text but has whitespace inside the byte at digit {(2 * written) + 1}");
                }

                continue;
            }

            if (high < 0)
            {
                high = nibble;
            }
            else
            {
                bytes[written++] = (byte)((high << 4) | nibble);
                high = -1;
            }
        }

        return bytes;
    }

    /// <summary>
    /// What to tell a user whose input starts like a compressed file (for example <c>input is bzip2-compressed:
    /// decompress it first (...)</c>), or null. Asked only after the input failed to decode as Bitcoin data, so binary
    /// data that happens to start with such bytes is never refused.
    /// </summary>
    /// <param name="data">The input.</param>
    public static string? DescribeCompression(ReadOnlySpan<byte> data)
    {
        foreach (var (signature, what, advice) in s_compressed)
        {
            if (data.StartsWith(signature))
            {
                return $"input is {what}: {advice}";
            }
        }

        return null;
    }

    private static int Nibble(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
