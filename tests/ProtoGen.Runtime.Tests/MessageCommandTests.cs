using System.Text;

namespace ProtoGen.Runtime.Tests;

public class MessageCommandTests
{
    [Theory]
    [InlineData("version")]
    [InlineData("verack")]
    [InlineData("a")]
    [InlineData("getcfcheckpt")] // twelve characters: no NUL at all
    [InlineData("with space")]
    [InlineData("~!@#$%^&*()")]
    public void ParseToStringFromBytesWriteToRoundTrip(string name)
    {
        var command = MessageCommand.Parse(name);
        Assert.Equal(name, command.ToString());
        Assert.True(command.IsValid);

        var bytes = new byte[MessageCommand.Size];
        command.WriteTo(bytes);
        var expected = new byte[MessageCommand.Size];
        Encoding.ASCII.GetBytes(name).CopyTo(expected, 0);
        Assert.Equal(expected, bytes);

        var fromBytes = MessageCommand.FromBytes(bytes);
        Assert.Equal(command, fromBytes);
        Assert.True(command == fromBytes);
        Assert.False(command != fromBytes);
        Assert.Equal(command.GetHashCode(), fromBytes.GetHashCode());
        Assert.Equal(command.Head, fromBytes.Head);
        Assert.Equal(command.Tail, fromBytes.Tail);
    }

    [Fact]
    public void HeadAndTailAreTheLittleEndianHalves()
    {
        var command = MessageCommand.Parse("sendaddrv2");
        Assert.Equal(0x72646461646E6573UL, command.Head); // "sendaddr"
        Assert.Equal(0x00003276U, command.Tail); // "v2"
        Assert.Equal(command, new MessageCommand(0x72646461646E6573UL, 0x00003276U));
        Assert.Equal(TestMessage.Command, MessageCommand.Parse("testmsg"));
    }

    [Fact]
    public void FromBytesReadsOnlyTwelveBytes()
    {
        var bytes = new byte[20];
        Encoding.ASCII.GetBytes("ping").CopyTo(bytes, 0);
        bytes[12] = 0x41;
        Assert.Equal(MessageCommand.Parse("ping"), MessageCommand.FromBytes(bytes));
    }

    [Fact]
    public void DifferentCommandsAreNotEqual()
    {
        Assert.NotEqual(MessageCommand.Parse("ping"), MessageCommand.Parse("pong"));
        Assert.NotEqual(MessageCommand.Parse("getcfheaders"), MessageCommand.Parse("getcfheaderz"));
        Assert.False(MessageCommand.Parse("ping").Equals("ping"));
        Assert.True(MessageCommand.Parse("ping").Equals((object)MessageCommand.Parse("ping")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("thirteenchars")]
    [InlineData("ver\0ack")]
    [InlineData("\u0001")]
    [InlineData("tab\there")]
    [InlineData("del\u007F")]
    [InlineData("caf\u00e9")]
    public void ParseRejectsBadNames(string name)
    {
        Assert.Equal(13, "thirteenchars".Length);
        Assert.Throws<ArgumentException>(() => MessageCommand.Parse(name));
    }

    [Fact]
    public void ParseRejectsNull() => Assert.Throws<ArgumentNullException>(() => MessageCommand.Parse(null!));

    private static MessageCommand Raw(params byte[] prefix)
    {
        var bytes = new byte[MessageCommand.Size];
        prefix.CopyTo(bytes, 0);
        return MessageCommand.FromBytes(bytes);
    }

    [Fact]
    public void IsValidFollowsBitcoinCoreWithAllNulRejected()
    {
        Assert.True(Raw((byte)'t', (byte)'x').IsValid);
        Assert.True(Raw(0x20).IsValid); // a space is printable
        Assert.True(Raw(0x7E).IsValid);

        // The ProtoGen rule: an all-NUL command is not a command (Bitcoin Core would accept it as an unknown type).
        Assert.False(Raw().IsValid);
        Assert.False(default(MessageCommand).IsValid);

        // A NUL followed by anything else.
        Assert.False(Raw((byte)'t', 0, (byte)'x').IsValid);
        Assert.False(Raw(0, (byte)'a').IsValid);
        var lastByteSet = new byte[12];
        lastByteSet[0] = (byte)'a';
        lastByteSet[11] = (byte)'b';
        Assert.False(MessageCommand.FromBytes(lastByteSet).IsValid);

        // Control and non-ASCII bytes anywhere before the padding.
        Assert.False(Raw(0x1F).IsValid);
        Assert.False(Raw((byte)'a', 0x0A).IsValid);
        Assert.False(Raw(0x7F).IsValid);
        Assert.False(Raw(0x80).IsValid);
        Assert.False(Raw(0xFF).IsValid);

        // Twelve printable bytes with no padding at all.
        Assert.True(MessageCommand.FromBytes(Encoding.ASCII.GetBytes("abcdefghijkl")).IsValid);
        var twelve = Encoding.ASCII.GetBytes("abcdefghijk\u0001");
        Assert.False(MessageCommand.FromBytes(twelve).IsValid);
    }

    [Fact]
    public void IsValidChecksEveryPositionForEveryControlByte()
    {
        for (int position = 0; position < MessageCommand.Size; position++)
        {
            for (int value = 1; value < 256; value++)
            {
                var bytes = Encoding.ASCII.GetBytes("abcdefghijkl");
                bytes[position] = (byte)value;
                bool printable = value is >= 0x20 and <= 0x7E;
                Assert.Equal(printable, MessageCommand.FromBytes(bytes).IsValid);
            }
        }
    }

    [Fact]
    public void ToStringStopsAtTheFirstNulAndMasksUnprintableBytes()
    {
        Assert.Equal("ab", Raw((byte)'a', (byte)'b', 0, (byte)'c').ToString());
        Assert.Equal("a?b", Raw((byte)'a', 0x07, (byte)'b').ToString());
        Assert.Equal(string.Empty, default(MessageCommand).ToString());
        Assert.Equal("abcdefghijkl", MessageCommand.FromBytes(Encoding.ASCII.GetBytes("abcdefghijkl")).ToString());
    }
}
