namespace ProtoGen.Bitcoin.Tests;

/// <summary>MessageDescriber, the one-line description shared by the peer's debug log and `protogen decode`.</summary>
public class MessageDescriberTests
{
    [Fact]
    public void Key_fields_of_common_messages()
    {
        Assert.Equal("nonce 0x00000000000004d2", MessageDescriber.Describe(new PingMessage { Nonce = 1234 }));
        Assert.Equal("nonce 0x00000000000004d2", MessageDescriber.Describe(new PongMessage { Nonce = 1234 }));
        Assert.Equal("0 item(s)", MessageDescriber.Describe(new InvMessage()));
        Assert.Equal("0 headers", MessageDescriber.Describe(new HeadersMessage()));
        Assert.Equal("fee rate 1000 sat/kvB", MessageDescriber.Describe(new FeeFilterMessage { FeeRate = 1000 }));
        Assert.Equal("id BIP434, data 2 byte(s)", MessageDescriber.Describe(new FeatureMessage { FeatureId = "BIP434"u8.ToArray(), Data = new byte[2] }));
        Assert.Equal("id 0x00ff017f, data 0 byte(s)", MessageDescriber.Describe(new FeatureMessage { FeatureId = new byte[] { 0, 0xff, 1, 0x7f } }));
    }

    [Fact]
    public void A_message_without_a_dedicated_description_shows_its_members_and_an_empty_one_says_so()
    {
        Assert.Equal("Version = 1", MessageDescriber.Describe(new SendTxRcnclMessage { Version = 1, Salt = 0 }).Split(", ")[0]);
        Assert.Equal("no fields", MessageDescriber.Describe(new VerAckMessage()));
    }

    [Fact]
    public void Long_descriptions_are_cut_to_the_maximum()
    {
        var text = MessageDescriber.Describe(new FilterAddMessage { Data = new byte[520] });
        Assert.True(text.Length <= MessageDescriber.MaxLength);

        var big = MessageDescriber.Describe(new RejectMessage { RejectedCommand = "tx", Code = (RejectCode)0x10, Reason = new string('x', 500) });
        Assert.Equal(MessageDescriber.MaxLength, big.Length);
        Assert.EndsWith("...", big, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => MessageDescriber.Describe(null!));
    }
}
