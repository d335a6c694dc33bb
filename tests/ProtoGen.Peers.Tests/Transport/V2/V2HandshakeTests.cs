using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;
using static ProtoGen.Peers.Tests.Transport.V2.Bip324TestData;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// Two handshake state machines, initiator and responder, completing in memory and then exchanging messages both
/// ways through their packet encoders and decoders.
/// </summary>
public class V2HandshakeTests
{
    private static readonly uint s_magic = BitcoinNetwork.Mainnet.Magic;

    [Theory]
    [InlineData(int.MaxValue, 0)]
    [InlineData(1, 0)]
    [InlineData(37, 0)]
    [InlineData(int.MaxValue, 5)]
    [InlineData(int.MaxValue, 1)]
    public void Both_roles_complete_with_maximum_garbage_and_equal_session_ids(int chunk, int segmentSize)
    {
        var (initiator, responder) = Pair(s_magic, Bytes(V2Protocol.MaxGarbageLength, 1), Bytes(V2Protocol.MaxGarbageLength, 2));
        using var link = new V2Link(initiator, responder) { Chunk = chunk, SegmentSize = segmentSize };

        Assert.True(link.Run());
        Assert.Equal(32, initiator.SessionId.Length);
        Assert.True(initiator.SessionId.SequenceEqual(responder.SessionId));
        Assert.Empty(link.InitiatorInbox);
        Assert.Empty(link.ResponderInbox);
        Assert.Equal(0, initiator.BytesNeeded);
    }

    [Fact]
    public void Random_keys_and_garbage_complete_and_each_connection_has_its_own_session_id()
    {
        using var first = new V2Link(V2Handshake.CreateInitiator(s_magic), V2Handshake.CreateResponder(s_magic));
        using var second = new V2Link(V2Handshake.CreateInitiator(s_magic), V2Handshake.CreateResponder(s_magic));
        Assert.True(first.Run());
        Assert.True(second.Run());
        Assert.True(first.Initiator.SessionId.SequenceEqual(first.Responder.SessionId));
        Assert.False(first.Initiator.SessionId.SequenceEqual(second.Initiator.SessionId));
    }

    [Fact]
    public void The_initiator_sends_key_and_garbage_at_once_and_its_terminator_once_it_has_the_responders_key()
    {
        var garbage = Bytes(100, 3);
        var (initiator, responder) = Pair(s_magic, garbage, Bytes(7, 4));
        using var link = new V2Link(initiator, responder);

        var first = TakeSend(initiator);
        Assert.Equal(64 + 100, first.Length);
        Assert.Equal(garbage, first.AsSpan(64).ToArray());
        Assert.False(initiator.CanSend);

        // The responder says nothing until a byte rules out v1; then it sends key, garbage, terminator and version
        // packet at once, since the initiator's whole key is there.
        Assert.Equal(V2HandshakeState.MaybeV1, responder.State);
        Assert.True(responder.PendingSend.IsEmpty);
        Assert.Equal(first.Length, responder.Receive(first));
        Assert.Equal(V2HandshakeState.AwaitingGarbageTerminator, responder.State);
        var answer = TakeSend(responder);
        Assert.Equal(64 + 7 + 16 + 20, answer.Length);

        // 64 key bytes: the initiator derives its keys and sends terminator and version packet.
        Assert.Equal(64, initiator.Receive(answer.AsSpan(0, 64)));
        Assert.True(initiator.CanSend);
        Assert.Equal(16 + 20, initiator.PendingSend.Length);
        Assert.Equal(answer.Length - 64, initiator.Receive(answer.AsSpan(64)));
        Assert.True(initiator.IsComplete);
        Assert.Equal(36, responder.Receive(TakeSend(initiator)));
        Assert.True(responder.IsComplete);
    }

