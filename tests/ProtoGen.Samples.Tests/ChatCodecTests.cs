using ProtoGen.Peers;
using ProtoGen.Samples.Chat;

namespace ProtoGen.Samples.Tests;

/// <summary>What the generator gave the sample's own assembly: codecs, catalogue, dispatcher and listener interface.</summary>
public sealed class ChatCodecTests
{
    private static readonly ChatPostMessage Post = new()
    {
        Author = new ChatAuthor(0x0102, "ab"),
        Text = "hi",
        Tags = new[] { new ChatTag("x") },
        SentAt = 0x0A0B,
    };

    [Fact]
    public void CatalogueListsTheSetOrderedByCommand()
    {
        Assert.Equal(["chatpost", "chatreq", "chatresp"], ChatMessages.Messages.Select(m => m.Command));
        Assert.Equal([typeof(ChatPostMessage), typeof(ChatRequestMessage), typeof(ChatResponseMessage)], ChatMessages.Messages.Select(m => m.MessageType));
        Assert.Same(ChatRequestMessage.Descriptor, ChatMessages.FindMessage(MessageCommand.Parse("chatreq")));
        Assert.Null(ChatMessages.FindMessage(MessageCommand.Parse("ping")));
        Assert.Equal("chatresp", ChatResponseMessage.CommandName);
    }

    [Fact]
    public void TheSetsPayloadLimitHoldsTheLargestPost()
    {
        Assert.All(ChatMessages.Messages, m => Assert.Equal(ChatMessages.MaxPayload, m.MaxPayloadLength));
        var largest = new ChatPostMessage
        {
            Author = new ChatAuthor(ulong.MaxValue, new string('n', ChatMessages.MaxNickLength)),
            Text = new string('t', ChatMessages.MaxTextLength),
            Tags = Enumerable.Repeat(new ChatTag(new string('g', ChatMessages.MaxNickLength)), ChatMessages.MaxTags).ToArray(),
            SentAt = long.MaxValue,
        };
        Assert.Equal(1341, WireSerializer.Encode(largest).Length);
        Assert.True(WireSerializer.Encode(largest).Length <= ChatPostMessage.Descriptor.MaxPayloadLength);
    }

    [Fact]
    public void RequestEncodesToGoldenBytes()
    {
        var request = new ChatRequestMessage { RequestId = 7, Text = "hi" };
        byte[] expected = [7, 0, 0, 0, 0, 0, 0, 0, 2, (byte)'h', (byte)'i'];
        Assert.Equal(expected, WireSerializer.Encode(request));
        Assert.Equal(request, WireSerializer.Decode<ChatRequestMessage>(expected));
    }

    [Fact]
    public void PostCarriesItsNestedAuthorAndTheGatedTimestampOnlyFromItsVersion()
    {
        byte[] common =
        [
            0x02, 0x01, 0, 0, 0, 0, 0, 0, 2, (byte)'a', (byte)'b', // author: id, nick
            2, (byte)'h', (byte)'i',                                  // text
            1, 1, (byte)'x',                                          // tags: count, then one string
        ];
        byte[] timestamp = [0x0B, 0x0A, 0, 0, 0, 0, 0, 0];

        Assert.Equal([.. common, .. timestamp], WireSerializer.Encode(Post, new WireContext(ChatMessages.TimestampVersion)));
        Assert.Equal(common, WireSerializer.Encode(Post, new WireContext(ChatMessages.TimestampVersion - 1)));
        Assert.Equal([.. common, .. timestamp], WireSerializer.Encode(Post)); // the default context is "newest"

        Assert.Equal(Post, WireSerializer.Decode<ChatPostMessage>([.. common, .. timestamp], new WireContext(70016)));
        Assert.Equal(Post with { SentAt = 0 }, WireSerializer.Decode<ChatPostMessage>(common, new WireContext(70015)));
        Assert.Throws<ProtocolException>(() => WireSerializer.Decode<ChatPostMessage>(common, new WireContext(70016)));
    }

    [Fact]
    public void LimitsAreEnforcedBeforeAllocating()
    {
        var tooLong = new ChatRequestMessage { RequestId = 1, Text = new string('x', ChatMessages.MaxTextLength + 1) };
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => WireSerializer.Encode(tooLong)).Error);

        // A text length prefix one over the limit is refused from the prefix alone.
        byte[] hostile = [1, 0, 0, 0, 0, 0, 0, 0, 0xFD, 0x01, 0x04];
        var error = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<ChatRequestMessage>(hostile));
        Assert.Equal(ProtocolError.LengthTooLarge, error.Error); // refused for its length, before looking for the bytes
    }

    [Fact]
    public void DispatcherDecodesAndCallsTheTypedListener()
    {
        var seen = new List<object>();
        var listener = new ChatListeners<string>
        {
            OnChatPost = (peer, message) => seen.Add((peer, message)),
            OnChatRequest = (peer, message) => seen.Add((peer, message)),
            OnUnknown = (peer, frame) => seen.Add((peer, frame.Command.ToString(), frame.Payload.Length)),
        };

        var payload = WireSerializer.Encode(Post);
        var reader = new WireReader(payload);
        Assert.True(ChatMessages.TryDispatch("alice", ChatPostMessage.Command, ref reader, listener));

        var ping = new WireReader(new byte[8]);
        Assert.False(ChatMessages.TryDispatch("bob", MessageCommand.Parse("ping"), ref ping, listener));
        Assert.False(ChatMessages.Dispatch("bob", MessageCommand.Parse("ping"), ref ping, listener));

        // The object form a peer composes: PeerConfig.MessageSets takes exactly this.
        IMessageDispatcher<Peer> composed = ChatMessages.CreateDispatcher<Peer>(new ChatEndpoint());
        Assert.Same(ChatMessages.Messages, composed.Messages);
        Assert.NotNull(composed.FindMessage(ChatRequestMessage.Command));

        Assert.Equal<object>([("alice", Post), ("bob", "ping", 8)], seen);
    }

    [Fact]
    public void AHandlerSeesEveryMessageWithItsTypeAndDeliversItToAGroup()
    {
        var seen = new List<string>();
        var log = new List<string>();
        var group = new ChatListenerGroup<string>(
            new ChatListeners<string> { OnChatPost = (peer, m) => log.Add($"first {peer} {m.Text}"), OnChatRequest = (peer, m) => log.Add($"first {peer} {m.Text}") },
            new ChatListeners<string> { OnChatPost = (peer, m) => log.Add($"second {peer} {m.Text}") });

        foreach (var (command, payload) in new[] { (ChatPostMessage.Command, WireSerializer.Encode(Post)), (ChatRequestMessage.Command, WireSerializer.Encode(new ChatRequestMessage { RequestId = 1, Text = "q" })) })
        {
            var reader = new WireReader(payload);
            Assert.True(ChatMessages.TryHandle("alice", command, ref reader, new Audit(group, seen)));
        }

        Assert.Equal(["ChatPostMessage chatpost", "ChatRequestMessage chatreq"], seen);
        Assert.Equal(["first alice hi", "second alice hi", "first alice q"], log);
        Assert.Equal(2, group.Listeners.Count);
    }

    /// <summary>The handler docs/extending.md shows: one generic method for every message of the set.</summary>
    private readonly struct Audit(IChatListener<string> next, List<string> seen) : IMessageHandler<string>
    {
        public void OnMessage<TMessage>(string peer, TMessage message)
            where TMessage : IMessage<TMessage>
        {
            seen.Add($"{typeof(TMessage).Name} {TMessage.Descriptor.Command}");
            Assert.True(ChatMessages.Deliver(peer, message, next));
        }
    }
}
