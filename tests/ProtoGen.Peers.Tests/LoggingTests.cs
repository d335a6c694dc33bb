using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Logging;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Logging — at Debug one summary line per message sent and received; at Trace each raw frame as a hexdump in the
/// exact <c>hexdump -C</c> layout.
/// </summary>
public class LoggingTests
{
    private const int ReceivedEvent = 1;
    private const int SendingEvent = 2;
    private const int ReceivedFrameEvent = 3;
    private const int SentFrameEvent = 4;

    [Fact]
    public async Task Debug_logs_one_summary_line_per_message_sent_and_received()
    {
        var log = new LogCapture(LogLevel.Debug);
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { Logger = log });
        var sentByRemote = new List<(string Command, int Bytes)>();
        async Task Send(IMessage message)
        {
            sentByRemote.Add((message.Command.ToString(), ProtoGen.Bitcoin.Framing.Frame.ToArray(BitcoinNetwork.Regtest.Magic, message).Length));
            await remote.SendAsync(message);
        }

        var block = BlockData.Load(BlockData.Block413567);
        var tx = block.Transactions[1];
        var h1 = block.Header;
        var h2 = block.Header with { PreviousBlock = block.GetHash() };
        var inv = new InventoryVector(InventoryType.Tx, tx.GetTxId());

        // Handshake by hand so that every frame each way is known.
        var version = remote.Version(height: 123);
        await Send(version);
        var (verack, received) = await remote.ReceiveUntilAsync("verack");
        received.Add(verack);
        await Send(new VerAckMessage());
        await remote.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        await Send(new InvMessage { Inventory = new[] { inv, new InventoryVector(InventoryType.Wtx, tx.GetWitnessTxId()), new InventoryVector(InventoryType.WitnessTx, block.Transactions[2].GetTxId()), new InventoryVector(InventoryType.Block, block.GetHash()) } });
        await Send(new HeadersMessage { Headers = new[] { h1, h2 } });
        await Send(new GetHeadersMessage { Version = 70016, Locator = new[] { block.GetHash(), h1.PreviousBlock }, HashStop = Hash256.Zero });
        Assert.True(remote.Peer.QueueMessage(block));
        Assert.True(remote.Peer.QueueMessage(tx));
        Assert.True(remote.Peer.PushGetBlocks([h1.PreviousBlock], block.GetHash()));
        Assert.True(remote.Peer.QueueMessage(new PongMessage { Nonce = 0x5e47 }));
        var (sentinel, before) = await remote.ReceiveUntilAsync(f => f.Command == "pong");
        received.AddRange([.. before, sentinel]);
        await Send(new PingMessage { Nonce = 31 });
        received.Add((await remote.ReceiveUntilAsync("pong")).Frame);

        long id = remote.Peer.Id;
        var sending = log.Entries.Where(e => e.EventId.Id == SendingEvent).ToList();
        var receiving = log.Entries.Where(e => e.EventId.Id == ReceivedEvent).ToList();