    [Fact]
    public void Messages_flow_both_ways_across_rekeys_with_decoys_interleaved()
    {
        var (initiator, responder) = Pair(s_magic, Bytes(V2Protocol.MaxGarbageLength, 5), Bytes(V2Protocol.MaxGarbageLength, 6));
        using var link = new V2Link(initiator, responder);
        Assert.True(link.Run());

        Exchange(initiator, responder, count: 320, seed: 7);
        Exchange(responder, initiator, count: 333, seed: 8);
        Exchange(initiator, responder, count: 5, seed: 9);
        // Over 224 packets each way: both directions' ciphers rekeyed at least once.
        Assert.True(initiator.Encoder.PacketCount > V2Protocol.RekeyInterval);
        Assert.True(responder.Encoder.PacketCount > V2Protocol.RekeyInterval);
        Assert.Equal(initiator.Encoder.PacketCount, responder.Decoder.PacketCount);
        Assert.Equal(responder.Encoder.PacketCount, initiator.Decoder.PacketCount);
    }

    [Fact]
    public void Application_packets_in_the_same_read_as_the_version_packet_are_left_to_the_decoder()
    {
        var (initiator, responder) = Pair(s_magic);
        var hello = TakeSend(initiator);
        responder.Receive(hello);
        var reply = new ArrayBufferWriter<byte>();
        reply.Write(TakeSend(responder));
        responder.Encoder.WriteMessage(reply, new PingMessage { Nonce = 42 }, default);

        var bytes = reply.WrittenSpan.ToArray();
        int consumed = initiator.Receive(bytes);
        Assert.True(initiator.IsComplete);
        var rest = new ReadOnlySequence<byte>(bytes.AsMemory(consumed));
        Assert.Equal(V2ReadStatus.Packet, initiator.Decoder.TryRead(ref rest, out var contents));
        Assert.True(V2MessageType.TryRead(contents.Span, out var command, out int typeSize));
        Assert.Equal(PingMessage.Command, command);
        Assert.Equal(42ul, WireSerializer.Decode<PingMessage>(contents.Slice(typeSize)).Nonce);
        initiator.Dispose();
        responder.Dispose();
    }

    [Fact]
    public void A_responder_detects_a_v1_version_header_without_consuming_or_sending_anything()
    {
        var v1 = new byte[24];
        new Bitcoin.Framing.FrameHeader(s_magic, VersionMessage.Command, 100, 0).WriteTo(v1);
        using var responder = V2Handshake.CreateResponder(s_magic);

        for (int length = 0; length < 16; length++)
        {
            Assert.Equal(V1PrefixMatch.Undecided, V1Prefix.Check(v1.AsSpan(0, length), s_magic));
            Assert.Equal(0, responder.Receive(v1.AsSpan(0, length)));
            Assert.Equal(V2HandshakeState.MaybeV1, responder.State);
        }

        Assert.Equal(V1PrefixMatch.V1, V1Prefix.Check(v1, s_magic));
        Assert.Equal(0, responder.Receive(v1));
        Assert.Equal(V2HandshakeState.V1Detected, responder.State);
        Assert.True(responder.PendingSend.IsEmpty);
        Assert.Equal(0, responder.BytesNeeded);
    }

    [Fact]
    public void Once_complete_and_written_neither_side_holds_handshake_buffers_and_a_responder_that_meets_v1_holds_none()
    {
        var (initiator, responder) = Pair(s_magic, Bytes(4000, 5), Bytes(3000, 6));
        Assert.True(initiator.HeldBytes > 2 * 4000, $"held {initiator.HeldBytes}"); // the garbage, and key + garbage queued
        using (var link = new V2Link(initiator, responder))
        {
            Assert.True(link.Run());
            Assert.Equal(0, initiator.HeldBytes);
            Assert.Equal(0, responder.HeldBytes);
        }

        var v1 = new byte[24];
        new Bitcoin.Framing.FrameHeader(s_magic, VersionMessage.Command, 100, 0).WriteTo(v1);
        using var served = V2Handshake.Create(initiator: false, s_magic, V2KeyPair.Generate(), Bytes(4000, 7));
        Assert.Equal(4000, served.HeldBytes); // the garbage it would send
        Assert.Equal(0, served.Receive(v1));
        Assert.Equal(V2HandshakeState.V1Detected, served.State);
        Assert.Equal(0, served.HeldBytes);
    }

