using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;
using static ProtoGen.Peers.Tests.Transport.V2.Bip324TestData;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// Hostile v2 input: each case ends in a typed <see cref="ProtocolException"/>, after bounded work and memory, or
/// (decoys after the handshake) is reported so the transport can apply its policy.
/// </summary>
public class V2HostileInputTests
{
    private static readonly uint s_magic = BitcoinNetwork.Mainnet.Magic;

    [Fact]
    public void Garbage_of_4095_bytes_is_accepted_but_not_one_byte_more_without_a_terminator()
    {
        using var victim = AwaitingGarbage(out _);

        // 4111 bytes may still end with the terminator, so they are all taken; the next byte cannot help.
        var garbage = Bytes(V2Protocol.MaxGarbageLength + V2Protocol.GarbageTerminatorSize - 1, 11);
        Assert.Equal(garbage.Length, victim.Receive(garbage));
        Assert.Equal(V2HandshakeState.AwaitingGarbageTerminator, victim.State);
        var error = Assert.Throws<ProtocolException>(() => victim.Receive(new byte[] { 0x55, 0x66 }));
        Assert.Equal(ProtocolError.MissingGarbageTerminator, error.Error);
    }

    [Fact]
    public void A_flood_of_garbage_in_one_read_fails_after_4111_bytes()
    {
        using var victim = AwaitingGarbage(out _);
        var error = Assert.Throws<ProtocolException>(() => victim.Receive(Bytes(1_000_000, 12)));
        Assert.Equal(ProtocolError.MissingGarbageTerminator, error.Error);
    }

    [Fact]
    public void A_tampered_version_packet_fails_authentication()
    {
        var (initiator, responder) = Pair(s_magic, Bytes(50, 1), Bytes(60, 2));
        responder.Receive(TakeSend(initiator));
        var answer = TakeSend(responder);
        answer[^1] ^= 0x01;
        var error = Assert.Throws<ProtocolException>(() => initiator.Receive(answer));
        Assert.Equal(ProtocolError.DecryptionFailed, error.Error);
        initiator.Dispose();
        responder.Dispose();
    }

    [Fact]
    public void Tampered_garbage_fails_authentication_of_the_first_packet()
    {
        var (initiator, responder) = Pair(s_magic, Bytes(50, 1), Bytes(60, 2));
        responder.Receive(TakeSend(initiator));
        var answer = TakeSend(responder);
        answer[64 + 10] ^= 0x01;
        var error = Assert.Throws<ProtocolException>(() => initiator.Receive(answer));
        Assert.Equal(ProtocolError.DecryptionFailed, error.Error);
        initiator.Dispose();
        responder.Dispose();
    }

    [Fact]
    public void A_tampered_application_packet_fails_authentication()
    {
        using var link = Completed();
        var wire = new ArrayBufferWriter<byte>();
        link.Initiator.Encoder.WriteMessage(wire, new PingMessage { Nonce = 1 }, default);
        var bytes = wire.WrittenSpan.ToArray();
        bytes[5] ^= 0x80;
        var buffer = new ReadOnlySequence<byte>(bytes);
        var error = Assert.Throws<ProtocolException>(() => link.Responder.Decoder.TryRead(ref buffer, out _));
        Assert.Equal(ProtocolError.DecryptionFailed, error.Error);
    }

