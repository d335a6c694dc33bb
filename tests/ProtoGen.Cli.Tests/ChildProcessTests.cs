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
    public void Decode_without_a_file_prints_255_blocks_and_the_total()
    {
        var result = ChildProcess.Run(null, "decode");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(255, result.OutLines.Count(line => line.StartsWith('#')));
        Assert.Equal(TestData.ShippedTotalLine, result.OutLines[^1]);
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
