using System.Buffers;
using BenchmarkDotNet.Attributes;
using ProtoGen;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Benchmarks;

/// <summary>
/// One message through a transport and back, v1 against v2 (BIP324) on the same payload in the same run: v1 frames
/// it (24-byte header, SHA-256d checksum) and reads the frame back verifying the checksum; v2 seals it as an encrypted
/// packet (short message id, ChaCha20 length, ChaCha20-Poly1305 contents, rekeying every 224 packets included) and
/// decrypts it back. Both encode from the same raw payload into a reused buffer. Payloads: the 999,887-byte block
/// 413567 as a <c>block</c> message, and a 60-byte <c>tx</c>-sized message.
/// </summary>
[MemoryDiagnoser]
public class Bip324TransportBenchmarks
{
    private readonly ArrayBufferWriter<byte> _wire = new(1 << 21);
    private RawPayload _message = null!;
    private V2PacketEncoder _encoder = null!;
    private V2PacketDecoder _decoder = null!;
    private uint _magic;

    /// <summary>The payload.</summary>
    [Params("block 413567", "60 bytes")]
    public string Payload { get; set; } = "block 413567";

    /// <summary>Builds the payload and a matching encoder/decoder pair, and checks one round trip of each transport.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _message = Payload == "60 bytes"
            ? new RawPayload(MessageCommand.Parse("tx"), Bytes(60))
            : new RawPayload(MessageCommand.Parse("block"), BlockCorpus.Read(BlockCorpus.Legacy));
        _magic = BitcoinNetwork.Mainnet.Magic;
        using var keys = V2KeyExchange.DeriveKeys(Bytes(32), _magic, initiator: true);
        _encoder = keys.CreateEncoder();
        _decoder = new V2PacketDecoder(keys.SendLengthKey, keys.SendPacketKey);
        Check.Equal(_message.Payload.Length, V1(), "v1 payload length");
        Check.Equal(_message.Payload.Length, V2(), "v2 payload length");
    }

    /// <summary>Disposes the ciphers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    /// <summary>v1: frame (payload copied in, SHA-256d checksum) and read back (checksum verified).</summary>
    [Benchmark(Baseline = true, Description = "v1 frame + read (SHA-256d)")]
    public int V1()
    {
        _wire.ResetWrittenCount();
        Frame.Write(_wire, _magic, _message, default);
        var buffer = new ReadOnlySequence<byte>(_wire.WrittenMemory);
        var status = Frame.TryRead(ref buffer, _magic, out _, out var payload);
        return status == FrameStatus.Ok ? (int)payload.Length : -1;
    }

    /// <summary>v2: seal (payload copied in, encrypted in place) and read back (length, then decrypt and verify).</summary>
    [Benchmark(Description = "v2 seal + open (BIP324)")]
    public int V2()
    {
        _wire.ResetWrittenCount();
        _encoder.WriteMessage(_wire, _message, default);
        var buffer = new ReadOnlySequence<byte>(_wire.WrittenMemory);
        if (_decoder.TryRead(ref buffer, out var contents) != V2ReadStatus.Packet || !V2MessageType.TryRead(contents.Span, out _, out int typeSize))
        {
            return -1;
        }

        return contents.Length - typeSize;
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(324).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A message whose payload is given bytes, so that both transports encode exactly the same thing.</summary>
    private sealed class RawPayload(MessageCommand command, byte[] payload) : IMessage
    {
        public byte[] Payload { get; } = payload;

        public MessageCommand Command { get; } = command;

        public int GetEncodedSize(WireContext context) => Payload.Length;

        public void WriteTo(ref WireWriter writer) => writer.WriteBytes(Payload);
    }
}

/// <summary>
/// The cost of setting up a v2 connection, per side: an ElligatorSwift key (libsecp256k1), the x-only ECDH with the
/// BIP324 hash, the HKDF derivation of keys and session id; and a whole handshake of both sides in memory (two of each,
/// plus garbage search and the version packets).
/// </summary>
[MemoryDiagnoser]
public class Bip324HandshakeBenchmarks
{
    private readonly byte[] _secret = new byte[32];
    private V2KeyPair _ours = null!;
    private byte[] _theirs = [];
    private uint _magic;