    [Fact]
    public void A_length_over_the_limit_is_refused_from_its_3_bytes_before_anything_is_allocated()
    {
        using var link = Completed();

        // A packet one byte over the limit, of which the victim receives only the 3 length bytes.
        var oversized = new byte[V2Packet.SizeOf(V2Packet.MaxContentsLength + 1)];
        link.Initiator.Encoder.Encrypt(new byte[V2Packet.MaxContentsLength + 1], oversized);
        var buffer = new ReadOnlySequence<byte>(oversized.AsMemory(0, V2Packet.LengthSize));
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ProtocolException>(() => link.Responder.Decoder.TryRead(ref buffer, out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64 * 1024, "nothing sized by the length is allocated");
        Assert.Equal(ProtocolError.PayloadTooLarge, error.Error);
        Assert.Contains("4000014", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_at_the_limit_is_accepted()
    {
        using var link = Completed();
        var wire = new ArrayBufferWriter<byte>();
        var payload = Bytes(ProtocolLimits.MaxMessagePayload, 3);
        link.Initiator.Encoder.WriteMessage(wire, MessageCommand.Parse("sendtxrcncl"), payload);
        Assert.Equal(V2Packet.SizeOf(V2Packet.MaxContentsLength), wire.WrittenCount);
        var buffer = V2Link.Segmented(wire.WrittenSpan.ToArray(), 64 * 1024);
        Assert.Equal(V2ReadStatus.Packet, link.Responder.Decoder.TryRead(ref buffer, out var contents));
        Assert.True(contents.Span.Slice(V2MessageType.LongFormSize).SequenceEqual(payload));
    }

    [Fact]
    public void The_encoder_refuses_a_message_over_the_limit()
    {
        using var link = Completed();
        var error = Assert.Throws<ProtocolException>(() => link.Initiator.Encoder.WriteMessage(new ArrayBufferWriter<byte>(), MessageCommand.Parse("sendtxrcncl"), new byte[ProtocolLimits.MaxMessagePayload + 1]));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, error.Error);
    }

    [Fact]
    public void Decoys_before_the_version_packet_are_bounded()
    {
        Assert.Equal(ProtocolError.None, DecoysBeforeVersion(V2Protocol.MaxDecoysBeforeVersion));
        Assert.Equal(ProtocolError.TooManyDecoys, DecoysBeforeVersion(V2Protocol.MaxDecoysBeforeVersion + 1));
    }

    [Fact]
    public void A_flood_of_decoys_after_the_handshake_is_reported_one_by_one_in_bounded_memory()
    {
        // Each decoy costs the sender as many bytes as it costs us to verify; memory stays one packet. Ending such a
        // stream is the transport's policy (ConsecutiveDecoys, or the peer's idle timer: decoys are not messages).
        using var link = Completed();
        var wire = new ArrayBufferWriter<byte>();
        const int Decoys = 20_000;
        for (int i = 0; i < Decoys; i++)
        {
            link.Initiator.Encoder.WriteDecoy(wire, i % 100);
        }

        link.Initiator.Encoder.WriteMessage(wire, new PingMessage { Nonce = 9 }, default);
        var buffer = new ReadOnlySequence<byte>(wire.WrittenMemory);
        var decoder = link.Responder.Decoder;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int reported = 0;
        while (decoder.TryRead(ref buffer, out _) == V2ReadStatus.Decoy)
        {
            reported++;
        }

        long perDecoy = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Decoys;
        Assert.Equal(Decoys, reported);
        Assert.True(perDecoy < 16, $"decoys are verified in a reused pooled buffer ({perDecoy} bytes allocated per decoy)");
        // The loop above already read the ping that ends the flood.
        Assert.Equal(0, decoder.ConsecutiveDecoys);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Contents_that_name_no_message_are_reported_not_thrown()
    {
        Assert.False(V2MessageType.TryRead([], out _, out _));
        Assert.False(V2MessageType.TryRead([29], out _, out _));
        Assert.False(V2MessageType.TryRead([255, 1, 2], out _, out _));
        Assert.False(V2MessageType.TryRead([0, (byte)'p', (byte)'i'], out _, out _));
        Assert.False(V2MessageType.TryRead([0, (byte)'p', 0, (byte)'x', 0, 0, 0, 0, 0, 0, 0, 0, 0], out _, out _));
        Assert.False(V2MessageType.TryRead([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], out _, out _));
        Assert.True(V2MessageType.TryRead([0, (byte)'p', (byte)'i', (byte)'n', (byte)'g', 0, 0, 0, 0, 0, 0, 0, 0, 7], out var command, out int size));
        Assert.Equal(PingMessage.Command, command);
        Assert.Equal(13, size);
    }

    [Fact]
    public void The_handshake_holds_at_most_the_key_the_garbage_and_its_own_send_bytes()
    {
        // The key came one byte at a time (AwaitingGarbage); the send queue is at its maximum (4095 bytes of garbage).
        using var victim = AwaitingGarbage(out _);
        Assert.Equal(1, victim.BytesNeeded);
        Assert.Equal(4000, victim.Receive(Bytes(4000, 1)));
        Assert.Equal(V2HandshakeState.AwaitingGarbageTerminator, victim.State);
        Assert.Equal(V2Protocol.MaxHandshakeSend, victim.PendingSend.Length);
    }

    [Fact]
    public void A_partial_packet_stays_in_the_callers_buffer_until_all_its_bytes_are_there()
    {
        using var link = Completed();
        var wire = new ArrayBufferWriter<byte>();
        link.Initiator.Encoder.WriteMessage(wire, MessageCommand.Parse("sendtxrcncl"), new byte[ProtocolLimits.MaxMessagePayload]);
        var decoder = link.Responder.Decoder;
        var partial = new ReadOnlySequence<byte>(wire.WrittenMemory.Slice(0, 1003));
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(V2ReadStatus.Incomplete, decoder.TryRead(ref partial, out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64 * 1024, "nothing is allocated for the packet yet");
        Assert.Equal(1000, partial.Length);
        Assert.Equal(V2Packet.MaxContentsLength, decoder.ContentsLength);
        Assert.Equal(V2Packet.HeaderSize + V2Packet.MaxContentsLength + V2Packet.TagSize, decoder.BytesNeeded);
        var rest = new ReadOnlySequence<byte>(wire.WrittenMemory.Slice(3));
        Assert.Equal(V2ReadStatus.Packet, decoder.TryRead(ref rest, out var contents));
        Assert.Equal(V2Packet.MaxContentsLength, contents.Length);
    }

    private static V2Handshake AwaitingGarbage(out V2Handshake remote)
    {
        remote = V2Handshake.Create(true, s_magic, V2KeyPair.Generate(), []);
        var victim = V2Handshake.Create(false, s_magic, V2KeyPair.Generate(), Bytes(V2Protocol.MaxGarbageLength, 9));
        var key = TakeSend(remote);

        // Like a socket reader: one more byte arrives each time and unconsumed bytes are offered again (a key whose
        // first byte is the magic's first byte is held until a second byte rules out a v1 header).
        int consumed = 0;
        for (int arrived = 1; arrived <= key.Length; arrived++)
        {
            consumed += victim.Receive(key.AsSpan(consumed, arrived - consumed));
        }

        Assert.Equal(key.Length, consumed);

        Assert.Equal(V2HandshakeState.AwaitingGarbageTerminator, victim.State);
        Assert.Equal(V2Protocol.MaxHandshakeSend, victim.PendingSend.Length);
        remote.Dispose();
        return victim;
    }

    private static V2Link Completed()
    {
        var (initiator, responder) = Pair(s_magic);
        var link = new V2Link(initiator, responder);
        Assert.True(link.Run());
        return link;
    }

    /// <summary>
    /// Runs a handshake where a forged responder (keys derived here from both private keys) sends
    /// <paramref name="decoys"/> decoys between its garbage terminator and its version packet.
    /// </summary>
    private static ProtocolError DecoysBeforeVersion(int decoys)
    {
        using var initiator = V2Handshake.Create(true, s_magic, V2KeyPair.Generate(), []);
        using var responderKey = V2KeyPair.Generate();
        var initiatorKey = TakeSend(initiator);
        var secret = new byte[32];
        V2KeyExchange.ComputeSharedSecret(responderKey, initiatorKey, initiator: false, secret);
        using var keys = V2KeyExchange.DeriveKeys(secret, s_magic, initiator: false);
        using var encoder = keys.CreateEncoder();

        // Key, no garbage, terminator; the first decoy authenticates the (empty) garbage.
        var wire = new ArrayBufferWriter<byte>();
        wire.Write(responderKey.Encoding);
        wire.Write(keys.SendGarbageTerminator);
        for (int i = 0; i < decoys; i++)
        {
            encoder.WriteDecoy(wire, i);
        }

        var version = new byte[V2Packet.Expansion];
        encoder.Encrypt(ReadOnlySpan<byte>.Empty, version, decoy: false);
        wire.Write(version);
        try
        {
            Assert.Equal(wire.WrittenCount, initiator.Receive(wire.WrittenSpan));
            Assert.True(initiator.IsComplete);
            return ProtocolError.None;
        }
        catch (ProtocolException e)
        {
            return e.Error;
        }
    }
}
