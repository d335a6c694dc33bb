using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// Choosing and falling back between the transports over loopback TCP, by Bitcoin Core's rules: a v2 attempt to a
/// v1-only node ends with <see cref="DisconnectKind.V1Fallback"/> and the next one uses v1; a v1 peer is served v1
/// unless v2 is required; another network or a non-Bitcoin server is named.
/// </summary>
public sealed class V2FallbackTests
{
    private static PeerConfig Config(V2TransportMode mode) => TestConfig.Create() with { V2Transport = mode };

    /// <summary>A client configuration that records every reason its peers end with.</summary>
    private static PeerConfig Recording(V2TransportMode mode, List<DisconnectReason> reasons) =>
        Config(mode) with { OnDisconnected = (_, reason) => { lock (reasons) { reasons.Add(reason); } } };

    private static DisconnectReason[] Snapshot(List<DisconnectReason> reasons)
    {
        lock (reasons)
        {
            return [.. reasons];
        }
    }

    [Fact]
    public async Task ConnectAsync_preferred_to_a_v1_only_listener_falls_back_once_then_connects_over_v1()
    {
        var reasons = new List<DisconnectReason>();
        var config = Recording(V2TransportMode.Preferred, reasons);
        await using var listener = new PeerListener(Config(V2TransportMode.Off));

        var peer = await Peer.ConnectAsync(config, "127.0.0.1", listener.Port).WaitAsync(PeerPair.Timeout);
        try
        {
            var refused = await listener.NextAsync();
            var served = await listener.NextAsync();
            await Task.WhenAll(peer.WaitForHandshakeAsync(), served.WaitForHandshakeAsync()).WaitAsync(PeerPair.Timeout);

            // The first attempt: our key read by the v1 node as a header with a bad magic; we fall back.
            var fallback = Assert.Single(Snapshot(reasons));
            Assert.Equal(DisconnectKind.V1Fallback, fallback.Kind);
            Assert.Equal(DisconnectKind.ProtocolViolation, (await Eventually.DisconnectedAsync(refused)).Kind);
            Assert.True(config.V1OnlyAddresses.Contains(listener.EndPoint));
            Assert.Equal(1, config.V1OnlyAddresses.Count);

            // The second attempt: v1, handshake done, no session id.
            Assert.Equal("v1", peer.TransportName);
            Assert.Equal("v1", served.TransportName);
            Assert.Null(peer.SessionId);
            await peer.PingAsync().WaitAsync(PeerPair.Timeout);

            // A later connection to the known v1-only address uses v1 at once.
            var again = await Peer.ConnectAsync(config, "127.0.0.1", listener.Port).WaitAsync(PeerPair.Timeout);
            Assert.Equal("v1", again.TransportName);
            await again.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
            Assert.Equal(3, listener.Accepted);
            Assert.Single(Snapshot(reasons));
            again.Disconnect();
            await again.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }
        finally
        {
            peer.Disconnect();
            await peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }
    }

    [Fact]
    public async Task An_outbound_peer_that_reconnects_on_fallback_ends_with_V1Fallback_and_the_next_one_speaks_v1()
    {
        var config = Config(V2TransportMode.Preferred);
        await using var listener = new PeerListener(Config(V2TransportMode.Off));

        var first = await listener.DialAsync(config, reconnectsOnV1Fallback: true);
        Assert.Equal("v2", first.TransportName);
        var reason = await Eventually.DisconnectedAsync(first);
        Assert.Equal(DisconnectKind.V1Fallback, reason.Kind);
        Assert.Contains("v1", reason.Detail, StringComparison.Ordinal);
        Assert.True(config.V1OnlyAddresses.Contains(listener.EndPoint));

        var second = await listener.DialAsync(config, reconnectsOnV1Fallback: true);
        try
        {
            Assert.Equal("v1", second.TransportName);
            await second.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        }
        finally
        {
            second.Disconnect();
            await second.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }
    }

