using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Samples.Chat;
using ProtoGen.Samples.Tests.Infrastructure;

namespace ProtoGen.Samples.Tests;

/// <summary>
/// Two real peers over loopback TCP, each with the Bitcoin set (<see cref="PeerConfig.Listener"/>) and the sample's
/// chat set (<see cref="PeerConfig.MessageSets"/>), exchanging both kinds of message over the one connection.
/// </summary>
public sealed class ComposedSetsOverLoopbackTests
{
    private static readonly ChatPostMessage Post = new()
    {
        Author = new ChatAuthor(42, "satoshi"),
        Text = "hello from the chat set",
        Tags = new[] { new ChatTag("greeting"), new ChatTag("test") },
        SentAt = 1_231_006_505,
    };

    private static readonly InvMessage Inv = new()
    {
        Inventory = new[] { new InventoryVector(InventoryType.Block, Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")) },
    };

    [Fact]
    public async Task ChatAndBitcoinMessagesReachOnlyTheirOwnListeners()
    {
        var run = await Exchange.RunAsync(clientVersion: 70016, serverVersion: 70016);

        // Chat: the server's chat listener saw the request and the post, with every field; the client's saw the response.
        Assert.Equal(["chatreq", "chatpost"], run.ServerChat.Log.Commands);
        var request = run.ServerChat.Log.Single<ChatRequestMessage>();
        Assert.Equal("what is the answer?", request.Text);
        Assert.Equal(run.Response.RequestId, request.RequestId);
        var post = run.ServerChat.Log.Single<ChatPostMessage>();
        Assert.Equal(Post.Author, post.Author);
        Assert.Equal(Post.Text, post.Text);
        Assert.Equal(["greeting", "test"], post.Tags.Select(t => t.Name));
        Assert.Equal(Post.SentAt, post.SentAt); // negotiated 70016: the [Since(70016)] field is on the wire
        Assert.Equal(Post, post);

        Assert.Equal(["chatresp"], run.ClientChat.Log.Commands);
        Assert.Equal(ChatStatus.Ok, run.Response.Status);
        Assert.Equal("42 (you asked: what is the answer?)", run.Response.Text);
        Assert.Same(run.Response, run.ClientChat.Log.Single<ChatResponseMessage>());

        // Bitcoin: the handshake, then exactly the ping and inv the client sent; the client got the pong. No chat
        // command reached a Bitcoin listener, not even as an unknown frame.
        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack", "ping", "inv"], run.ServerBitcoin.Log.Commands);
        Assert.Equal(Inv, run.ServerBitcoin.Log.Single<InvMessage>());
        Assert.Equal(["version", "wtxidrelay", "sendaddrv2", "verack", "pong"], run.ClientBitcoin.Log.Commands);
        Assert.Equal(run.ServerBitcoin.Log.Single<PingMessage>().Nonce, run.ClientBitcoin.Log.Single<PongMessage>().Nonce);

        // Every frame each peer read went to exactly one of its two listeners, in order.
        run.AssertFramesMatchListeners();
        Assert.Equal(70016, run.Client.ProtocolVersion);
        Assert.Equal(70016, run.Server.ProtocolVersion);
    }

    [Fact]
    public async Task VersionGatedFieldIsLeftOffTheWireBelowItsVersion()
    {
        var full = await Exchange.RunAsync(clientVersion: 70016, serverVersion: 70016);
        var gated = await Exchange.RunAsync(clientVersion: 70016, serverVersion: 70015);

        Assert.Equal(70015, gated.Client.ProtocolVersion);
        Assert.Equal(70015, gated.Server.ProtocolVersion);

        // The client set SentAt, but at 70015 it is neither written nor read: the server decodes 0, and the frame is
        // exactly the 8 bytes of the long shorter. Every other field arrives as before.
        var post = gated.ServerChat.Log.Single<ChatPostMessage>();
        Assert.Equal(0, post.SentAt);
        Assert.Equal(Post with { SentAt = 0 }, post);
        Assert.Equal(full.FrameBytes(full.ServerFrames, "chatpost") - sizeof(long), gated.FrameBytes(gated.ServerFrames, "chatpost"));

        // The request/response pair has no gated field and works the same; BIP339/BIP155 negotiation is skipped below 70016.
        Assert.Equal(["chatreq", "chatpost"], gated.ServerChat.Log.Commands);
        Assert.Equal(["chatresp"], gated.ClientChat.Log.Commands);
        Assert.Equal(["version", "verack", "ping", "inv"], gated.ServerBitcoin.Log.Commands);
        Assert.Equal(["version", "verack", "pong"], gated.ClientBitcoin.Log.Commands);
        gated.AssertFramesMatchListeners();
    }

    [Fact]
    public async Task PeerWithoutTheChatSetHandsChatFramesToTheBitcoinUnknownHandler()
    {
        var serverBitcoin = new RecordingBitcoinListener();
        var clientBitcoin = new RecordingBitcoinListener();
        var clientChat = new RecordingChatListener();
        var clientConfig = new ChatEndpoint().AddTo(Loopback.Config("client", clientBitcoin), clientChat);
        var serverConfig = Loopback.Config("server", serverBitcoin); // no MessageSets: chat commands are unknown here

        await using var pair = await Loopback.HandshakeAsync(clientConfig, serverConfig);
        Assert.True(ChatEndpoint.Post(pair.Client, Post));
        await serverBitcoin.Log.WaitForAsync("unknown:chatpost");

        var unknown = serverBitcoin.Log.Entries.Single(e => e.Command == "unknown:chatpost");
        var payload = (byte[])unknown.Message;
        var reader = new WireReader(payload);
        Assert.Equal<object?>(Post, ChatMessages.Decode(ChatPostMessage.Command, ref reader));
        Assert.Equal(0, reader.Remaining);
        Assert.Empty(clientChat.Log.Entries);
    }

    /// <summary>One scripted exchange: request/response and a post over the chat set, a ping and an inv over the Bitcoin set.</summary>
    private sealed class Exchange
    {
        public required Peer Client { get; init; }

        public required Peer Server { get; init; }

        public required RecordingChatListener ClientChat { get; init; }

        public required RecordingChatListener ServerChat { get; init; }

        public required RecordingBitcoinListener ClientBitcoin { get; init; }

        public required RecordingBitcoinListener ServerBitcoin { get; init; }

        public required FrameLog ClientFrames { get; init; }

        public required FrameLog ServerFrames { get; init; }

        public required ChatResponseMessage Response { get; init; }

        public static async Task<Exchange> RunAsync(int clientVersion, int serverVersion)
        {
            var clientBitcoin = new RecordingBitcoinListener();
            var serverBitcoin = new RecordingBitcoinListener();
            var clientFrames = new FrameLog();
            var serverFrames = new FrameLog();

            // The sample's endpoint does the work (answers requests, matches responses); the recorders sit in front.
            var clientEndpoint = new ChatEndpoint();
            var serverEndpoint = new ChatEndpoint(request => (ChatStatus.Ok, $"42 (you asked: {request.Text})"));
            var clientChat = new RecordingChatListener(clientEndpoint);
            var serverChat = new RecordingChatListener(serverEndpoint);

            // PeerConfig.MessageSets = [ChatMessages.CreateDispatcher<Peer>(chatListener)], via the sample's helper.
            var clientConfig = clientEndpoint.AddTo(Loopback.Config("client", clientBitcoin, clientVersion, clientFrames.Hook), clientChat);
            var serverConfig = serverEndpoint.AddTo(Loopback.Config("server", serverBitcoin, serverVersion, serverFrames.Hook), serverChat);
            Assert.Single(clientConfig.MessageSets);

            await using var pair = await Loopback.HandshakeAsync(clientConfig, serverConfig);
            var response = await clientEndpoint.RequestAsync(pair.Client, "what is the answer?").WaitAsync(Loopback.Timeout);
            Assert.True(ChatEndpoint.Post(pair.Client, Post));
            await pair.Client.PingAsync().WaitAsync(Loopback.Timeout);
            await pair.Client.SendAsync(Inv).WaitAsync(Loopback.Timeout);

            // Frames on one connection arrive in order: once the inv is in, everything the client sent before it is
            // too. The pong completed PingAsync; wait until it (and the inv) also reached the listener and the hook.
            await serverBitcoin.Log.WaitForAsync("inv");
            await serverFrames.WaitForAsync("inv");
            await clientBitcoin.Log.WaitForAsync("pong");
            await clientFrames.WaitForAsync("pong");
            Assert.Equal(0, clientEndpoint.PendingRequests);
            return new Exchange
            {
                Client = pair.Client,
                Server = pair.Server,
                ClientChat = clientChat,
                ServerChat = serverChat,
                ClientBitcoin = clientBitcoin,
                ServerBitcoin = serverBitcoin,
                ClientFrames = clientFrames,
                ServerFrames = serverFrames,
                Response = response,
            };
        }

        public int FrameBytes(FrameLog log, string command) => log.Frames.Single(f => f.Command == command).Bytes;

        /// <summary>The frames each peer read, in order, are exactly the two listeners' logs merged: nothing lost, nothing delivered twice.</summary>
        public void AssertFramesMatchListeners()
        {
            Check(ClientFrames, ClientBitcoin, ClientChat);
            Check(ServerFrames, ServerBitcoin, ServerChat);

            static void Check(FrameLog frames, RecordingBitcoinListener bitcoin, RecordingChatListener chat)
            {
                var read = frames.Frames.Select(f => f.Command).ToList();
                Assert.Equal(read.Where(IsChat), chat.Log.Commands);
                Assert.Equal(read.Where(c => !IsChat(c)), bitcoin.Log.Commands);
                Assert.DoesNotContain(bitcoin.Log.Commands, c => c.StartsWith("unknown:", StringComparison.Ordinal));
                Assert.DoesNotContain(chat.Log.Commands, c => c.StartsWith("unknown:", StringComparison.Ordinal));
            }

            static bool IsChat(string command) => ChatMessages.FindMessage(MessageCommand.Parse(command)) is not null;
        }
    }
}
