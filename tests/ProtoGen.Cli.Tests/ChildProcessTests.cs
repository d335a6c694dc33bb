namespace ProtoGen.Cli.Tests;

/// <summary>The real executable, started as a child process with `dotnet protogen.dll`.</summary>
public class ChildProcessTests
{
    [Fact]
    public void Default_job_syncs_the_shipped_blocks_over_loopback_and_exits_0()
    {
        var result = ChildProcess.Run(null);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains("blocks     255/255 (100%), 56,691 bytes", result.OutLines);
        Assert.Contains($"tip        {TestData.TipHash} (height 255)", result.OutLines);
        Assert.StartsWith("demo ok: 255 blocks synced and verified over loopback in ", result.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_without_a_file_reads_standard_input_redirected_from_a_file()
    {
        // protogen decode < block413567.raw: the block, not the shipped blocks.
        var result = ChildProcess.RunWithInputFile(TestData.PathOf(TestData.Block413567), "decode");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal("<stdin>: block, 999887 bytes", result.OutLines[0]);
        Assert.Contains("  hash                " + TestData.Block413567Hash, result.OutLines);
    }

    [Fact]
    public void Decode_without_a_file_reads_a_pipe()
    {
        // cat blocks1-255.blk | protogen decode
        var result = ChildProcess.Run(TestData.Read(TestData.Blocks1To255), "decode");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("<stdin>: blk file, 255 blocks", result.OutLines[0], StringComparison.Ordinal);
        Assert.Equal(255, result.OutLines.Count(line => line.StartsWith('#')));
        Assert.Equal(TestData.ShippedTotalLine, result.OutLines[^1]);
    }

    [Fact]
    public void Decode_without_a_file_and_an_empty_redirected_input_exits_4_instead_of_decoding_the_shipped_blocks()
    {
        ChildProcess.Run([], "decode").AssertFailure(4, "<stdin>: input is empty (with no FILE, decode reads standard input when it is not a terminal)");
    }

    [Fact]
    public void Unknown_option_before_any_command_is_protogens_not_the_demos()
    {
        var result = ChildProcess.Run(null, "--badflag");

        result.AssertFailure(2, "protogen: unknown option '--badflag' (protogen's own options are --help, --version and --log-level;");
        Assert.DoesNotContain("demo:", result.Error, StringComparison.Ordinal);
        Assert.Contains("commands: demo, listen, connect, decode, messages", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("(see 'protogen --help')\n", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_reads_standard_input_for_a_dash()
    {
        var result = ChildProcess.Run(TestData.Read(TestData.MegaTx), "decode", "-", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal(TestData.MegaTxId, json.RootElement.GetProperty("transaction").GetProperty("txid").GetString());
    }

    [Fact]
    public void Missing_file_exits_3_with_one_line_and_no_stack_trace()
    {
        ChildProcess.Run(null, "decode", "/no/such/protogen/input.blk").AssertFailure(3, "no such file");
    }

    [Fact]
    public void Truncated_input_on_standard_input_exits_4()
    {
        var block = TestData.Read(TestData.Block413567);

        ChildProcess.Run(block[..(block.Length / 2)], "decode", "-").AssertFailure(4, "<stdin>: not a blk file");
    }

    [Fact]
    public void Bad_argument_exits_2()
    {
        ChildProcess.Run(null, "decode", "--bogus").AssertFailure(2, "unknown option '--bogus'");
    }
}
