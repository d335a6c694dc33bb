using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// A listener that throws ends that peer (never the process) with <see cref="DisconnectKind.ListenerError"/>, whose
/// detail names the command and the exception: the Bitcoin listener, a user message set's listener and the raw-frame
/// hook alike. <see cref="PeerConfig.OnDisconnected"/> sees that reason.
/// </summary>
public class ListenerErrorTests
{
    [Fact]
    public async Task A_throwing_Bitcoin_listener_ends_the_peer_with_ListenerError()
    {
        var later = new ConcurrentQueue<string>();
        var listener = new BitcoinListeners<Peers.Peer>
        {
            OnPing = (_, ping) => throw new InvalidOperationException($"no pings please ({ping.Nonce})"),
            OnGetAddr = (_, _) => later.Enqueue("getaddr"),
        };
        var (remote, stopped) = await ConnectAsync(TestConfig.Create(listener));
        await using var _ = remote;

        // The throwing ping and a message after it in one write: nothing after the failure is delivered.
        await remote.SendRawAsync([.. Frame(new PingMessage { Nonce = 21 }), .. Frame(new GetAddrMessage())]);

        var reason = await Eventually.DisconnectedAsync(remote.Peer);
        Assert.Equal(DisconnectKind.ListenerError, reason.Kind);
        Assert.Equal("the listener for ping threw InvalidOperationException: no pings please (21)", reason.Detail);
        Assert.Equal(ProtocolError.None, reason.ProtocolError);
        Assert.Equal([reason], stopped);
        Assert.Same(reason, remote.Peer.GetStats().DisconnectReason);
        Assert.Empty(later);
    }

    [Fact]
    public async Task A_Bitcoin_listener_throwing_on_version_fails_the_handshake_with_ListenerError()
    {
        var listener = new BitcoinListeners<Peers.Peer> { OnVersion = (_, _) => throw new FormatException("bad agent") };
        var stopped = new ConcurrentQueue<DisconnectReason>();
        var (time, scheduler) = TestConfig.FakeClock();
        var config = TestConfig.Create(listener, time, scheduler) with { OnDisconnected = (_, reason) => stopped.Enqueue(reason) };
        await using var remote = new PipeRemote(config);

        await remote.SendAsync(remote.Version());

        var reason = await Eventually.DisconnectedAsync(remote.Peer);
        Assert.Equal(DisconnectKind.ListenerError, reason.Kind);
        Assert.Equal("the listener for version threw FormatException: bad agent", reason.Detail);
        Assert.Equal([reason], stopped);
        var failure = await Assert.ThrowsAsync<PeerDisconnectedException>(() => remote.Peer.WaitForHandshakeAsync());
        Assert.Same(reason, failure.Reason);

        // The peer core had taken the version in before the listener ran.
        Assert.Equal("/PipeRemote:1.0/", remote.Peer.RemoteVersion!.UserAgent);
    }

    [Fact]
    public async Task A_throwing_user_message_set_listener_ends_the_peer_with_ListenerError()
    {
        var pins = new PinListeners<Peers.Peer> { OnPin = (_, pin) => throw new ArgumentOutOfRangeException(nameof(pin), $"value {pin.Value}") };
        var config = TestConfig.Create() with { MessageSets = [PinMessages.CreateDispatcher<Peers.Peer>(pins)] };
        var (remote, stopped) = await ConnectAsync(config);
        await using var _ = remote;

        await remote.SendAsync(new PinMessage { Value = 7 });

        var reason = await Eventually.DisconnectedAsync(remote.Peer);
        Assert.Equal(DisconnectKind.ListenerError, reason.Kind);
        Assert.Equal("the listener for pinmsg threw ArgumentOutOfRangeException: value 7 (Parameter 'pin')", reason.Detail);
        Assert.Equal(ProtocolError.None, reason.ProtocolError);
        Assert.Equal([reason], stopped);
    }

    [Fact]
    public async Task A_user_message_set_listener_that_does_not_throw_keeps_the_peer()
    {
        var seen = new ConcurrentQueue<ulong>();
        var pins = new PinListeners<Peers.Peer> { OnPin = (_, pin) => seen.Enqueue(pin.Value) };
        var config = TestConfig.Create() with { MessageSets = [PinMessages.CreateDispatcher<Peers.Peer>(pins)] };
        var (remote, _) = await ConnectAsync(config);
        await using var __ = remote;

        await remote.SendAsync(new PinMessage { Value = 8 });
        await PingBarrierAsync(remote, 0x8);

        Assert.Equal([8UL], seen);
        Assert.True(remote.Peer.IsConnected);
    }

    [Fact]
    public async Task A_throwing_raw_frame_hook_ends_the_peer_with_ListenerError()
    {
        var listener = new BitcoinListeners<Peers.Peer> { OnUnknown = (_, frame) => throw new NotSupportedException($"{frame.Payload.Length} bytes of {frame.Command}") };
        var (remote, stopped) = await ConnectAsync(TestConfig.Create(listener));
        await using var _ = remote;

        await remote.SendAsync(new CustomMessage("pg1nohook", [1, 2, 3]));

        var reason = await Eventually.DisconnectedAsync(remote.Peer);
        Assert.Equal(DisconnectKind.ListenerError, reason.Kind);
        Assert.Equal("the listener for pg1nohook threw NotSupportedException: 3 bytes of pg1nohook", reason.Detail);
        Assert.Equal(ProtocolError.None, reason.ProtocolError);
        Assert.Equal([reason], stopped);
    }

    /// <summary>An inbound peer on a fake clock (no keep-alive traffic), its handshake done; collects the reasons OnDisconnected sees.</summary>
    private static async Task<(PipeRemote Remote, ConcurrentQueue<DisconnectReason> Stopped)> ConnectAsync(PeerConfig config)
    {
        var (time, scheduler) = TestConfig.FakeClock();
        var stopped = new ConcurrentQueue<DisconnectReason>();
        var remote = new PipeRemote(config with { TimeProvider = time, Scheduler = scheduler, OnDisconnected = (_, reason) => stopped.Enqueue(reason) });
        await remote.HandshakeAsync();
        return (remote, stopped);
    }

    private static byte[] Frame(IMessage message) => ProtoGen.Bitcoin.Framing.Frame.ToArray(BitcoinNetwork.Regtest.Magic, message);

    private static async Task PingBarrierAsync(PipeRemote remote, ulong nonce)
    {
        await remote.SendAsync(new PingMessage { Nonce = nonce });
        await remote.ReceiveUntilAsync(f => f.Command == "pong" && f.Decode<PongMessage>().Nonce == nonce);
    }
}
