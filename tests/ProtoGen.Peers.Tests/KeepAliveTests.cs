using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Keep-alive on the fake clock: the periodic ping (Bitcoin Core: first right after the handshake, then every
/// PING_INTERVAL), pong answers, round-trip time, the ping timeout (TIMEOUT_INTERVAL), and BIP31 below 60001.
/// </summary>
public class KeepAliveTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(30)]
    public async Task First_ping_right_after_the_handshake_then_every_interval(int? intervalSeconds)
    {
        var clock = new ProtocolClock();
        var interval = intervalSeconds is null ? PeerDefaults.PingInterval : TimeSpan.FromSeconds(intervalSeconds.Value);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, pingInterval: intervalSeconds is null ? null : interval), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        clock.AdvanceTick();
        var first = await raw.ExpectAsync<PingMessage>("ping");
        Assert.NotEqual(0UL, first.Nonce);
        await raw.SendAsync(new PongMessage { Nonce = first.Nonce });
        await Eventually.TrueAsync(() => raw.Peer.GetStats().LastPingRoundTrip is not null, "the pong was matched");

        // One tick short of the interval: no second ping yet (a ping barrier would have flushed it out).
        clock.Advance(interval - ProtocolClock.Tick);
        Assert.DoesNotContain("ping", await raw.PingBarrierAsync());

        clock.AdvanceTick();
        var second = await raw.ExpectAsync<PingMessage>("ping");
        Assert.NotEqual(0UL, second.Nonce);
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.Equal(second.Nonce, raw.Peer.GetStats().LastPingNonce);
        Assert.True(raw.Peer.GetStats().PingOutstanding);
    }

    [Fact]
    public async Task No_new_ping_while_one_is_outstanding()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        var first = await raw.ExpectAsync<PingMessage>("ping");

        clock.Advance(PeerDefaults.PingInterval * 3);

        Assert.DoesNotContain("ping", await raw.PingBarrierAsync());
        Assert.Equal(first.Nonce, raw.Peer.GetStats().LastPingNonce);
    }

    [Theory]
    [InlineData(0x0123_4567_89ab_cdefUL)]
    [InlineData(1UL)]
    [InlineData(0UL)]
    public async Task Remote_ping_is_answered_with_the_same_nonce(ulong nonce)
    {
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(listener: log), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        await raw.SendAsync(new PingMessage { Nonce = nonce });
        var (pong, _) = await raw.ReceiveUntilAsync<PongMessage>("pong");

        Assert.Equal(nonce, pong.Nonce);
        await log.WaitForAsync("ping");
    }

    [Fact]
    public async Task Round_trip_time_is_measured_from_the_matching_pong()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        var ping = await raw.ExpectAsync<PingMessage>("ping");
        var sentAt = clock.Time.GetUtcNow();
        Assert.Equal(sentAt, raw.Peer.GetStats().LastPingTime);

        clock.Advance(TimeSpan.FromMilliseconds(1_500));
        await raw.SendAsync(new PongMessage { Nonce = ping.Nonce });
        await Eventually.TrueAsync(() => raw.Peer.GetStats().LastPingRoundTrip is not null, "the pong was matched");

        var stats = raw.Peer.GetStats();
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), stats.LastPingRoundTrip);
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), stats.MinPingRoundTrip);
        Assert.False(stats.PingOutstanding);

        // A faster second round trip lowers the minimum (the next ping is due one interval after the first was sent).
        clock.Advance(PeerDefaults.PingInterval - TimeSpan.FromMilliseconds(1_500));
        var second = await raw.ExpectAsync<PingMessage>("ping");
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await raw.SendAsync(new PongMessage { Nonce = second.Nonce });
        await Eventually.TrueAsync(() => raw.Peer.GetStats().LastPingRoundTrip == TimeSpan.FromMilliseconds(500), "the second pong was matched");
        Assert.Equal(TimeSpan.FromMilliseconds(500), raw.Peer.GetStats().MinPingRoundTrip);
    }

    [Fact]
    public async Task Pong_with_the_wrong_nonce_is_ignored()
    {
        var clock = new ProtocolClock();
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, log), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        var ping = await raw.ExpectAsync<PingMessage>("ping");

        await raw.SendAsync(new PongMessage { Nonce = ping.Nonce ^ 0xffff });
        await log.WaitForAsync("pong");

        var stats = raw.Peer.GetStats();
        Assert.True(stats.PingOutstanding);
        Assert.Null(stats.LastPingRoundTrip);

        clock.Advance(TimeSpan.FromSeconds(1));
        await raw.SendAsync(new PongMessage { Nonce = ping.Nonce });
        await log.WaitForAsync("pong", 2);
        Assert.False(raw.Peer.GetStats().PingOutstanding);
        Assert.Equal(TimeSpan.FromSeconds(1), raw.Peer.GetStats().LastPingRoundTrip);
    }

    [Fact]
    public async Task Pong_with_a_zero_nonce_cancels_the_ping()
    {
        var clock = new ProtocolClock();
        var log = new MessageLog();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, log), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        await raw.ExpectAsync<PingMessage>("ping");

        await raw.SendAsync(new PongMessage { Nonce = 0 });
        await log.WaitForAsync("pong");

        var stats = raw.Peer.GetStats();
        Assert.False(stats.PingOutstanding);
        Assert.Null(stats.LastPingRoundTrip);

        // Cancelled, not timed: the next ping follows at the interval, and the old one never times out.
        clock.Advance(PeerDefaults.PingInterval);
        await raw.ExpectAsync<PingMessage>("ping");
        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task Unanswered_ping_disconnects_exactly_at_the_ping_timeout()
    {
        // The remote keeps talking (so the connection is not idle) but never answers our ping.
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        var ping = await raw.ExpectAsync<PingMessage>("ping");
        var deadline = PeerDefaults.PingTimeout;

        var elapsed = TimeSpan.Zero;
        var chunk = TimeSpan.FromMinutes(5);
        while (elapsed + chunk < deadline)
        {
            clock.Advance(chunk);
            elapsed += chunk;
            await raw.PingBarrierAsync();
        }

        clock.Advance(deadline - elapsed - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);
        Assert.True(raw.Peer.GetStats().PingOutstanding);

        clock.AdvanceTick();
        Assert.False(raw.Peer.IsConnected);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.PingTimeout, reason.Kind);
        Assert.Equal(ping.Nonce, raw.Peer.GetStats().LastPingNonce);
    }

    [Fact]
    public async Task Configured_ping_timeout_applies()
    {
        var clock = new ProtocolClock();
        var timeout = TimeSpan.FromSeconds(45);
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock, pingTimeout: timeout), PeerDirection.Inbound);
        await raw.HandshakeAsync();
        clock.AdvanceTick();
        await raw.ExpectAsync<PingMessage>("ping");

        clock.Advance(timeout - ProtocolClock.Tick);
        Assert.True(raw.Peer.IsConnected);
        clock.AdvanceTick();

        var reason = await Eventually.DisconnectedAsync(raw.Peer);
        Assert.Equal(DisconnectKind.PingTimeout, reason.Kind);
    }

    [Fact]
    public async Task Answered_pings_never_time_out()
    {
        var clock = new ProtocolClock();
        await using var raw = await RawPeer.ConnectAsync(ProtocolConfig.Create(clock), PeerDirection.Inbound);
        await raw.HandshakeAsync();

        // 25 minutes, answering every ping: longer than both the ping and the idle timeouts.
        for (int i = 0; i < 13; i++)
        {
            clock.Advance(i == 0 ? ProtocolClock.Tick : PeerDefaults.PingInterval);
            var ping = await raw.ExpectAsync<PingMessage>("ping");
            await raw.SendAsync(new PongMessage { Nonce = ping.Nonce });
            await Eventually.TrueAsync(() => !raw.Peer.GetStats().PingOutstanding, "the pong was matched");
        }

        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task Below_BIP31_pings_carry_no_nonce_and_no_pong_is_expected_or_sent()
    {
        var clock = new ProtocolClock();
        var log = new MessageLog();

        // A listener that answers getaddr with an (empty) addr serves as a barrier: at version 60000 there is no pong.
        log.OnMessage = (peer, message) =>
        {
            if (message is GetAddrMessage)
            {
                peer.QueueMessage(new AddrMessage { Addresses = WireArray<TimestampedNetworkAddress>.Empty });
            }
        };
        var config = ProtocolConfig.Create(clock, log, idleTimeout: TimeSpan.Zero);
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        await raw.HandshakeAtAsync(60000);
        Assert.Equal(60000, raw.Peer.ProtocolVersion);

        // Our ping has an empty payload (no nonce) and nothing is awaited.
        clock.AdvanceTick();
        var (_, ourPing) = await raw.ReceiveFrameAsync();
        Assert.Empty(ourPing);
        Assert.False(raw.Peer.GetStats().PingOutstanding);

        // The remote's nonce-less ping is delivered but not answered.
        var oldContext = new WireContext(60000);
        await raw.SendAsync(new PingMessage(), oldContext);
        await raw.SendAsync(new GetAddrMessage(), oldContext);
        var (_, before) = await raw.ReceiveUntilAsync("addr");
        Assert.DoesNotContain("pong", before);
        Assert.Equal(1, log.Count("ping"));

        // Pings continue at the interval though none was answered, and no ping timeout ever fires.
        clock.Advance(PeerDefaults.PingInterval);
        var (command, payload) = await raw.ReceiveFrameAsync();
        Assert.Equal("ping", command.ToString());
        Assert.Empty(payload);
        clock.Advance(PeerDefaults.PingTimeout + PeerDefaults.PingInterval);
        Assert.True(raw.Peer.IsConnected);
    }
}
