using System.Text.RegularExpressions;
using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Cli.Commands;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Tests;

/// <summary>The default job: a node and a syncing peer over loopback TCP, in-process.</summary>
public class DemoTests
{
    [Fact]
    public void No_arguments_sync_the_shipped_blocks_over_loopback_and_print_the_summary()
    {
        var result = Cli.Run();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(string.Empty, result.Error);
        var lines = result.OutLines;
        Assert.Contains(lines, line => Regex.IsMatch(line, @"^node +listening on 127\.0\.0\.1:\d+ \(mainnet, height 255, tip " + TestData.TipHash + @"\)$"));
        Assert.Contains(lines, line => line.StartsWith("remote     \"/protogen:0.1.0(demo node)/\", version 70017, services 0xc09 (Network, Witness, NetworkLimited, P2PV2), start height 255", StringComparison.Ordinal));

        // Not a terminal: plain progress lines, one per quarter of each phase.
        Assert.Contains("headers    255/255 (100%)", lines);
        Assert.Equal(["blocks     64/255 (25%)", "blocks     128/255 (50%)", "blocks     192/255 (75%)", "blocks     255/255 (100%)"], lines.Where(l => l.StartsWith("blocks ", StringComparison.Ordinal)).Select(l => l.Split(',')[0]));
        Assert.Contains(lines, line => line.StartsWith("synced     255 headers and 255 blocks, 56,691 bytes of blocks in ", StringComparison.Ordinal) && line.Contains(" MB/s", StringComparison.Ordinal));
        Assert.Matches(@"^ping +\d+\.\d+ m?s round trip$", Assert.Single(lines, line => line.StartsWith("ping ", StringComparison.Ordinal)));

        // Per command each way: what the peer sent the node received, and the other way round.
        Assert.Contains("  command     peer sent  node received  node sent  peer received", lines);
        AssertRow(lines, "block", 0, 0, 255, 255);
        AssertRow(lines, "getheaders", 1, 1, 0, 0);
        AssertRow(lines, "headers", 0, 0, 1, 1);
        AssertRow(lines, "getdata", 16, 16, 0, 0); // 255 blocks in windows of 16
        AssertRow(lines, "version", 1, 1, 1, 1);
        AssertRow(lines, "verack", 1, 1, 1, 1);
        var ping = Row(lines, "ping");
        Assert.True(ping[0] >= 1 && ping[0] == ping[1], "the peer's pings reached the node");
        var pong = Row(lines, "pong");
        Assert.Equal(ping[0], pong[2]); // every ping answered
        Assert.Equal(pong[2], pong[3]);
        var messages = Row(lines, "messages");
        Assert.Equal(messages[0], messages[1]);
        Assert.Equal(messages[2], messages[3]);
        var bytes = Row(lines, "bytes");
        Assert.Equal(bytes[0], bytes[1]);
        Assert.Equal(bytes[2], bytes[3]);
        // Over v2 each block travels as one packet: 3 length bytes, a header byte, its 1-byte message id and a 16-byte tag.
        Assert.True(bytes[2] > 56_691 + (255 * 21), "the block messages alone are 56,691 bytes of blocks plus 255 v2 packets' 21 bytes each");

        // Both ends speak BIP324 by default, as Bitcoin Core does.
        Assert.Matches("^transport  v2, session id [0-9a-f]{64}$", Assert.Single(lines, line => line.StartsWith("transport ", StringComparison.Ordinal)));

        Assert.Contains($"tip        {TestData.TipHash} (height 255)", lines);
        Assert.StartsWith("demo ok: 255 blocks synced and verified over loopback in ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_by_name_and_options_without_a_command_run_the_demo()
    {
        var named = Cli.Run("demo");
        Assert.Equal(0, named.ExitCode);
        Assert.Contains($"tip        {TestData.TipHash} (height 255)", named.OutLines);

        var optionsOnly = Cli.Run("--log-level", "info");
        Assert.Equal(0, optionsOnly.ExitCode);
        Assert.Contains($"tip        {TestData.TipHash} (height 255)", optionsOnly.OutLines);
        Assert.Contains(optionsOnly.ErrorLines, line => line.Contains(" info  peer: Peer ", StringComparison.Ordinal) && line.Contains("handshake complete", StringComparison.Ordinal));
    }

    [Fact]
    public void Log_level_debug_shows_one_line_per_message_and_trace_adds_hexdumps()
    {
        var debug = Cli.Run("demo", "--log-level", "debug");

        Assert.Equal(0, debug.ExitCode);
        var log = debug.ErrorLines;
        Assert.Contains(log, line => Regex.IsMatch(line, @"^\d\d:\d\d:\d\d\.\d{3} debug peer: Sending getheaders \(90 bytes\) to peer \d+: version 70017, 1 locator hash\(es\), stop 0{64}$"));
        Assert.Contains(log, line => line.Contains("debug peer: Received headers (", StringComparison.Ordinal) && line.EndsWith(": 255 header(s), first " + TestData.Block1Hash + ", last " + TestData.TipHash, StringComparison.Ordinal));
        Assert.Equal(255, log.Count(line => line.Contains("debug peer: Received block (", StringComparison.Ordinal)));
        Assert.Equal(255, log.Count(line => line.Contains("debug peer: Sending block (", StringComparison.Ordinal)));
        Assert.DoesNotContain(log, line => line.Contains("trace", StringComparison.Ordinal));

        var trace = Cli.Run("demo", "--log-level", "trace");

        Assert.Equal(0, trace.ExitCode);
        Assert.Contains(trace.ErrorLines, line => line.Contains("trace peer: Received frame version (", StringComparison.Ordinal));
        // Over v2 a received message's hexdump is its decrypted contents: version in the long form (0, then the command).
        Assert.Contains(trace.ErrorLines, line => line.StartsWith("00000000  00 76 65 72 73 69 6f 6e  00 00 00 00 00 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_log_level_writes_nothing_to_standard_error()
    {
        var result = Cli.Run("demo");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void A_node_serving_a_block_with_the_wrong_transactions_fails_the_demo_with_exit_7()
    {
        var demo = new DemoCommand { NodeListener = store => new TamperingNode(store, tamperHeight: 100) };
        var output = new StringWriter();
        var error = new StringWriter();

        var failure = Assert.Throws<CliException>(() => demo.Execute(ParsedArguments.Empty, new CommandContext(output, error, () => new MemoryStream())));

        Assert.Equal(ExitCodes.InvalidChain, failure.ExitCode);
        Assert.Contains("demo: the remote's chain failed verification: block ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("merkle root mismatch", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("demo ok", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stop_request_interrupts_the_demo_with_exit_130()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = CommandLineApp.Run([], new CommandContext(output, error, () => new MemoryStream(), cancellation: stop.Token));

        Assert.Equal(130, exit);
        Assert.Equal("protogen: demo: interrupted (cancelled)\n", error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_interactive_terminal_gets_a_progress_bar_redrawn_in_place()
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter();

        int exit = CommandLineApp.Run([], new CommandContext(output, error, () => new MemoryStream(), isInteractive: true));

        Assert.Equal(0, exit);
        string text = output.ToString();
        Assert.Contains("\rheaders    [##############################] 255/255\n", text, StringComparison.Ordinal);
        Assert.Contains("\rblocks     [#######.......................] 64/255  13,766 bytes", text, StringComparison.Ordinal);
        Assert.Contains("\rblocks     [##############################] 255/255  56,691 bytes\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(25%)", text, StringComparison.Ordinal);
    }

    private static long[] Row(string[] lines, string command)
    {
        var line = Assert.Single(lines, l => l.StartsWith("  " + command + " ", StringComparison.Ordinal));
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static void AssertRow(string[] lines, string command, long peerSent, long nodeReceived, long nodeSent, long peerReceived)
    {
        Assert.Equal([peerSent, nodeReceived, nodeSent, peerReceived], Row(lines, command));
    }

    /// <summary>A node that serves its chain faithfully except one block, sent with another block's transactions.</summary>
    private sealed class TamperingNode(ChainStore store, int tamperHeight) : IBitcoinListener<Peer>
    {
        private readonly ChainServer _server = new(store);

        public void OnVerAck(Peer peer, VerAckMessage message) => _server.OnVerAck(peer, message);

        public void OnGetHeaders(Peer peer, GetHeadersMessage message) => _server.OnGetHeaders(peer, message);

        public void OnGetData(Peer peer, GetDataMessage message)
        {
            var bad = store.GetHash(tamperHeight);
            foreach (var item in message.Inventory.AsSpan())
            {
                if (item.Hash == bad && store.TryGetBlock(bad, out var block) && store.TryGetBlock(store.GetHash(tamperHeight + 1), out var next))
                {
                    peer.PushBlock(block with { Transactions = next.Transactions }, item.Type);
                }
                else
                {
                    _server.OnGetData(peer, new GetDataMessage { Inventory = new WireArray<InventoryVector>([item]) });
                }
            }
        }
    }
}
