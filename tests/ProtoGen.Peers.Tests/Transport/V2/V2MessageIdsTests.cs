using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// BIP324's short message ids, now declared in the schema (<c>[Message(..., V2ShortId = n)]</c>) and read from the
/// generated catalogue, and the message-type encoding of packet contents.
/// </summary>
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
    public void Ids_1_to_28_are_the_BIP324_table_37_is_BIP434s_feature_and_the_rest_name_nothing()
    {
        for (int id = 0; id <= byte.MaxValue; id++)
        {
            bool known = V2MessageIds.TryGetCommand((byte)id, out var command);
            if (id is >= 1 and <= 28 or 37)
            {
                Assert.True(known);
                Assert.Equal(id == 37 ? "feature" : s_bip324[id - 1], command.ToString());
                Assert.True(V2MessageIds.TryGetShortId(command, out byte back));
                Assert.Equal(id, back);
            }
            else
            {
                Assert.False(known, $"id {id}");
            }
        }

        Assert.Equal(37, V2MessageIds.HighestAssigned);
    }

    [Fact]
    public void The_generated_catalogue_carries_exactly_the_BIPs_assignment()
    {
        var declared = BitcoinMessages.Messages.Where(m => m.V2ShortId != 0).ToDictionary(m => (int)m.V2ShortId, m => m.Command);
        var expected = s_bip324.Select((name, i) => (Id: i + 1, Name: name)).Append((Id: 37, Name: "feature")).ToDictionary(e => e.Id, e => e.Name);
        Assert.Equal(expected.OrderBy(e => e.Key), declared.OrderBy(e => e.Key));
        Assert.Equal(1, AddrMessage.Descriptor.V2ShortId);
        Assert.Equal(28, AddrV2Message.Descriptor.V2ShortId);
        Assert.Equal(37, FeatureMessage.Descriptor.V2ShortId);
        Assert.Equal(0, VersionMessage.Descriptor.V2ShortId);
    }

    [Fact]
    public void A_user_message_set_declares_no_short_ids_and_travels_in_the_long_form()
    {
        var set = ProtoGen.Peers.Tests.Support.PinMessages.Messages;
        Assert.NotEmpty(set);
        Span<byte> buffer = stackalloc byte[V2MessageType.LongFormSize];
        foreach (var message in set)
        {
            Assert.Equal(0, message.V2ShortId);
            Assert.False(V2MessageIds.TryGetShortId(message.CommandBytes, out _));
            Assert.Equal(V2MessageType.LongFormSize, V2MessageType.Write(message.CommandBytes, buffer));
            Assert.Equal(0, buffer[0]);
            Assert.True(V2MessageType.TryRead(buffer, out var command, out _));
            Assert.Equal(message.CommandBytes, command);
        }
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
            bool shortForm = s_bip324.Contains(message.Command) || message.Command == "feature";
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