        // One line per frame each way, in order, with the frame's command and size.
        Assert.Equal(received.Select(f => (f.Command, f.Bytes.Length)), sending.Select(e => ((string)log.Field(e, "Command")!, (int)log.Field(e, "Bytes")!)));
        Assert.Equal(sentByRemote, receiving.Select(e => ((string)log.Field(e, "Command")!, (int)log.Field(e, "Bytes")!)));
        Assert.All(sending.Concat(receiving), e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal(remote.Peer.GetStats().MessagesSent, sending.Count);
        Assert.Equal(remote.Peer.GetStats().MessagesReceived, receiving.Count);

        // The key fields of each kind of message.
        string Line(List<LogEntry> entries, string command) => Assert.Single(entries, e => (string)log.Field(e, "Command")! == command).Message;
        int Size(string command) => sentByRemote.Single(s => s.Command == command).Bytes;
        int SizeOut(string command) => received.Last(f => f.Command == command).Bytes.Length;
        // The summaries are ProtoGen.Bitcoin.MessageDescriber's, the same text `protogen decode` prints.
        Assert.StartsWith($"Received version ({Size("version")} bytes) from peer {id}: version 70016, services 0x9 (Network, Witness), user agent \"/PipeRemote:1.0/\", start height 123, relay yes, receiver ", Line(receiving, "version"), StringComparison.Ordinal);
        Assert.Equal($"Received inv ({Size("inv")} bytes) from peer {id}: 4 item(s): Tx {tx.GetTxId()}, Wtx {tx.GetWitnessTxId()}, WitnessTx {block.Transactions[2].GetTxId()}, ...", Line(receiving, "inv"));
        Assert.Equal($"Received headers ({Size("headers")} bytes) from peer {id}: 2 header(s), first {h1.GetHash()}, last {h2.GetHash()}", Line(receiving, "headers"));
        Assert.Equal($"Received getheaders ({Size("getheaders")} bytes) from peer {id}: version 70016, 2 locator hash(es), stop {Hash256.Zero}", Line(receiving, "getheaders"));
        Assert.Equal($"Received ping ({Size("ping")} bytes) from peer {id}: nonce 0x000000000000001f", Line(receiving, "ping"));
        Assert.Equal($"Sending block ({SizeOut("block")} bytes) to peer {id}: block {block.GetHash()}, {block.Transactions.Count} transaction(s)", Line(sending, "block"));
        Assert.Equal($"Sending tx ({SizeOut("tx")} bytes) to peer {id}: transaction {tx.GetTxId()}, {tx.Inputs.Count} input(s), {tx.Outputs.Count} output(s)", Line(sending, "tx"));
        Assert.EndsWith($", 1 locator hash(es), stop {block.GetHash()}", Line(sending, "getblocks"), StringComparison.Ordinal);
        Assert.StartsWith($"Sending version ({SizeOut("version")} bytes) to peer {id}: version 70017, services 0xc09 (Network, Witness, NetworkLimited, P2PV2), user agent \"/ProtoGenTest:0.1.0/\", start height 0, relay yes", Line(sending, "version"), StringComparison.Ordinal);
        Assert.Equal($"Sending pong ({SizeOut("pong")} bytes) to peer {id}: nonce 0x000000000000001f", sending.Last(e => (string)log.Field(e, "Command")! == "pong").Message);

        // Nothing at Trace when the logger stops at Debug.
        Assert.DoesNotContain(log.Entries, e => e.EventId.Id is ReceivedFrameEvent or SentFrameEvent);
    }

