using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace ProtoGen.Cli.Tests;

/// <summary>
/// Where <c>decode</c> reads from (a redirected standard input when no FILE is named) and what it makes of input that
/// is not binary Bitcoin data: hex text is decoded, compressed files are named.
/// </summary>
public class DecodeInputTests
{
    [Fact]
    public void Without_a_file_a_redirected_standard_input_is_decoded_not_the_shipped_blocks()
    {
        var result = Cli.RunWithRedirectedInput(TestData.Read(TestData.Block413567), "decode");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("<stdin>: block, 999887 bytes", result.OutLines[0]);
        Assert.Contains("  hash                " + TestData.Block413567Hash, result.OutLines);
    }

    [Fact]
    public void Without_a_file_a_terminal_standard_input_is_not_read_and_the_shipped_blocks_are_decoded()
    {
        // The terminal case: the input below must never be read.
        var result = Cli.RunWithInput(TestData.Read(TestData.Block413567), "decode");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("<shipped mainnet blocks 1-255>: blk file, 255 blocks", result.OutLines[0], StringComparison.Ordinal);
        Assert.Equal(TestData.ShippedTotalLine, result.OutLines[^1]);
    }

    [Fact]
    public void Without_a_file_an_empty_redirected_standard_input_exits_4()
    {
        Cli.RunWithRedirectedInput([], "decode").AssertFailure(4, "<stdin>: input is empty (with no FILE, decode reads standard input when it is not a terminal)");
    }

    [Fact]
    public void A_file_named_wins_over_a_redirected_standard_input()
    {
        var result = Cli.RunWithRedirectedInput(TestData.Read(TestData.Block413567), "decode", TestData.PathOf(TestData.MegaTx));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TestData.PathOf(TestData.MegaTx) + ": transaction, 999657 bytes", result.OutLines[0]);
    }

    [Theory]
    [InlineData("blocks1-255.blk.bz2", "input is bzip2-compressed: decompress it first (bunzip2 it, or pipe it: bzcat FILE | protogen decode)")]
    [InlineData("blocks1-255.blk.gz", "input is gzip-compressed: decompress it first (gunzip it, or pipe it: zcat FILE | protogen decode)")]
    [InlineData("blocks1-255.blk.xz", "input is xz-compressed: decompress it first (unxz it, or pipe it: xzcat FILE | protogen decode)")]
    [InlineData("blocks1-255.blk.zst", "input is zstd-compressed: decompress it first (unzstd it, or pipe it: zstdcat FILE | protogen decode)")]
    public void Compressed_input_is_named_instead_of_the_two_parser_error(string file, string expected)
    {
        var path = TestData.PathOf(file);

        var result = Cli.Run("decode", path);

        result.AssertFailure(4, $"protogen: {path}: {expected}");
        Assert.DoesNotContain("as a block", result.Error, StringComparison.Ordinal);
        Cli.RunWithInput(TestData.Read(file), "decode", "-").AssertFailure(4, $"protogen: <stdin>: {expected}");
    }

    [Fact]
    public void A_zip_archive_is_named()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry(TestData.Block413567).Open();
            entry.Write(TestData.Read(TestData.Block413567));
        }

        Cli.RunWithInput(zip.ToArray(), "decode", "-").AssertFailure(4, "<stdin>: input is a zip archive: extract it first (unzip FILE)");
    }

    [Fact]
    public void Hex_text_of_a_block_is_decoded_like_the_block()
    {
        var block = TestData.Read(TestData.Block413567);
        // As 'bitcoin-cli getblock HASH 0' prints it: lowercase, one line, a newline at the end.
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(block) + "\n");

        var fromHex = Cli.RunWithInput(hex, "decode", "-");
        var fromBytes = Cli.RunWithInput(block, "decode", "-");

        Assert.Equal(0, fromHex.ExitCode);
        Assert.Equal("<stdin>: block, 999887 bytes from hex text", fromHex.OutLines[0]);
        Assert.Equal(fromBytes.OutLines.Skip(1), fromHex.OutLines.Skip(1));
    }

    [Fact]
    public void Hex_text_in_upper_case_wrapped_over_lines_is_decoded_and_json_says_so()
    {
        var hex = Convert.ToHexString(TestData.Read(TestData.MegaTx));
        var wrapped = new StringBuilder();
        for (int i = 0; i < hex.Length; i += 64)
        {
            wrapped.Append(hex.AsSpan(i, Math.Min(64, hex.Length - i))).Append("\r\n");
        }

        using var file = new TempFile(Encoding.ASCII.GetBytes(wrapped.ToString()));
        var result = Cli.Run("decode", file.Path, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("hex", json.RootElement.GetProperty("inputEncoding").GetString());
        Assert.Equal(999657, json.RootElement.GetProperty("inputBytes").GetInt32());
        Assert.Equal(TestData.MegaTxId, json.RootElement.GetProperty("transaction").GetProperty("txid").GetString());
    }

    [Fact]
    public void Binary_input_is_reported_as_binary_in_json()
    {
        var result = Cli.Run("decode", TestData.PathOf(TestData.MegaTx), "--json");

        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("binary", json.RootElement.GetProperty("inputEncoding").GetString());
    }

    [Fact]
    public void Hex_text_with_an_odd_number_of_digits_exits_4()
    {
        Cli.RunWithInput("0100000\n"u8.ToArray(), "decode", "-").AssertFailure(4, "<stdin>: input looks like hex text but has an odd number of hex digits (7)");
    }

    [Fact]
    public void Hex_text_that_spells_no_bitcoin_data_says_it_was_hex()
    {
        Cli.RunWithInput("deadbeef\n"u8.ToArray(), "decode", "-").AssertFailure(4, "<stdin> (hex text): not a blk file, P2P message, block or transaction (4 bytes;");
    }

    [Fact]
    public void Hex_text_of_a_framed_message_is_decoded_as_messages()
    {
        var frame = Encoding.ASCII.GetBytes("f9beb4d9 70696e67 00000000 00000000 08000000 " + Checksum(new byte[8]) + " 0000000000000000");

        var result = Cli.RunWithInput(frame, "decode", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("<stdin>: 1 P2P message(s), mainnet magic f9beb4d9, 32 bytes from hex text", result.OutLines[0]);
    }

    private static string Checksum(byte[] payload) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Security.Cryptography.SHA256.HashData(payload)).AsSpan(0, 4));
}