    [Fact]
    public async Task An_outbound_peer_that_does_not_reconnect_speaks_v1_to_a_remote_of_unknown_services()
    {
        var config = Config(V2TransportMode.Preferred);
        await using var listener = new PeerListener(Config(V2TransportMode.Off));

        var peer = await listener.DialAsync(config, reconnectsOnV1Fallback: false);
        try
        {
            Assert.Equal("v1", peer.TransportName);
            await peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        }
        finally
        {
            peer.Disconnect();
            await peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }
    }

    [Fact]
    public async Task Required_does_not_fall_back_to_v1()
    {
        var reasons = new List<DisconnectReason>();
        var config = Recording(V2TransportMode.Required, reasons);
        await using var listener = new PeerListener(Config(V2TransportMode.Off));

        var peer = await Peer.ConnectAsync(config, "127.0.0.1", listener.Port).WaitAsync(PeerPair.Timeout);
        Assert.Equal("v2", peer.TransportName);
        var reason = await Eventually.DisconnectedAsync(peer);

        Assert.NotEqual(DisconnectKind.V1Fallback, reason.Kind);
        Assert.Equal(0, config.V1OnlyAddresses.Count);
        Assert.All(Snapshot(reasons), r => Assert.NotEqual(DisconnectKind.V1Fallback, r.Kind));
        await Assert.ThrowsAsync<PeerDisconnectedException>(() => peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout));
    }

    [Fact]
    public async Task A_v1_client_is_served_v1_by_a_preferred_listener()
    {
        await using var pair = await PeerPair.HandshakeAsync(Config(V2TransportMode.Off), Config(V2TransportMode.Preferred));

        Assert.Equal("v1", pair.Client.TransportName);
        Assert.Equal("v1", pair.Server.TransportName);
        Assert.Null(pair.Server.SessionId);
        Assert.Equal("v1", pair.Server.GetStats().Transport);
        await pair.Server.PingAsync().WaitAsync(PeerPair.Timeout);
    }

    [Fact]
    public async Task A_required_listener_refuses_a_v1_client()
    {
        await using var pair = await PeerPair.ConnectAsync(Config(V2TransportMode.Off), Config(V2TransportMode.Required));

        var reason = await Eventually.DisconnectedAsync(pair.Server);
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.TransportNotAccepted, reason.ProtocolError);
        await Eventually.DisconnectedAsync(pair.Client);
    }

    [Fact]
    public async Task A_v1_version_with_another_networks_magic_is_named_by_a_preferred_listener()
    {
        await using var raw = await RawPeer.ConnectAsync(Config(V2TransportMode.Preferred), PeerDirection.Inbound);

        await raw.SendRawAsync(Frame.ToArray(BitcoinNetwork.Testnet3.Magic, RawPeer.Version()));
        var reason = await Eventually.DisconnectedAsync(raw.Peer);

        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.BadMagic, reason.ProtocolError);
        Assert.StartsWith("wrong network: the remote speaks testnet3", reason.Detail, StringComparison.Ordinal);
        Assert.Contains("we speak regtest", reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_preferred_to_a_v1_node_that_speaks_first_falls_back_to_v1()
    {
        // Like bcoin: the listener sends its version as soon as it accepts, before reading anything.
        var reasons = new List<DisconnectReason>();
        var config = Recording(V2TransportMode.Preferred, reasons);
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var script = Task.Run(async () =>
        {
            using (var first = await server.AcceptSocketAsync())
            {
                await first.SendAsync(Frame.ToArray(config.Network.Magic, RawPeer.Version()));
                await ReadUntilClosedAsync(first);
            }

            using var second = await server.AcceptSocketAsync();
            await second.SendAsync(Frame.ToArray(config.Network.Magic, RawPeer.Version()));
            return await ReadExactlyAsync(second, 24);
        });

        var peer = await Peer.ConnectAsync(config, "127.0.0.1", ((IPEndPoint)server.LocalEndpoint).Port).WaitAsync(PeerPair.Timeout);
        try
        {
            var header = await script.WaitAsync(PeerPair.Timeout);

            // The second connection opens with a v1 version header of our network.
            Assert.Equal(Frame.ToArray(config.Network.Magic, RawPeer.Version())[..16], header[..16]);
            Assert.Equal("v1", peer.TransportName);
            var fallback = Assert.Single(Snapshot(reasons), r => r.Kind == DisconnectKind.V1Fallback);
            Assert.Contains("v1 'version' message", fallback.Detail, StringComparison.Ordinal);
            Assert.True(config.V1OnlyAddresses.Contains(server.LocalEndpoint));
        }
        finally
        {
            peer.Disconnect();
            await peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        }
    }

    [Fact]
    public async Task Required_ends_on_a_v1_version_instead_of_a_key_as_transport_not_accepted()
    {
        var config = Config(V2TransportMode.Required);
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var script = Task.Run(async () =>
        {
            using var socket = await server.AcceptSocketAsync();
            await socket.SendAsync(Frame.ToArray(config.Network.Magic, RawPeer.Version()));
            await ReadUntilClosedAsync(socket);
        });

        var peer = await Peer.ConnectAsync(config, "127.0.0.1", ((IPEndPoint)server.LocalEndpoint).Port).WaitAsync(PeerPair.Timeout);
        var reason = await Eventually.DisconnectedAsync(peer);
        await script.WaitAsync(PeerPair.Timeout);

        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.TransportNotAccepted, reason.ProtocolError);
        Assert.Equal(0, config.V1OnlyAddresses.Count);
    }

    [Fact]
    public async Task Our_v2_key_answered_with_another_networks_version_is_named()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var answer = Task.Run(async () =>
        {
            using var socket = await server.AcceptSocketAsync();
            var key = new byte[64];
            int read = 0;
            while (read < key.Length)
            {
                read += await socket.ReceiveAsync(key.AsMemory(read));
            }

            await socket.SendAsync(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, RawPeer.Version()));
            await Task.Delay(TimeSpan.FromSeconds(1));
        });

        var peer = await Peer.ConnectAsync(Config(V2TransportMode.Required), "127.0.0.1", ((IPEndPoint)server.LocalEndpoint).Port).WaitAsync(PeerPair.Timeout);
        var reason = await Eventually.DisconnectedAsync(peer);
        await answer.WaitAsync(PeerPair.Timeout);

        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.BadMagic, reason.ProtocolError);
        Assert.StartsWith("wrong network: the remote speaks mainnet", reason.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(V2TransportMode.Off, false)]
    [InlineData(V2TransportMode.Preferred, true)]
    public async Task NODE_P2P_V2_is_advertised_only_when_v2_is_on(V2TransportMode mode, bool advertised)
    {
        // An outbound peer of unknown remote services speaks v1 under Preferred, so a v1 remote reads its version.
        await using var raw = await RawPeer.ConnectAsync(Config(mode), PeerDirection.Outbound);
        var version = await raw.ExpectAsync<VersionMessage>("version");

        Assert.Equal(advertised, (version.Services & ServiceFlags.P2PV2) != 0);
    }

    [Fact]
    public async Task NODE_P2P_V2_is_advertised_when_v2_is_required()
    {
        await using var raw = await RawV2Peer.ConnectAsync(Config(V2TransportMode.Required));
        await raw.HandshakeAsync();
        await raw.SendAsync(RawPeer.Version());
        var (payload, _) = await raw.ReceiveUntilAsync("version");

        Assert.NotEqual(ServiceFlags.None, WireSerializer.Decode<VersionMessage>(payload).Services & ServiceFlags.P2PV2);
    }

    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var scratch = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(scratch.AsMemory()).AsTask().WaitAsync(PeerPair.Timeout) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset by the peer: closed all the same.
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var bytes = new byte[count];
        int read = 0;
        while (read < count)
        {
            int got = await socket.ReceiveAsync(bytes.AsMemory(read)).AsTask().WaitAsync(PeerPair.Timeout);
            Assert.True(got > 0, "closed before a v1 header arrived");
            read += got;
        }

        return bytes;
    }
}
