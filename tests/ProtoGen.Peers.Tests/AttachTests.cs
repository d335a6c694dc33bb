using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>Transport and lifecycle — a peer attaches to any caller-provided Stream or IDuplexPipe.</summary>
public class AttachTests
{
    [Fact]
    public async Task Peers_on_caller_provided_streams_handshake_and_exchange_messages()
    {
        var (clientListener, serverListener) = AddressExchange();
        var (time, scheduler) = TestConfig.FakeClock(); // no timers fire: the traffic is exactly what the test sends
        await using var pair = await TrackedPair.ConnectAsync(TestConfig.Create(clientListener.Listener, time, scheduler), TestConfig.Create(serverListener.Listener, time, scheduler));
        await pair.HandshakeAsync();

        Assert.True(pair.Client.QueueMessage(new GetAddrMessage()));
        var addresses = await clientListener.Addresses.Task.WaitAsync(PeerPair.Timeout);

        Assert.Single(addresses);
        Assert.Equal(8333, addresses[0].Port);
        Assert.Equal("/ProtoGenTest:0.1.0/", pair.Client.RemoteVersion!.UserAgent);

        // Every byte went through the streams we supplied, and both sides agree on the totals.
        await Poll.UntilAsync(
            () => pair.ClientStream.BytesWritten == pair.Client.GetStats().BytesSent
                && pair.ServerStream.BytesRead == pair.Client.GetStats().BytesSent
                && pair.ServerStream.BytesWritten == pair.Server.GetStats().BytesSent
                && pair.ClientStream.BytesRead == pair.Server.GetStats().BytesSent,
            "stream byte counts equal the peers' statistics");
        Assert.True(pair.Client.GetStats().BytesSent > 0);
    }

    [Fact]
    public async Task Peers_on_in_memory_duplex_pipes_handshake_and_exchange_messages()
    {
        var (clientListener, serverListener) = AddressExchange();
        var (time, scheduler) = TestConfig.FakeClock();
        await using var pair = new PipePair(TestConfig.Create(clientListener.Listener, time, scheduler), TestConfig.Create(serverListener.Listener, time, scheduler));
        await pair.HandshakeAsync();

        Assert.True(pair.Client.QueueMessage(new GetAddrMessage()));
        var addresses = await clientListener.Addresses.Task.WaitAsync(PeerPair.Timeout);
        var rtt = await pair.Client.PingAsync().WaitAsync(PeerPair.Timeout);

        Assert.Single(addresses);
        Assert.True(rtt >= TimeSpan.Zero);
        Assert.Null(pair.Client.RemoteEndPoint);
        Assert.Equal(70017, pair.Server.ProtocolVersion);
        await Poll.UntilAsync(() => pair.Client.GetStats().BytesSent == pair.Server.GetStats().BytesReceived, "the server counted every byte the client sent");
    }

    [Fact]
    public async Task A_peer_that_does_not_own_its_stream_leaves_it_open()
    {
        var (clientListener, serverListener) = AddressExchange();
        var clientConfig = TestConfig.Create(clientListener.Listener) with { DisposeStream = false };
        var pair = await TrackedPair.ConnectAsync(clientConfig, TestConfig.Create(serverListener.Listener));
        await pair.HandshakeAsync();

        pair.Client.Disconnect();
        await pair.Client.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);

        Assert.False(pair.ClientStream.IsDisposed);
        Assert.True(PeerLoops.Stopped(pair.Client));
        await pair.DisposeAsync();
        Assert.True(pair.ClientStream.IsDisposed);
    }

    /// <summary>The server answers getaddr with one address; the client collects what arrives (addr or addrv2).</summary>
    private static (AddressCollector Client, AddressCollector Server) AddressExchange()
    {
        var client = new AddressCollector();
        var server = new AddressCollector();
        server.Listener.OnGetAddr = (peer, _) => peer.PushAddr([new NetworkAddressV2
        {
            Timestamp = 1_700_000_000,
            Services = ServiceFlags.Network,
            Address = new AddrV2Address(AddressNetwork.IPv4, new byte[] { 192, 0, 2, 1 }),
            Port = 8333,
        }]);
        return (client, server);
    }

    private sealed class AddressCollector
    {
        public AddressCollector()
        {
            Listener.OnAddr = (_, m) => Addresses.TrySetResult(m.Addresses.Select(a => (a.Address.Port, a.Address.ToIPAddress().ToString())).ToList());
            Listener.OnAddrV2 = (_, m) => Addresses.TrySetResult(m.Addresses.Select(a => (a.Port, a.Address.ToIPAddress()!.ToString())).ToList());
        }

        public BitcoinListeners<Peers.Peer> Listener { get; } = new();

        public TaskCompletionSource<List<(ushort Port, string Ip)>> Addresses { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
