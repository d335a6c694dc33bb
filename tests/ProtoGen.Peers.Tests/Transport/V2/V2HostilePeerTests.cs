using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// Hostile v2 input from a scripted remote against a real inbound peer over loopback TCP: each case ends the peer
/// with a typed reason and holds no more than a packet's worth of the remote's bytes (a private
/// <see cref="PeerBudget"/> records the peak), or, for decoys after the handshake, keeps the peer and holds nothing.
/// </summary>
public sealed class V2HostilePeerTests
{
    /// <summary>
    /// The most the peer may hold of a hostile remote's bytes in these cases (they never complete a large packet):
    /// a handshake's worth plus slack, far below what the remote sends.
    /// </summary>
    private const long HeldBound = 64 * 1024;

    private static PeerConfig Config(PeerBudget budget, TimeSpan? handshakeTimeout = null) =>
        ProtocolConfig.Create(handshakeTimeout: handshakeTimeout) with { V2Transport = V2TransportMode.Preferred, Budget = budget };

    [Fact]
    public async Task Garbage_past_4095_bytes_without_a_terminator_ends_the_peer()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget));

        // A megabyte of garbage after the key: the peer gives up after 4095 + 16 bytes and closes.
        try
        {
            await raw.SendKeyAsync(RawV2Peer.Garbage(1_000_000, seed: 4));
        }
        catch (IOException)
        {
            // The peer closed first: what it had read was enough to end it.
        }

        var reason = await Eventually.DisconnectedAsync(raw.Peer);

        AssertViolation(reason, ProtocolError.MissingGarbageTerminator);
        AssertHeldLittle(budget);
    }

    [Fact]
    public async Task A_bad_tag_after_the_handshake_ends_the_peer()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget));
        await raw.HandshakeAsync();
        await raw.BitcoinHandshakeAsync();

        var packet = raw.Seal(new PingMessage { Nonce = 5 });
        packet[^1] ^= 0x01;
        await raw.SendRawAsync(packet);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);

        AssertViolation(reason, ProtocolError.DecryptionFailed);
        AssertHeldLittle(budget);
    }

    [Fact]
    public async Task A_length_over_the_limit_ends_the_peer_from_its_3_bytes()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget));
        await raw.HandshakeAsync();
        await raw.BitcoinHandshakeAsync();

        // A genuine packet one byte over the limit; only its encrypted length is sent.
        var packet = new byte[V2Packet.SizeOf(V2Packet.MaxContentsLength + 1)];
        raw.Encoder.Seal(packet);
        await raw.SendRawAsync(packet[..V2Packet.LengthSize]);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);

        AssertViolation(reason, ProtocolError.PayloadTooLarge);
        AssertHeldLittle(budget);
    }

    [Fact]
    public async Task More_decoys_than_allowed_before_the_version_packet_end_the_peer()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget));
        var garbage = RawV2Peer.Garbage(10);
        await raw.SendKeyAsync(garbage);
        await raw.ReceiveKeyAsync();

        await SendIgnoringCloseAsync(raw, garbage, decoys: V2Protocol.MaxDecoysBeforeVersion + 1);
        var reason = await Eventually.DisconnectedAsync(raw.Peer);

        AssertViolation(reason, ProtocolError.TooManyDecoys);
        AssertHeldLittle(budget);
    }

    [Fact]
    public async Task The_allowed_number_of_decoys_before_the_version_packet_is_accepted()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget));

        await raw.HandshakeAsync(decoysBeforeVersion: V2Protocol.MaxDecoysBeforeVersion);
        await raw.BitcoinHandshakeAsync();

        Assert.Equal("v2", raw.Peer.TransportName);
        Assert.True(raw.Peer.IsConnected);
    }

    [Fact]
    public async Task A_flood_of_decoys_after_the_handshake_is_dropped_and_the_peer_still_answers()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget));
        await raw.HandshakeAsync();
        await raw.BitcoinHandshakeAsync();

        // About 20 MB of decoys of up to 64 KiB each, in batches, then a ping.
        long sent = 0;
        var random = new Random(9);
        var batch = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 5_000; i++)
        {
            int length = i % 50 == 0 ? 64 * 1024 : random.Next(0, 8_000);
            raw.Encoder.WriteDecoy(batch, length);
            if (batch.WrittenCount > 256 * 1024)
            {
                await raw.SendRawAsync(batch.WrittenSpan.ToArray());
                sent += batch.WrittenCount;
                batch.Clear();
            }
        }

        await raw.SendRawAsync(batch.WrittenSpan.ToArray());
        sent += batch.WrittenCount;
        await raw.SendAsync(new PingMessage { Nonce = 31 });
        var (pong, _) = await raw.ReceiveUntilAsync("pong");

        Assert.Equal(31ul, WireSerializer.Decode<PongMessage>(pong).Nonce);
        Assert.True(raw.Peer.IsConnected, raw.Peer.DisconnectReason?.ToString());
        var stats = raw.Peer.GetStats();
        Assert.Equal(0, stats.PartialMessageBytes);
        Assert.Equal(0, budget.GetStats().PartialMessageBytes);
        Assert.True(budget.GetStats().PeakPartialMessageBytes < sent / 10, $"peak held {budget.GetStats().PeakPartialMessageBytes} of {sent}");
    }

    [Fact]
    public async Task A_stall_after_the_key_ends_the_peer_at_the_handshake_deadline()
    {
        var budget = new PeerBudget();
        await using var raw = await RawV2Peer.ConnectAsync(Config(budget, handshakeTimeout: TimeSpan.FromSeconds(1)));

        // Only the key: the peer answers with its own and waits for our garbage terminator, which never comes.
        await raw.SendKeyAsync([]);
        await raw.ReceiveKeyAsync();
        var reason = await Eventually.DisconnectedAsync(raw.Peer);

        Assert.Equal(DisconnectKind.HandshakeTimeout, reason.Kind);
        Assert.True(await raw.WaitForCloseAsync(PeerPair.Timeout));
        AssertHeldLittle(budget);
    }

    private static void AssertViolation(DisconnectReason reason, ProtocolError error)
    {
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(error, reason.ProtocolError);
    }

    /// <summary>Everything released once the peer stopped, and no more than a handshake's worth ever held.</summary>
    private static void AssertHeldLittle(PeerBudget budget)
    {
        var stats = budget.GetStats();
        Assert.Equal(0, stats.PartialMessageBytes);
        Assert.True(stats.PeakPartialMessageBytes <= HeldBound, $"peak held {stats.PeakPartialMessageBytes} bytes");
    }

    /// <summary>Sends our terminator and decoys; the peer may close part-way (it stops reading once it has seen enough).</summary>
    private static async Task SendIgnoringCloseAsync(RawV2Peer raw, byte[] garbage, int decoys)
    {
        try
        {
            await raw.SendTerminatorAndVersionAsync(garbage, decoys);
        }
        catch (IOException)
        {
        }
    }
}