    [Fact]
    public void A_v1_header_of_another_network_is_refused_with_bad_magic()
    {
        var v1 = new byte[24];
        new Bitcoin.Framing.FrameHeader(BitcoinNetwork.Testnet3.Magic, VersionMessage.Command, 100, 0).WriteTo(v1);
        using var responder = V2Handshake.CreateResponder(s_magic);
        Assert.Equal(V1PrefixMatch.NotV1, V1Prefix.Check(v1, s_magic));
        var error = Assert.Throws<ProtocolException>(() => responder.Receive(v1));
        Assert.Equal(ProtocolError.BadMagic, error.Error);
    }

    [Fact]
    public void Peers_of_different_networks_never_find_each_others_garbage_terminator()
    {
        using var initiator = V2Handshake.Create(true, BitcoinNetwork.Testnet3.Magic, V2KeyPair.Generate(), []);
        using var responder = V2Handshake.Create(false, s_magic, V2KeyPair.Generate(), Bytes(V2Protocol.MaxGarbageLength, 1));
        responder.Receive(TakeSend(initiator));
        var answer = TakeSend(responder);
        Assert.Equal(64 + V2Protocol.MaxGarbageLength + 16 + 20, answer.Length);
        var error = Assert.Throws<ProtocolException>(() => initiator.Receive(answer));
        Assert.Equal(ProtocolError.MissingGarbageTerminator, error.Error);
    }

    [Fact]
    public void The_decoder_and_session_id_wait_for_the_version_packet()
    {
        var (initiator, responder) = Pair(s_magic);
        responder.Receive(TakeSend(initiator));
        Assert.True(responder.CanSend);
        Assert.False(responder.IsComplete);
        Assert.True(responder.SessionId.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => responder.Decoder);
        Assert.Throws<InvalidOperationException>(() => initiator.Encoder);
        initiator.Dispose();
        responder.Dispose();
    }

    /// <summary>
    /// Sends <paramref name="count"/> messages from one side to the other: pings (short id), a long-form command and
    /// raw short-id payloads of varied sizes, with a decoy before every third, read back through multi-segment buffers.
    /// </summary>
    private static void Exchange(V2Handshake sender, V2Handshake receiver, int count, int seed)
    {
        var random = new Random(seed);
        var wire = new ArrayBufferWriter<byte>();
        var expected = new List<(MessageCommand Command, byte[] Payload)>();
        var longForm = MessageCommand.Parse("sendtxrcncl");
        for (int i = 0; i < count; i++)
        {
            if (i % 3 == 0)
            {
                sender.Encoder.WriteDecoy(wire, random.Next(0, 300));
            }

            switch (i % 4)
            {
                case 0:
                    var ping = new PingMessage { Nonce = (ulong)i };
                    sender.Encoder.WriteMessage(wire, ping, default);
                    expected.Add((PingMessage.Command, WireSerializer.Encode(ping)));
                    break;
                case 1:
                    var payload = Bytes(random.Next(0, 5000), i);
                    sender.Encoder.WriteMessage(wire, longForm, payload);
                    expected.Add((longForm, payload));
                    break;
                default:
                    V2MessageIds.TryGetCommand((byte)random.Next(1, 29), out var command);
                    var raw = Bytes(random.Next(0, 200), i);
                    sender.Encoder.WriteMessage(wire, command, raw);
                    expected.Add((command, raw));
                    break;
            }
        }

        var buffer = V2Link.Segmented(wire.WrittenSpan.ToArray(), 1000);
        int received = 0;
        int decoys = 0;
        while (true)
        {
            var status = receiver.Decoder.TryRead(ref buffer, out var contents);
            if (status == V2ReadStatus.Incomplete)
            {
                break;
            }

            if (status == V2ReadStatus.Decoy)
            {
                decoys++;
                Assert.True(contents.IsEmpty);
                continue;
            }

            Assert.True(V2MessageType.TryRead(contents.Span, out var command, out int typeSize));
            Assert.Equal(expected[received].Command, command);
            Assert.Equal(command == longForm ? V2MessageType.LongFormSize : 1, typeSize);
            Assert.True(contents.Span.Slice(typeSize).SequenceEqual(expected[received].Payload));
            received++;
        }

        Assert.Equal(count, received);
        Assert.Equal((count + 2) / 3, decoys);
        Assert.True(buffer.IsEmpty);
        Assert.False(receiver.Decoder.HasLength);
    }
}
