using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>BIP324's short message ids and the message-type encoding of packet contents.</summary>
public class V2MessageIdsTests
{
    /// <summary>BIP324's table, ids 1 to 28 in order.</summary>
    private static readonly string[] s_bip324 =
    [
        "addr", "block", "blocktxn", "cmpctblock", "feefilter", "filteradd", "filterclear", "filterload",
        "getblocks", "getblocktxn", "getdata", "getheaders", "headers", "inv", "mempool", "merkleblock",
        "notfound", "ping", "pong", "sendcmpct", "tx", "getcfilters", "cfilter", "getcfheaders",
        "cfheaders", "getcfcheckpt", "cfcheckpt", "addrv2",
    ];

    [Fact]
    public void Ids_1_to_28_are_the_BIP324_table_and_the_rest_name_nothing()
    {
        for (int id = 0; id <= byte.MaxValue; id++)
        {
            bool known = V2MessageIds.TryGetCommand((byte)id, out var command);
            if (id is >= 1 and <= 28)
            {
                Assert.True(known);
                Assert.Equal(s_bip324[id - 1], command.ToString());
                Assert.True(V2MessageIds.TryGetShortId(command, out byte back));
                Assert.Equal(id, back);
            }
            else
            {
                Assert.False(known, $"id {id}");
            }
        }

        Assert.Equal(28, V2MessageIds.HighestAssigned);
    }

    [Fact]
    public void The_compact_block_and_filter_messages_have_their_ids()
    {
        Assert.Equal(3, Id("blocktxn"));
        Assert.Equal(4, Id("cmpctblock"));
        Assert.Equal(10, Id("getblocktxn"));
        Assert.Equal(20, Id("sendcmpct"));
        Assert.Equal(22, Id("getcfilters"));
        Assert.Equal(27, Id("cfcheckpt"));
    }

    [Fact]
    public void Every_short_id_names_a_message_of_the_schema_and_every_schema_message_round_trips()
    {
        var schema = BitcoinMessages.Messages.Select(m => m.CommandBytes).ToHashSet();
        foreach (string name in s_bip324)
        {
            Assert.Contains(MessageCommand.Parse(name), schema);
        }

        Span<byte> buffer = stackalloc byte[V2MessageType.LongFormSize];
        foreach (var message in BitcoinMessages.Messages)
        {
            int written = V2MessageType.Write(message.CommandBytes, buffer);
            bool shortForm = s_bip324.Contains(message.Command);
            Assert.Equal(shortForm ? 1 : 13, written);
            Assert.Equal(written, V2MessageType.SizeOf(message.CommandBytes));
            Assert.True(V2MessageType.TryRead(buffer.Slice(0, written), out var command, out int size));
            Assert.Equal(message.CommandBytes, command);
            Assert.Equal(written, size);
        }
    }

    [Fact]
    public void Commands_without_a_short_id_travel_in_the_long_form()
    {
        Span<byte> buffer = stackalloc byte[V2MessageType.LongFormSize];
        Assert.Equal(13, V2MessageType.Write(VersionMessage.Command, buffer));
        Assert.Equal(0, buffer[0]);
        Assert.Equal("version", MessageCommand.FromBytes(buffer.Slice(1)).ToString());
    }

    private static int Id(string name)
    {
        Assert.True(V2MessageIds.TryGetShortId(MessageCommand.Parse(name), out byte id));
        return id;
    }
}
