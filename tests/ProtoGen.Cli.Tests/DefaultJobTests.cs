using System.Security.Cryptography;
using ProtoGen.Cli.Data;

namespace ProtoGen.Cli.Tests;

/// <summary><c>protogen decode</c> without a file: the shipped blocks (the default job before the sync demo).</summary>
public class DefaultJobTests
{
    [Fact]
    public void Decode_without_a_file_lists_the_255_shipped_blocks_and_ends_with_the_total_and_tip()
    {
        var result = Cli.Run("decode");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var lines = result.OutLines;
        var blockLines = lines.Where(line => line.StartsWith('#')).ToArray();
        Assert.Equal(255, blockLines.Length);
        Assert.StartsWith("#1    " + TestData.Block1Hash + "  txs 1  size 215  weight 860  merkle root ok", blockLines[0], StringComparison.Ordinal);
        Assert.StartsWith("#170  " + TestData.Block170Hash + "  txs 2  size 490", blockLines[169], StringComparison.Ordinal);
        Assert.Contains(TestData.TipHash, blockLines[254], StringComparison.Ordinal);
        Assert.All(blockLines, line => Assert.EndsWith("merkle root ok", line, StringComparison.Ordinal));
        Assert.Equal(TestData.ShippedTotalLine, lines[^1]);
    }

    [Fact]
    public void Decode_without_a_file_starts_with_the_shipped_source_line()
    {
        Assert.Equal("<shipped mainnet blocks 1-255>: blk file, 255 blocks, mainnet magic f9beb4d9, 58731 bytes", Cli.Run("decode").OutLines[0]);
    }

    [Fact]
    public void Decode_of_the_blk_file_in_tests_data_matches_the_shipped_blocks_apart_from_the_source_name()
    {
        var fromFile = Cli.Run("decode", TestData.PathOf(TestData.Blocks1To255));
        var shipped = Cli.Run("decode");

        Assert.Equal(0, fromFile.ExitCode);
        Assert.Equal(shipped.OutLines.Skip(1), fromFile.OutLines.Skip(1));
        Assert.StartsWith(TestData.PathOf(TestData.Blocks1To255) + ": blk file, 255 blocks, mainnet magic f9beb4d9, 58731 bytes", fromFile.OutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedded_blocks_equal_tests_data_blocks1_255_byte_for_byte()
    {
        var fromRepository = TestData.Read(TestData.Blocks1To255);

        Assert.Equal(58_731, fromRepository.Length);
        Assert.Equal(ShippedBlocks.Length, fromRepository.Length);
        Assert.True(ShippedBlocks.Bytes.Span.SequenceEqual(fromRepository));
        Assert.Equal(ShippedBlocks.Sha256, Convert.ToHexStringLower(SHA256.HashData(fromRepository)));
    }
}
