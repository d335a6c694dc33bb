using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>Handshake: version exchange in both directions, negotiation, minimum version, nonces and self-connection, deadline.</summary>
public class HandshakeTests
{
    [Fact]
    public async Task Outbound_sends_its_version_first_and_answers_the_remotes_version()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Outbound);

        var version = await raw.ExpectAsync<VersionMessage>("version");
        Assert.Equal(70017, version.Version);
        Assert.Equal(new[] { "version" }, raw.Peer.GetStats().SentByCommand.Keys);
        Assert.False(raw.Peer.IsHandshakeComplete);

        await raw.SendAsync(RawPeer.Version());
        Assert.Equal("wtxidrelay", (await raw.ReceiveFrameAsync()).Command.ToString());
        Assert.Equal("sendaddrv2", (await raw.ReceiveFrameAsync()).Command.ToString());
        Assert.Equal("verack", (await raw.ReceiveFrameAsync()).Command.ToString());
        Assert.False(raw.Peer.IsHandshakeComplete);

        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        Assert.True(raw.Peer.IsHandshakeComplete);
        Assert.Equal("/RawPeer:1.0/", raw.Peer.RemoteVersion!.UserAgent);
    }

    [Fact]
    public async Task Inbound_waits_for_the_remotes_version_then_sends_its_own()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);

        // Ticks run (well inside the handshake deadline): an inbound peer still says nothing first.
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, raw.Peer.GetStats().MessagesSent);
        Assert.True(raw.Peer.IsConnected);

        await raw.SendAsync(RawPeer.Version());
        var version = await raw.ExpectAsync<VersionMessage>("version");
        Assert.Equal(70017, version.Version);
        Assert.Equal("wtxidrelay", (await raw.ReceiveFrameAsync()).Command.ToString());
        Assert.Equal("sendaddrv2", (await raw.ReceiveFrameAsync()).Command.ToString());
        Assert.Equal("verack", (await raw.ReceiveFrameAsync()).Command.ToString());

        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
    }

    [Fact]
    public async Task The_handshake_completes_after_the_listener_has_had_the_verack()
    {
        // A listener busy with the verack (a server adding the peer to its list): the handshake is not complete for
        // code awaiting it until the listener has returned.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new ManualResetEventSlim();
        var listener = new BitcoinListeners<Peers.Peer>
        {
            OnVerAck = (_, _) =>
            {
                entered.TrySetResult();
                Assert.True(gate.Wait(PeerPair.Timeout), "the test opened the gate");
            },
        };
        var pair = await PeerPair.ConnectAsync(TestConfig.Create(listener), TestConfig.Create());
        await using (pair)
        {
            await entered.Task.WaitAsync(PeerPair.Timeout);
            Assert.False(pair.Client.WaitForHandshakeAsync().IsCompleted, "the handshake completed while the listener still had the verack");
            gate.Set();
            await pair.Client.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
            await pair.Server.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        }
    }

    [Theory]
    [InlineData(70016, 70016)]
    [InlineData(70016, 70015)]
    [InlineData(70014, 70016)]
    [InlineData(70012, 70013)]
    [InlineData(70001, 70016)]
    public async Task Negotiated_version_is_the_minimum_on_both_sides(int clientVersion, int serverVersion)
    {
        await using var pair = await PeerPair.HandshakeAsync(
            ProtocolConfig.Create(protocolVersion: clientVersion),
            ProtocolConfig.Create(protocolVersion: serverVersion));

        int expected = Math.Min(clientVersion, serverVersion);
        Assert.Equal(expected, pair.Client.ProtocolVersion);
        Assert.Equal(expected, pair.Server.ProtocolVersion);

        // Each side advertised its own maximum.
        Assert.Equal(serverVersion, pair.Client.RemoteVersion!.Version);
        Assert.Equal(clientVersion, pair.Server.RemoteVersion!.Version);
        Assert.Equal(serverVersion, pair.Client.GetStats().RemoteProtocolVersion);
    }

    [Theory]
    [InlineData(70016, 70016)]
    [InlineData(70015, 70015)]
    [InlineData(60000, 60000)]
    [InlineData(31800, 31800)]
    [InlineData(70017, 70017)]
    [InlineData(80000, 70017)]
    public async Task Negotiated_version_with_a_raw_remote(int remoteVersion, int expected)
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);

        await raw.HandshakeAtAsync(remoteVersion);

        Assert.Equal(expected, raw.Peer.ProtocolVersion);
        Assert.Equal(remoteVersion, raw.Peer.RemoteVersion!.Version);
    }

    [Theory]
    [InlineData(31799, null, PeerDirection.Inbound)]
    [InlineData(31799, null, PeerDirection.Outbound)]
    [InlineData(209, null, PeerDirection.Inbound)]
    [InlineData(70001, 70002, PeerDirection.Inbound)]
    [InlineData(70015, 70016, PeerDirection.Outbound)]
    public async Task Remote_below_the_minimum_is_disconnected_as_obsolete(int remoteVersion, int? minimum, PeerDirection direction)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log, minProtocolVersion: minimum), direction);
        if (direction == PeerDirection.Outbound)
        {
            await raw.ExpectAsync<VersionMessage>("version");
        }

        await raw.SendAsync(RawPeer.Version(remoteVersion));

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.ObsoleteVersion, reason.Kind);
        Assert.False(raw.Peer.IsHandshakeComplete);
        Assert.Empty(log.Messages);
        Assert.Equal(direction == PeerDirection.Outbound ? 1 : 0, raw.Peer.GetStats().MessagesSent);
    }

    [Theory]
    [InlineData(31800, null)]
    [InlineData(70002, 70002)]
    [InlineData(70016, 70016)]
    public async Task Remote_at_the_minimum_is_accepted(int remoteVersion, int? minimum)
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(minProtocolVersion: minimum), PeerDirection.Inbound);

        await raw.HandshakeAtAsync(remoteVersion);

        Assert.True(raw.Peer.IsHandshakeComplete);
        Assert.Equal(remoteVersion, raw.Peer.ProtocolVersion);
    }

    [Fact]
    public async Task Version_nonces_are_random_and_never_zero()
    {
        var nonces = new NonceCache();
        await using var first = await RawPeer.ConnectAsync(ProtocolConfig.Create(nonces: nonces), PeerDirection.Outbound);
        await using var second = await RawPeer.ConnectAsync(ProtocolConfig.Create(nonces: nonces), PeerDirection.Outbound);

        var a = (await first.ExpectAsync<VersionMessage>("version")).Nonce!.Value;
        var b = (await second.ExpectAsync<VersionMessage>("version")).Nonce!.Value;

        Assert.NotEqual(0UL, a);
        Assert.NotEqual(0UL, b);
        Assert.NotEqual(a, b);
        Assert.True(nonces.Contains(a));
        Assert.True(nonces.Contains(b));
    }

    [Fact]
    public void Nonce_cache_creates_distinct_non_zero_nonces_and_keeps_the_most_recent()
    {
        var cache = new NonceCache(capacity: 50);
        var created = Enumerable.Range(0, 1_000).Select(_ => cache.Create()).ToList();

        Assert.DoesNotContain(0UL, created);
        Assert.Equal(created.Count, created.Distinct().Count());
        Assert.False(cache.Contains(0));
        Assert.All(created.TakeLast(50), n => Assert.True(cache.Contains(n)));
        Assert.False(cache.Contains(created[0]));
        Assert.False(new NonceCache().Contains(created[^1]));
    }

    [Fact]
    public async Task Inbound_version_echoing_a_nonce_from_the_shared_cache_is_a_self_connection()
    {
        var nonces = new NonceCache();
        ulong ours = nonces.Create();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(nonces: nonces), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version(nonce: ours));

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.SelfConnection, reason.Kind);
        Assert.Equal(0, raw.Peer.GetStats().MessagesSent);
    }

    [Fact]
    public async Task Outbound_peer_that_gets_its_own_nonce_back_is_a_self_connection()
    {
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Outbound);
        var version = await raw.ExpectAsync<VersionMessage>("version");

        await raw.SendAsync(RawPeer.Version(nonce: version.Nonce!.Value));

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.SelfConnection, reason.Kind);
    }

    [Fact]
    public async Task A_nonce_from_another_cache_is_not_a_self_connection()
    {
        ulong foreign = new NonceCache().Create();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(), PeerDirection.Inbound);

        await raw.HandshakeAsync(RawPeer.Version(nonce: foreign));

        Assert.True(raw.Peer.IsHandshakeComplete);
    }

    [Fact]
    public async Task Connecting_to_our_own_listener_is_detected()
    {
        // One node: one configuration, one nonce cache, for its listener and for the connection it dials.
        var config = ProtocolConfig.Create(nonces: new NonceCache());
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync();
            var inbound = Peers.Peer.Inbound(config, new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint);
            inbound.Start();
            return inbound;
        });

        var outbound = await Peers.Peer.ConnectAsync(config, "127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(PeerPair.Timeout);
        var inbound = await accepted.WaitAsync(PeerPair.Timeout);
        try
        {
            var inboundReason = await Eventually.DisconnectedAsync(inbound);
            Assert.Equal(DisconnectKind.SelfConnection, inboundReason.Kind);

            // The inbound side hangs up without a version, so the dialling side ends without a handshake.
            var outboundReason = await Eventually.DisconnectedAsync(outbound);
            Assert.NotEqual(DisconnectKind.None, outboundReason.Kind);
            Assert.False(outbound.IsHandshakeComplete);
            await Assert.ThrowsAsync<PeerDisconnectedException>(() => outbound.WaitForHandshakeAsync());
        }
        finally
        {
            outbound.Disconnect();
            inbound.Disconnect();
            await Task.WhenAll(outbound.WaitForDisconnectAsync(), inbound.WaitForDisconnectAsync()).WaitAsync(PeerPair.Timeout);
        }
    }

    [Fact]
    public async Task Two_nodes_with_separate_caches_connect()
    {
        await using var pair = await PeerPair.HandshakeAsync(ProtocolConfig.Create(nonces: new NonceCache()), ProtocolConfig.Create(nonces: new NonceCache()));

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
    }

    [Theory]
    [InlineData(null, PeerDirection.Inbound)]
    [InlineData(null, PeerDirection.Outbound)]
    [InlineData(7, PeerDirection.Inbound)]
    [InlineData(7, PeerDirection.Outbound)]
    public async Task Remote_that_never_sends_version_times_out_exactly_at_the_deadline(int? seconds, PeerDirection direction)
    {
        var clock = new ProtocolClock();
        var timeout = seconds is null ? PeerDefaults.HandshakeTimeout : TimeSpan.FromSeconds(seconds.Value);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, handshakeTimeout: seconds is null ? null : timeout), direction);

        clock.Advance(timeout - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.HandshakeTimeout, reason.Kind);
        Assert.Contains("no version", reason.Detail, StringComparison.Ordinal);
        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(7)]
    public async Task Remote_that_sends_version_but_never_verack_times_out_exactly_at_the_deadline(int? seconds)
    {
        var clock = new ProtocolClock();
        var timeout = seconds is null ? PeerDefaults.HandshakeTimeout : TimeSpan.FromSeconds(seconds.Value);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, handshakeTimeout: seconds is null ? null : timeout), PeerDirection.Inbound);

        await raw.SendAsync(RawPeer.Version());
        await raw.ReceiveUntilAsync("verack");
        Assert.NotNull(raw.Peer.RemoteVersion);

        clock.Advance(timeout - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.HandshakeTimeout, reason.Kind);
        Assert.Contains("no verack", reason.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PeerDisconnectedException>(() => raw.Peer.WaitForHandshakeAsync());
    }

    [Fact]
    public async Task Completed_handshake_is_not_subject_to_the_handshake_deadline()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        clock.Advance(PeerDefaults.HandshakeTimeout * 2);

        Assert.True(raw.Peer.IsConnected);
    }
}
