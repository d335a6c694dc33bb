using System.Text.Json;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Cli.Tests;

public class DecodeTests
{
    [Theory]
    [InlineData(TestData.Block413567, TestData.Block413567Hash, 1557, 999887, 999887, 3999548, "none")]
    [InlineData("block-" + TestData.SegwitBlock1Hash + ".raw", TestData.SegwitBlock1Hash, 3315, 1245250, 915952, 3993106, "ok")]
    [InlineData("block-" + TestData.SegwitBlock2Hash + ".raw", TestData.SegwitBlock2Hash, 230, 2259447, 577962, 3993333, "ok")]
    public void Raw_block_shows_hash_counts_sizes_and_checks(string file, string hash, int transactions, int size, int stripped, int weight, string witness)
    {
        var result = Cli.Run("decode", TestData.PathOf(file));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var fields = Fields(result);
        Assert.Equal(TestData.PathOf(file) + ": block, " + size + " bytes", result.OutLines[0]);
        Assert.Equal(hash, fields["hash"]);
        Assert.Equal(transactions.ToString(), fields["transactions"]);
        Assert.Equal(size.ToString(), fields["size"]);
        Assert.Equal(stripped.ToString(), fields["stripped size"]);
        Assert.Equal(weight.ToString(), fields["weight"]);
        Assert.EndsWith(" ok", fields["merkle root"], StringComparison.Ordinal);
        Assert.Equal("ok", fields["proof of work"]);
        Assert.Equal(witness, fields["witness commitment"]);
    }

    [Fact]
    public void Raw_transaction_shows_txid_wtxid_sizes_and_counts()
    {
        var result = Cli.Run("decode", TestData.PathOf(TestData.MegaTx));

        Assert.Equal(0, result.ExitCode);
        var fields = Fields(result);
        Assert.Equal(TestData.PathOf(TestData.MegaTx) + ": transaction, 999657 bytes", result.OutLines[0]);
        Assert.Equal(TestData.MegaTxId, fields["txid"]);
        Assert.Equal(TestData.MegaTxId, fields["wtxid"]);
        Assert.Equal("999657", fields["size"]);
        Assert.Equal("999657", fields["vsize"]);
        Assert.Equal("3998628", fields["weight"]);
        Assert.Equal("5569", fields["inputs"]);
        Assert.Equal("1", fields["outputs"]);
        Assert.Equal("0.05569000 BTC", fields["output value"]);
        Assert.Equal("no", fields["segwit"]);
    }

