using System;

namespace ProtoGen.Cli.Data;

/// <summary>
/// Mainnet blocks 1 to 255 (tests/data/blocks1-255.blk) compiled into the binary as a constant (see
/// scripts/embed-shipped-blocks.sh): no manifest resources, no reflection, nothing to ship beside the executable.
/// </summary>
internal static partial class ShippedBlocks
{
    private static byte[]? s_bytes;

    /// <summary>The name shown for this input.</summary>
    public const string SourceName = "<shipped mainnet blocks 1-255>";

    /// <summary>The blk file's bytes, decoded from base64 on first use.</summary>
    public static ReadOnlyMemory<byte> Bytes => s_bytes ??= Decode();

    private static byte[] Decode()
    {
        var bytes = Convert.FromBase64String(Base64);
        if (bytes.Length != Length)
        {
            throw new InvalidOperationException($"the shipped blocks decode to {bytes.Length} bytes, expected {Length}");
        }

        return bytes;
    }
}
