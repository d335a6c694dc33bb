using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>How the peer composes user message sets with the Bitcoin set.</summary>
public class UserMessageSetTests
{
    private sealed class FakeSet(params MessageDescriptor[] messages) : IMessageDispatcher<Peers.Peer>
    {
        public int Dispatched;

        public IReadOnlyList<MessageDescriptor> Messages => messages;

        public MessageDescriptor? FindMessage(MessageCommand command) => messages.FirstOrDefault(m => m.CommandBytes == command);

        public bool TryDispatch(Peers.Peer peer, MessageCommand command, ref WireReader payload)
        {
            if (FindMessage(command) is null)
            {
                return false;
            }

            Interlocked.Increment(ref Dispatched);
            payload.Skip(payload.Remaining);
            return true;
        }

        public bool TryHandle(Peers.Peer peer, MessageCommand command, ref WireReader payload, IMessageHandler<Peers.Peer> handler) =>
            TryDispatch(peer, command, ref payload);

        public bool Deliver(Peers.Peer peer, IMessage message) => FindMessage(message.Command) is not null;

        public void OnUnknown(Peers.Peer peer, RawFrame frame)
        {
        }
    }

    private static MessageDescriptor Descriptor(string command, int minVersion = 0) =>
        new(command, MessageCommand.Parse(command), typeof(object), minVersion, 100, string.Empty);

    [Fact]
    public void A_user_set_reusing_a_Bitcoin_command_is_rejected()
    {
        var config = TestConfig.Create() with { MessageSets = [new FakeSet(Descriptor("ping"))] };
        var error = Assert.Throws<ArgumentException>(() => Peers.Peer.Create(config, PeerDirection.Outbound, new System.IO.Pipelines.Pipe().Reader.AsDuplex()));
        Assert.Contains("ping", error.Message);
    }

    [Fact]
    public void Two_user_sets_sharing_a_command_are_rejected()
    {
        var config = TestConfig.Create() with { MessageSets = [new FakeSet(Descriptor("appmsg")), new FakeSet(Descriptor("appmsg"))] };
        Assert.Throws<ArgumentException>(() => Peers.Peer.Create(config, PeerDirection.Outbound, new System.IO.Pipelines.Pipe().Reader.AsDuplex()));
    }

    [Theory]
    [InlineData(70015, false)]
    [InlineData(70016, true)]
    public async Task A_user_message_below_its_minimum_protocol_version_is_ignored(int remoteVersion, bool delivered)
    {
        var set = new FakeSet(Descriptor("appmsg", minVersion: 70016));
        await using var raw = await RawPeer.ConnectAsync(TestConfig.Create() with { MessageSets = [set] }, PeerDirection.Inbound);
        await raw.HandshakeAsync(RawPeer.Version(protocolVersion: remoteVersion));
        var frame = new byte[24];
        new ProtoGen.Bitcoin.Framing.FrameHeader(BitcoinNetwork.Regtest.Magic, MessageCommand.Parse("appmsg"), 0, DoubleSha256.Checksum([])).WriteTo(frame);
        await raw.SendRawAsync(frame);

        // A ping after it: once its pong is back, the frame before it has been handled.
        await raw.SendAsync(new PingMessage { Nonce = 7 });
        await raw.ReceiveUntilAsync("pong");
        Assert.Equal(delivered ? 1 : 0, set.Dispatched);
        Assert.True(raw.Peer.IsConnected);
    }
}

internal static class PipeExtensions
{
    private sealed class Duplex(System.IO.Pipelines.PipeReader input, System.IO.Pipelines.PipeWriter output) : System.IO.Pipelines.IDuplexPipe
    {
        public System.IO.Pipelines.PipeReader Input => input;

        public System.IO.Pipelines.PipeWriter Output => output;
    }

    public static System.IO.Pipelines.IDuplexPipe AsDuplex(this System.IO.Pipelines.PipeReader reader) => new Duplex(reader, new System.IO.Pipelines.Pipe().Writer);
}