    /// <summary>Makes two key pairs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _magic = BitcoinNetwork.Mainnet.Magic;
        _ours = V2KeyPair.Generate();
        using var theirs = V2KeyPair.Generate();
        _theirs = theirs.Encoding.ToArray();
        Check.True(FullHandshake(), "an in-memory handshake completes");
    }

    /// <summary>Disposes the key.</summary>
    [GlobalCleanup]
    public void Cleanup() => _ours.Dispose();

    /// <summary>A fresh private key and its ElligatorSwift encoding.</summary>
    [Benchmark(Description = "ElligatorSwift key generation")]
    public int KeyGeneration()
    {
        using var key = V2KeyPair.Generate();
        return key.Encoding[0];
    }

    /// <summary>x-only ECDH with the BIP324 tagged hash.</summary>
    [Benchmark(Description = "x-only ECDH + BIP324 hash")]
    public byte Ecdh()
    {
        V2KeyExchange.ComputeSharedSecret(_ours, _theirs, initiator: true, _secret);
        return _secret[0];
    }

    /// <summary>HKDF-SHA256: session id, four keys, two terminators.</summary>
    [Benchmark(Description = "HKDF key derivation")]
    public byte DeriveKeys()
    {
        using var keys = V2KeyExchange.DeriveKeys(_secret, _magic, initiator: true);
        return keys.SessionId[0];
    }

    /// <summary>Both sides of a handshake in memory, with random keys and garbage.</summary>
    [Benchmark(Description = "whole handshake, both sides")]
    public bool FullHandshake()
    {
        using var initiator = V2Handshake.CreateInitiator(_magic);
        using var responder = V2Handshake.CreateResponder(_magic);
        Deliver(initiator, responder);
        Deliver(responder, initiator);
        Deliver(initiator, responder);
        return initiator.IsComplete && responder.IsComplete;
    }

    private static void Deliver(V2Handshake from, V2Handshake to)
    {
        var bytes = from.PendingSend;
        to.Receive(bytes.Span);
        from.MarkSent(bytes.Length);
    }
}

/// <summary>
/// The pieces under a v2 packet, to show where its time goes: the scalar RFC 8439 block function (the length cipher
/// draws one block per 21 packets, the packet AEAD one per 224 for rekeying), one 3-byte length encryption, and the
/// platform's ChaCha20-Poly1305 on a small packet's plaintext.
/// </summary>
[MemoryDiagnoser]
public class Bip324CipherBenchmarks
{
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _block = new byte[64];
    private readonly byte[] _length = new byte[3];
    private readonly byte[] _plaintext = new byte[61];
    private readonly byte[] _tag = new byte[16];
    private FSChaCha20 _lengthCipher = null!;
    private FSChaCha20Poly1305 _packetCipher = null!;

    /// <summary>Creates the ciphers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lengthCipher = new FSChaCha20(_key);
        _packetCipher = new FSChaCha20Poly1305(_key);
    }

    /// <summary>Disposes the ciphers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _lengthCipher.Dispose();
        _packetCipher.Dispose();
    }

    /// <summary>One 64-byte ChaCha20 block (scalar).</summary>
    [Benchmark(Description = "ChaCha20 block (64 B, scalar)")]
    public byte Block()
    {
        ChaCha20.Block(_key, _nonce, 1, _block);
        return _block[0];
    }

    /// <summary>One packet length through the length cipher (rekeys included).</summary>
    [Benchmark(Description = "FSChaCha20 3-byte length")]
    public byte Length()
    {
        _lengthCipher.Crypt(_length, _length);
        return _length[0];
    }

    /// <summary>A 61-byte plaintext (header + 60 bytes) through the packet AEAD (rekeys included).</summary>
    [Benchmark(Description = "FSChaCha20Poly1305 61 B")]
    public byte Packet()
    {
        _packetCipher.Encrypt(_plaintext, default, _plaintext, _tag);
        return _tag[0];
    }
}
