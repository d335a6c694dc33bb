using System.Text.RegularExpressions;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Cli.Tests;

/// <summary>
/// The peer's debug log and <c>protogen decode</c> describe a message with the same text (both use
/// ProtoGen.Bitcoin.MessageDescriber), so the two cannot drift apart.
/// </summary>
public partial class SharedDescriberTests
{
    [Fact]
    public void The_demos_debug_log_and_decode_print_the_same_summary_for_the_same_messages()
    {
        var demo = Cli.Run("demo", "--log-level", "debug");
        Assert.Equal(0, demo.ExitCode);

        // The messages of the demo's sync, rebuilt from the data: its getheaders (from genesis) and the node's headers.
        var blocks = BlockFile.Split(TestData.Read(TestData.Blocks1To255), BitcoinNetwork.Mainnet.Magic).Select(b => WireSerializer.Decode<Block>(b)).ToArray();
        var getHeaders = new GetHeadersMessage { Version = 70017, Locator = new[] { BitcoinNetwork.Mainnet.GenesisHash }, HashStop = Hash256.Zero };
        var headers = new HeadersMessage { Headers = blocks.Select(b => b.Header).ToArray() };

        Assert.Equal(Decoded(getHeaders), Logged(demo, "Sending", "getheaders"));
        Assert.Equal(Decoded(headers), Logged(demo, "Received", "headers"));
        Assert.Equal(MessageDescriber.Describe(headers), Decoded(headers));
    }

    [Fact]
    public void A_ping_nonce_is_hex_in_decode_as_in_the_log()
    {
        Assert.Equal("nonce 0x0000000000000031", Decoded(new PingMessage { Nonce = 0x31 }));
        Assert.Equal("nonce 0x0000000000000031", MessageDescriber.Describe(new PingMessage { Nonce = 0x31 }));
    }

    // The summary `protogen decode` prints under the message's line, for the message framed as a file.
    private static string Decoded(IMessage message)
    {
        using var file = new TempFile(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, message));
        var result = Cli.Run("decode", file.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("  ", result.OutLines[2], StringComparison.Ordinal);
        return result.OutLines[2][2..];
    }

    // The summary of the first "debug peer: Sending|Received COMMAND (N bytes) to|from peer N: SUMMARY" line.
    private static string Logged(RunResult run, string direction, string command)
    {
        foreach (var line in run.ErrorLines)
        {
            var match = LogLine().Match(line);
            if (match.Success && match.Groups["direction"].Value == direction && match.Groups["command"].Value == command)
            {
                return match.Groups["summary"].Value;
            }
        }

        throw new Xunit.Sdk.XunitException($"no debug line for {direction} {command}");
    }

    [GeneratedRegex(@" debug peer: (?<direction>Sending|Received) (?<command>[a-z0-9]+) \(\d+ bytes\) (?:to|from) peer \d+: (?<summary>.*)$")]
    private static partial Regex LogLine();
}
