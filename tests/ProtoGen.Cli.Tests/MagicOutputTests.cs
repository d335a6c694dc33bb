using System.Text.Json;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Cli.Tests;

/// <summary>A network magic prints the same way (its wire bytes, BitcoinNetwork.MagicHex) in every CLI output.</summary>
public class MagicOutputTests
{
    [Fact]
    public void Decode_text_json_and_errors_print_the_magic_as_BitcoinNetwork_does()
    {
        var testnet = BitcoinNetwork.Testnet3;
        using var file = new TempFile(Frame.ToArray(testnet.Magic, new VerAckMessage()));

        var text = Cli.Run("decode", file.Path);
        var json = Cli.Run("decode", file.Path, "--json");
        var wrongNetwork = Cli.Run("decode", file.Path, "--network", "regtest");

        Assert.Contains($", testnet3 magic {testnet.MagicHex}, ", text.OutLines[0], StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(testnet.MagicHex, document.RootElement.GetProperty("magic").GetString());
        wrongNetwork.AssertFailure(4, $"starts with the testnet3 magic {testnet.MagicHex}, not the regtest magic {BitcoinNetwork.Regtest.MagicHex}");
    }

    [Fact]
    public void A_blk_file_of_another_network_is_refused_with_both_magics_as_BitcoinNetwork_prints_them()
    {
        var result = Cli.Run("listen", "--network", "regtest", "--port", "0", "--blocks", TestData.PathOf(TestData.Blocks1To255));

        result.AssertFailure(4, $"magic {BitcoinNetwork.Mainnet.MagicHex}, expected {BitcoinNetwork.Regtest.MagicHex}");
    }

    [Fact]
    public async Task A_peer_of_the_wrong_network_is_logged_with_the_magics_in_wire_order()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest", "--log-level", "info");
        int port = await listen.WaitForListeningPortAsync();

        // Over v1: a v2 key is salted with the magic and carries no network a listener could name (Bitcoin Core alike).
        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "mainnet", "--timeout", "30", "--v2", "off"));

        Assert.Equal(5, result.ExitCode);
        var line = await listen.Error.WaitForLineAsync(l => l.Contains(" disconnected: ", StringComparison.Ordinal));
        Assert.Contains($"wrong network: the remote speaks mainnet (magic {BitcoinNetwork.Mainnet.MagicHex}), we speak regtest (magic {BitcoinNetwork.Regtest.MagicHex})", line, StringComparison.Ordinal);
        Assert.Equal(0, await listen.StopAsync());
    }
}
