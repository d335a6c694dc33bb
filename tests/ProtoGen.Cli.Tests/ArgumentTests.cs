namespace ProtoGen.Cli.Tests;

public class ArgumentTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate' (commands: demo, listen, connect, decode, messages) (see 'protogen --help')")]
    [InlineData(new[] { "--frobnicate" }, "protogen: unknown option '--frobnicate' (protogen's own options are --help, --version and --log-level; a command's options go after it, as in 'protogen COMMAND --frobnicate'; commands: demo, listen, connect, decode, messages) (see 'protogen --help')")]
    [InlineData(new[] { "--json", "decode" }, "protogen: unknown option '--json' (protogen's own options")]
    [InlineData(new[] { "--log-level", "debug", "decode" }, "protogen: unexpected argument 'decode' (the command goes first, as in 'protogen decode OPTIONS'; commands: demo, listen, connect, decode, messages) (see 'protogen --help')")]
    [InlineData(new[] { "--log-level" }, "protogen: option '--log-level' needs a value (LEVEL) (see 'protogen --help')")]
    [InlineData(new[] { "--log-level", "loud" }, "protogen: unknown log level 'loud'")]
    [InlineData(new[] { "demo", "--frobnicate" }, "protogen: demo: unknown option '--frobnicate' (see 'protogen demo --help')")]
    [InlineData(new[] { "decode", "--frobnicate" }, "decode: unknown option '--frobnicate' (see 'protogen decode --help')")]
    [InlineData(new[] { "decode", "-x" }, "decode: unknown option '-x'")]
    [InlineData(new[] { "decode", "a", "b" }, "decode: unexpected argument 'b'")]
    [InlineData(new[] { "decode", "--network" }, "decode: option '--network' needs a value (NAME)")]
    [InlineData(new[] { "decode", "--network", "moonnet" }, "decode: unknown network 'moonnet'")]
    [InlineData(new[] { "decode", "--json=yes" }, "decode: option '--json' takes no value")]
    [InlineData(new[] { "messages", "extra" }, "messages: unexpected argument 'extra'")]
    [InlineData(new[] { "--version", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "help", "frobnicate" }, "unknown command 'frobnicate'")]
    public void Bad_arguments_exit_2_with_one_line(string[] args, string expected)
    {
        Cli.Run(args).AssertFailure(2, expected);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Main_help_lists_the_commands_and_exit_codes(string flag)
    {
        var result = Cli.Run(flag);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains("Usage: protogen [COMMAND]", result.Out, StringComparison.Ordinal);
        Assert.Contains("  decode    ", result.Out, StringComparison.Ordinal);
        Assert.Contains("  messages  ", result.Out, StringComparison.Ordinal);
        Assert.Contains("  demo      ", result.Out, StringComparison.Ordinal);
        Assert.Contains("  listen    ", result.Out, StringComparison.Ordinal);
        Assert.Contains("  connect   ", result.Out, StringComparison.Ordinal);
        Assert.Contains("--log-level", result.Out, StringComparison.Ordinal);
        Assert.Contains("2 bad arguments", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decode", "--json")]
    [InlineData("messages", "--json")]
    public void Every_command_has_help(string command, string option)
    {
        foreach (var args in new[] { new[] { command, "--help" }, new[] { command, "-h" }, new[] { "help", command }, new[] { command, option, "-h" } })
        {
            var result = Cli.Run(args);
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith($"Usage: protogen {command} [OPTIONS]", result.Out, StringComparison.Ordinal);
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
            Assert.Contains("-h, --help", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_wins_over_other_arguments_and_reads_nothing()
    {
        var result = Cli.Run("decode", "/no/such/file", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("'-' reads standard input", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_build_version()
    {
        var result = Cli.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("protogen 0.1.0\n", result.Out);
    }

    [Fact]
    public void Double_dash_ends_options()
    {
        var result = Cli.Run("decode", "--", "--json");

        result.AssertFailure(3, "cannot read '--json': no such file");
    }
}
