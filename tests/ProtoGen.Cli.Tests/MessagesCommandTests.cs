using System.Text.Json;

namespace ProtoGen.Cli.Tests;

public class MessagesCommandTests
{
    private static readonly string[] s_commands =
    [
        "addr", "addrv2", "block", "blocktxn", "cfcheckpt", "cfheaders", "cfilter", "cmpctblock", "feature", "feefilter", "filteradd",
        "filterclear", "filterload", "getaddr", "getblocks", "getblocktxn", "getcfcheckpt", "getcfheaders", "getcfilters",
        "getdata", "getheaders", "headers", "inv", "mempool", "merkleblock", "notfound", "ping", "pong", "reject",
        "sendaddrv2", "sendcmpct", "sendheaders", "sendtxrcncl", "tx", "verack", "version", "wtxidrelay",
    ];

    [Fact]
    public void Text_lists_all_37_commands()
    {
        var result = Cli.Run("messages");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var lines = result.OutLines;
        Assert.Equal("37 messages in the Bitcoin message set", lines[0]);
        Assert.StartsWith("command ", lines[1], StringComparison.Ordinal);
        var rows = lines[2..];
        Assert.Equal(37, rows.Length);
        Assert.Equal(s_commands, rows.Select(row => row.Split(' ', 2)[0]));
        var inv = rows.Single(row => row.StartsWith("inv ", StringComparison.Ordinal));
        Assert.Contains("InvMessage", inv, StringComparison.Ordinal);
        Assert.Contains("50000", inv, StringComparison.Ordinal);
        var tx = rows.Single(row => row.StartsWith("tx ", StringComparison.Ordinal));
        Assert.Contains("Transaction", tx, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lists_all_37_commands_with_their_fields()
    {
        var result = Cli.Run("messages", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(37, json.RootElement.GetProperty("count").GetInt32());
        var messages = json.RootElement.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(s_commands, messages.Select(m => m.GetProperty("command").GetString()));
        var pong = messages.Single(m => m.GetProperty("command").GetString() == "pong");
        Assert.Equal("PongMessage", pong.GetProperty("type").GetString());
        Assert.Equal(60001, pong.GetProperty("minProtocolVersion").GetInt32());
        Assert.Equal(4_000_000, messages.Single(m => m.GetProperty("command").GetString() == "block").GetProperty("maxPayloadLength").GetInt32());
        Assert.All(messages, m => Assert.Equal(JsonValueKind.String, m.GetProperty("limits").ValueKind));
    }
}