    [Fact]
    public void Txs_option_lists_every_transaction()
    {
        var result = Cli.Run("decode", "--txs", TestData.PathOf(TestData.Blocks1To255));

        Assert.Equal(0, result.ExitCode);
        var txLines = result.OutLines.Where(line => line.StartsWith("    tx ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(262, txLines.Length);
        Assert.Equal(255, txLines.Count(line => line.EndsWith("coinbase", StringComparison.Ordinal)));
    }

    [Fact]
    public void Json_for_a_segwit_block_has_the_expected_fields()
    {
        var result = Cli.Run("decode", "--json", TestData.PathOf(TestData.SegwitBlockFile(TestData.SegwitBlock1Hash)));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("block", root.GetProperty("kind").GetString());
        Assert.Equal(1245250, root.GetProperty("inputBytes").GetInt64());
        Assert.False(root.TryGetProperty("network", out _));
        var block = Assert.Single(root.GetProperty("blocks").EnumerateArray().ToArray());
        Assert.Equal(TestData.SegwitBlock1Hash, block.GetProperty("hash").GetString());
        Assert.Equal(3315, block.GetProperty("transactionCount").GetInt32());
        Assert.Equal(1245250, block.GetProperty("size").GetInt32());
        Assert.Equal(915952, block.GetProperty("strippedSize").GetInt32());
        Assert.Equal(3993106, block.GetProperty("weight").GetInt32());
        Assert.True(block.GetProperty("merkleRootValid").GetBoolean());
        Assert.True(block.GetProperty("proofOfWorkValid").GetBoolean());
        Assert.Equal("valid", block.GetProperty("witnessCommitment").GetString());
        Assert.False(block.TryGetProperty("transactions", out _));
    }

    [Fact]
    public void Json_for_the_blk_file_has_every_block_and_the_total()
    {
        var result = Cli.Run("decode", "--json", TestData.PathOf(TestData.Blocks1To255));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("blk-file", root.GetProperty("kind").GetString());
        Assert.Equal("mainnet", root.GetProperty("network").GetString());
        Assert.Equal("f9beb4d9", root.GetProperty("magic").GetString());
        var blocks = root.GetProperty("blocks").EnumerateArray().ToArray();
        Assert.Equal(255, blocks.Length);
        Assert.Equal(TestData.Block1Hash, blocks[0].GetProperty("hash").GetString());
        Assert.Equal(BitcoinNetwork.Mainnet.GenesisHash.ToString(), blocks[0].GetProperty("previousBlock").GetString());
        for (int i = 1; i < blocks.Length; i++)
        {
            Assert.Equal(blocks[i - 1].GetProperty("hash").GetString(), blocks[i].GetProperty("previousBlock").GetString());
        }

        var total = root.GetProperty("total");
        Assert.Equal(255, total.GetProperty("blocks").GetInt32());
        Assert.Equal(262, total.GetProperty("transactions").GetInt32());
        Assert.Equal(56691, total.GetProperty("blockBytes").GetInt32());
        Assert.True(total.GetProperty("allMerkleRootsValid").GetBoolean());
        Assert.Equal(TestData.TipHash, total.GetProperty("tip").GetString());
    }

    [Fact]
    public void Json_for_a_transaction_has_the_expected_fields()
    {
        var result = Cli.Run("decode", TestData.PathOf(TestData.MegaTx), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var tx = json.RootElement.GetProperty("transaction");
        Assert.Equal("transaction", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(TestData.MegaTxId, tx.GetProperty("txid").GetString());
        Assert.Equal(TestData.MegaTxId, tx.GetProperty("wtxid").GetString());
        Assert.Equal(999657, tx.GetProperty("size").GetInt32());
        Assert.Equal(999657, tx.GetProperty("vsize").GetInt32());
        Assert.Equal(3998628, tx.GetProperty("weight").GetInt32());
        Assert.Equal(5569, tx.GetProperty("inputs").GetInt32());
        Assert.Equal(1, tx.GetProperty("outputs").GetInt32());
        Assert.Equal(5569000, tx.GetProperty("outputValue").GetInt64());
        Assert.False(tx.GetProperty("segwit").GetBoolean());
    }

    [Fact]
    public void Framed_block_message_is_validated_and_summarised_like_a_block()
    {
        var block = WireSerializer.Decode<Block>(TestData.Read(TestData.SegwitBlockFile(TestData.SegwitBlock2Hash)).AsMemory());
        using var file = new TempFile(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, block));

        var result = Cli.Run("decode", file.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(file.Path + ": 1 P2P message(s), mainnet magic f9beb4d9", result.OutLines[0], StringComparison.Ordinal);
        Assert.StartsWith("message 'block' at offset 0: payload 2259447 bytes, checksum ", result.OutLines[1], StringComparison.Ordinal);
        Assert.EndsWith(" ok", result.OutLines[1], StringComparison.Ordinal);
        var fields = Fields(result);
        Assert.Equal(TestData.SegwitBlock2Hash, fields["hash"]);
        Assert.Equal("230", fields["transactions"]);
        Assert.Equal("3993333", fields["weight"]);
        Assert.Equal("ok", fields["witness commitment"]);
    }

    [Fact]
    public void Several_framed_messages_on_testnet3_are_detected_and_listed_in_json()
    {
        uint magic = BitcoinNetwork.Testnet3.Magic;
        var tx = WireSerializer.Decode<Transaction>(TestData.Read(TestData.MegaTx).AsMemory());
        var hash = Hash256.Parse(TestData.Block1Hash);
        byte[] frames =
        [
            .. Frame.ToArray(magic, new VerAckMessage()),
            .. Frame.ToArray(magic, new PingMessage { Nonce = 0x0123456789abcdef }),
            .. Frame.ToArray(magic, new InvMessage { Inventory = new WireArray<InventoryVector>([new InventoryVector(InventoryType.Block, hash)]) }),
            .. Frame.ToArray(magic, tx),
        ];
        using var file = new TempFile(frames);

        var result = Cli.Run("decode", "--json", file.Path);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("messages", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("testnet3", json.RootElement.GetProperty("network").GetString());
        var messages = json.RootElement.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["verack", "ping", "inv", "tx"], messages.Select(m => m.GetProperty("command").GetString()));
        Assert.Equal([0, 8, 37, 999657], messages.Select(m => m.GetProperty("payloadSize").GetInt32()));
        Assert.Equal(24 + 24 + 8 + 24 + 37, messages[3].GetProperty("offset").GetInt32());
        Assert.Contains("0123456789abcdef", messages[1].GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(TestData.Block1Hash, messages[2].GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("InvMessage", messages[2].GetProperty("type").GetString());
        Assert.Equal(TestData.MegaTxId, messages[3].GetProperty("transaction").GetProperty("txid").GetString());
    }

    [Fact]
    public void Version_message_summary_shows_its_fields()
    {
        var version = new VersionMessage
        {
            Version = 70016,
            Services = ServiceFlags.Network | ServiceFlags.Witness,
            Timestamp = 1_700_000_000,
            ReceiverAddress = NetworkAddress.Unspecified,
            SenderAddress = NetworkAddress.Unspecified,
            Nonce = 7,
            UserAgent = "/ProtoGen:0.1.0/",
            StartHeight = 255,
            Relay = true,
        };
        using var file = new TempFile(Frame.ToArray(BitcoinNetwork.Regtest.Magic, version));

        var result = Cli.Run("decode", "--network", "regtest", file.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("regtest magic fabfb5da", result.OutLines[0], StringComparison.Ordinal);
        Assert.Contains("version 70016", result.OutLines[2], StringComparison.Ordinal);
        Assert.Contains("user agent \"/ProtoGen:0.1.0/\"", result.OutLines[2], StringComparison.Ordinal);
        Assert.Contains("start height 255", result.OutLines[2], StringComparison.Ordinal);

        var json = Cli.Run("decode", "--json", file.Path);
        Assert.Contains("user agent \\\"/ProtoGen:0.1.0/\\\"", json.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        var summary = document.RootElement.GetProperty("messages")[0].GetProperty("summary").GetString();
        Assert.Contains("services 0x9 (Network, Witness)", summary, StringComparison.Ordinal);
        Assert.Contains("user agent \"/ProtoGen:0.1.0/\"", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_without_a_dedicated_summary_show_their_fields()
    {
        var stop = Hash256.Parse(TestData.TipHash);
        using var file = new TempFile(Frame.ToArray(BitcoinNetwork.Signet.Magic, new GetCFiltersMessage { FilterType = 0, StartHeight = 1, StopHash = stop }));

        var result = Cli.Run("decode", file.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("message 'getcfilters' at offset 0: payload 37 bytes, checksum " + result.OutLines[1][^11..], result.OutLines[1]);
        Assert.Equal("  FilterType = 0, StartHeight = 1, StopHash = " + TestData.TipHash, result.OutLines[2]);
    }

    [Fact]
    public void Json_with_txs_lists_each_blocks_transactions()
    {
        var result = Cli.Run("decode", "--json", "--txs", TestData.PathOf(TestData.Blocks1To255));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToArray();
        Assert.Equal(262, blocks.Sum(b => b.GetProperty("transactions").GetArrayLength()));
        var block170 = blocks[169].GetProperty("transactions");
        Assert.Equal(2, block170.GetArrayLength());
        Assert.True(block170[0].GetProperty("coinbase").GetBoolean());
        Assert.False(block170[1].GetProperty("coinbase").GetBoolean());
        Assert.Equal(1, block170[1].GetProperty("inputs").GetInt32());
        Assert.Equal(2, block170[1].GetProperty("outputs").GetInt32());
    }

    [Fact]
    public void Unknown_command_is_reported_without_decoding()
    {
        var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, new VerAckMessage());
        MessageCommand.Parse("futurecmd").WriteTo(frame.AsSpan(4));
        using var file = new TempFile(frame);

        var result = Cli.Run("decode", file.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("message 'futurecmd' at offset 0: payload 0 bytes", result.Out, StringComparison.Ordinal);
        Assert.Contains("unknown command", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_input_is_read_for_a_dash()
    {
        var result = Cli.RunWithInput(TestData.Read(TestData.Block413567), "decode", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("<stdin>: block, 999887 bytes", result.OutLines[0]);
        Assert.Equal(TestData.Block413567Hash, Fields(result)["hash"]);
    }

    [Fact]
    public void Options_may_follow_the_file_and_take_inline_values()
    {
        var result = Cli.Run("decode", TestData.PathOf(TestData.Blocks1To255), "--network=mainnet", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(255, json.RootElement.GetProperty("total").GetProperty("blocks").GetInt32());
    }

    /// <summary>The "label   value" lines of a text report, by label.</summary>
    private static Dictionary<string, string> Fields(RunResult result)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in result.OutLines)
        {
            if (line.StartsWith("  ", StringComparison.Ordinal) && line.Length > 22 && !line.StartsWith("    ", StringComparison.Ordinal))
            {
                fields[line.Substring(2, 20).TrimEnd()] = line.Substring(22);
            }
        }

        return fields;
    }
}