    [Fact]
    public async Task Trace_logs_each_frame_as_a_hexdump_in_the_hexdump_C_layout()
    {
        var log = new LogCapture(LogLevel.Trace);
        var (time, scheduler) = TestConfig.FakeClock();
        await using var remote = new PipeRemote(TestConfig.Create(time: time, scheduler: scheduler) with { Logger = log });
        await remote.HandshakeAsync();

        Assert.True(remote.Peer.QueueMessage(new SendCmpctMessage { HighBandwidth = true, Version = 2 }));
        Assert.True(remote.Peer.QueueMessage(new CustomMessage("pg1hex", "Hello, hexdump -C!\u007f"u8.ToArray())));
        await remote.SendAsync(new FeeFilterMessage { FeeRate = 0x4142434445464748 });
        await remote.SendAsync(new PingMessage { Nonce = 0x0123456789abcdef });
        var (_, before) = await remote.ReceiveUntilAsync(f => f.Command == "pong" && f.Decode<PongMessage>().Nonce == 0x0123456789abcdef);
        Assert.Contains(before, f => f.Command == "pg1hex");

        long id = remote.Peer.Id;

        // Expected texts from: printf '<frame bytes>' | hexdump -C   (the final newline left off).
        const string SendCmpct =
            "00000000  fa bf b5 da 73 65 6e 64  63 6d 70 63 74 00 00 00  |....sendcmpct...|\n" +
            "00000010  09 00 00 00 5f 09 f0 0d  01 02 00 00 00 00 00 00  |...._...........|\n" +
            "00000020  00                                                |.|\n" +
            "00000021";
        const string Custom =
            "00000000  fa bf b5 da 70 67 31 68  65 78 00 00 00 00 00 00  |....pg1hex......|\n" +
            "00000010  13 00 00 00 16 8d 63 74  48 65 6c 6c 6f 2c 20 68  |......ctHello, h|\n" +
            "00000020  65 78 64 75 6d 70 20 2d  43 21 7f                 |exdump -C!.|\n" +
            "0000002b";
        const string FeeFilter =
            "00000000  fa bf b5 da 66 65 65 66  69 6c 74 65 72 00 00 00  |....feefilter...|\n" +
            "00000010  08 00 00 00 fb 73 0a e7  48 47 46 45 44 43 42 41  |.....s..HGFEDCBA|\n" +
            "00000020";
        const string Ping =
            "00000000  fa bf b5 da 70 69 6e 67  00 00 00 00 00 00 00 00  |....ping........|\n" +
            "00000010  08 00 00 00 33 bc 15 e5  ef cd ab 89 67 45 23 01  |....3.......gE#.|\n" +
            "00000020";

        Assert.Equal($"Sent frame sendcmpct (33 bytes) to peer {id}:\n{SendCmpct}", Frame(log, SentFrameEvent, "sendcmpct").Message);
        Assert.Equal($"Sent frame pg1hex (43 bytes) to peer {id}:\n{Custom}", Frame(log, SentFrameEvent, "pg1hex").Message);
        Assert.Equal($"Received frame feefilter (32 bytes) from peer {id}:\n{FeeFilter}", Frame(log, ReceivedFrameEvent, "feefilter").Message);
        Assert.Equal($"Received frame ping (32 bytes) from peer {id}:\n{Ping}", Frame(log, ReceivedFrameEvent, "ping").Message);
        Assert.Equal(SendCmpct, log.Field(Frame(log, SentFrameEvent, "sendcmpct"), "Hexdump"));
        Assert.All(log.Entries.Where(e => e.EventId.Id is SentFrameEvent or ReceivedFrameEvent), e => Assert.Equal(LogLevel.Trace, e.Level));

        // Every frame each way has its hexdump, and the dump's final line is the frame's length.
        var stats = remote.Peer.GetStats();
        Assert.Equal(stats.MessagesSent, log.Entries.Count(e => e.EventId.Id == SentFrameEvent));
        Assert.Equal(stats.MessagesReceived, log.Entries.Count(e => e.EventId.Id == ReceivedFrameEvent));
        Assert.All(log.Entries.Where(e => e.EventId.Id is SentFrameEvent or ReceivedFrameEvent), e =>
            Assert.Equal(((int)log.Field(e, "Bytes")!).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), ((string)log.Field(e, "Hexdump")!).Split('\n')[^1]));
    }

    [Fact]
    public void HexDump_matches_hexdump_C_for_full_and_partial_lines()
    {
        // 40 bytes 0x30.. ('0'...'W'): two full lines and one ending after the first group; expected from hexdump -C.
        var bytes = Enumerable.Range(0x30, 40).Select(b => (byte)b).ToArray();
        const string Expected =
            "00000000  30 31 32 33 34 35 36 37  38 39 3a 3b 3c 3d 3e 3f  |0123456789:;<=>?|\n" +
            "00000010  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|\n" +
            "00000020  50 51 52 53 54 55 56 57                           |PQRSTUVW|\n" +
            "00000028";
        Assert.Equal(Expected, HexDump.Format(bytes));
        Assert.Equal("00000000  30 31 32                                          |012|\n00000003", HexDump.Format(bytes.AsSpan(0, 3)));
    }

    private static LogEntry Frame(LogCapture log, int eventId, string command) =>
        Assert.Single(log.Entries, e => e.EventId.Id == eventId && (string)log.Field(e, "Command")! == command);
}
