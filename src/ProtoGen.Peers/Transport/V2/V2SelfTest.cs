using System;
using System.Buffers;
using System.Diagnostics;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>The outcome of <see cref="V2SelfTest.Run"/>.</summary>
/// <param name="SessionId">The session id both sides derived, as lowercase hex.</param>
/// <param name="Elapsed">The time taken, key generation included.</param>
public readonly record struct V2SelfTestResult(string SessionId, TimeSpan Elapsed);

/// <summary>
/// Checks that BIP324 v2 encryption works in this process: the native secp256k1 library loads (a NativeAOT or
/// single-file deployment must ship it beside the executable) and the platform has ChaCha20-Poly1305. Runs both ends
/// of a v2 handshake in memory and sends a <c>ping</c> each way.
/// </summary>
public static class V2SelfTest
{
    /// <summary>Runs the check.</summary>
    /// <returns>The session id and the time taken.</returns>
    /// <exception cref="InvalidOperationException">The handshake or the messages did not come out as expected.</exception>
    /// <remarks>Throws what the loader throws when the native library cannot be loaded.</remarks>
    public static V2SelfTestResult Run()
    {
        var started = Stopwatch.GetTimestamp();
        uint magic = BitcoinNetwork.Regtest.Magic;
        using var initiator = V2Handshake.CreateInitiator(magic);
        using var responder = V2Handshake.CreateResponder(magic);
        Deliver(initiator, responder);
        Deliver(responder, initiator);
        Deliver(initiator, responder);
        if (!initiator.IsComplete || !responder.IsComplete || !initiator.SessionId.SequenceEqual(responder.SessionId))
        {
            throw new InvalidOperationException("the in-memory v2 handshake did not complete with equal session ids");
        }

        Ping(initiator, responder, 0x0123456789abcdef);
        Ping(responder, initiator, 0xfedcba9876543210);
        return new V2SelfTestResult(Convert.ToHexStringLower(initiator.SessionId), Stopwatch.GetElapsedTime(started));
    }

    private static void Deliver(V2Handshake from, V2Handshake to)
    {
        var bytes = from.PendingSend;
        if (to.Receive(bytes.Span) != bytes.Length)
        {
            throw new InvalidOperationException("the v2 handshake left handshake bytes unread");
        }

        from.MarkSent(bytes.Length);
    }

    private static void Ping(V2Handshake from, V2Handshake to, ulong nonce)
    {
        var wire = new ArrayBufferWriter<byte>();
        from.Encoder.WriteMessage(wire, new PingMessage { Nonce = nonce }, default);
        var buffer = new ReadOnlySequence<byte>(wire.WrittenMemory);
        if (to.Decoder.TryRead(ref buffer, out var contents) != V2ReadStatus.Packet
            || !V2MessageType.TryRead(contents.Span, out var command, out int typeSize)
            || command != PingMessage.Command
            || WireSerializer.Decode<PingMessage>(contents.Slice(typeSize)).Nonce != nonce)
        {
            throw new InvalidOperationException("a ping did not survive the v2 packet encoder and decoder");
        }
    }
}
