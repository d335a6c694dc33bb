using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Secp256k1Net;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// BIP324's key agreement: x-only ECDH over the two ElligatorSwift encodings, hashed with the tagged hash
/// <c>bip324_ellswift_xonly_ecdh</c> over <c>initiator's encoding || responder's encoding || x</c>; then HKDF-SHA256
/// with the salt <c>bitcoin_v2_shared_secret || network magic</c> derives the session id, the four cipher keys and the
/// two garbage terminators.
/// </summary>
internal static class V2KeyExchange
{
    private const string EcdhTag = "bip324_ellswift_xonly_ecdh";

    /// <summary><c>SHA256(tag) || SHA256(tag)</c>, the BIP340 tagged-hash prefix.</summary>
    private static readonly byte[] s_ecdhTagPrefix = TagPrefix(EcdhTag);

    /// <summary>The hash the native ECDH calls with the shared x coordinate; kept in a field so it is made once.</summary>
    private static readonly EllswiftXdhHashFunction s_bip324Hash = Bip324Hash;

    /// <summary>Computes the 32-byte shared secret.</summary>
    /// <param name="ours">Our key pair.</param>
    /// <param name="theirs">The remote's 64-byte encoding, exactly as received.</param>
    /// <param name="initiator">Whether we opened the connection (our encoding then comes first in the hash).</param>
    /// <param name="secret">32 bytes.</param>
    public static void ComputeSharedSecret(V2KeyPair ours, ReadOnlySpan<byte> theirs, bool initiator, Span<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(ours);
        if (theirs.Length != V2Protocol.EllSwiftKeySize || secret.Length != V2Protocol.SecretSize)
        {
            throw new ArgumentException("ECDH takes a 64-byte encoding and yields a 32-byte secret");
        }

        var initiatorKey = initiator ? ours.Encoding : theirs;
        var responderKey = initiator ? theirs : ours.Encoding;

        // Every 64-byte string decodes to a curve point, so this fails only for an invalid private key.
        if (!Secp256k1Context.Instance.EllswiftXdh(secret, initiatorKey, responderKey, ours.PrivateKey, initiator ? 0 : 1, s_bip324Hash, IntPtr.Zero))
        {
            throw new CryptographicException("secp256k1_ellswift_xdh failed");
        }
    }

    /// <summary>Derives everything a session needs from the shared secret and assigns it by role.</summary>
    /// <param name="sharedSecret">The 32-byte ECDH secret.</param>
    /// <param name="magic">The network magic, as the little-endian integer of its four wire bytes.</param>
    /// <param name="initiator">Whether we opened the connection.</param>
    public static V2SessionKeys DeriveKeys(ReadOnlySpan<byte> sharedSecret, uint magic, bool initiator)
    {
        ReadOnlySpan<byte> saltPrefix = "bitcoin_v2_shared_secret"u8;
        Span<byte> salt = stackalloc byte[saltPrefix.Length + sizeof(uint)];
        saltPrefix.CopyTo(salt);
        BinaryPrimitives.WriteUInt32LittleEndian(salt.Slice(saltPrefix.Length), magic);

        Span<byte> prk = stackalloc byte[V2Protocol.SecretSize];
        HKDF.Extract(HashAlgorithmName.SHA256, sharedSecret, salt, prk);
        var keys = new V2SessionKeys(initiator);
        try
        {
            Expand(prk, "session_id"u8, keys.SessionId);
            Expand(prk, "initiator_L"u8, initiator ? keys.SendLengthKey : keys.ReceiveLengthKey);
            Expand(prk, "initiator_P"u8, initiator ? keys.SendPacketKey : keys.ReceivePacketKey);
            Expand(prk, "responder_L"u8, initiator ? keys.ReceiveLengthKey : keys.SendLengthKey);
            Expand(prk, "responder_P"u8, initiator ? keys.ReceivePacketKey : keys.SendPacketKey);

            // The first 16 bytes terminate the initiator's garbage, the last 16 the responder's.
            Span<byte> terminators = stackalloc byte[2 * V2Protocol.GarbageTerminatorSize];
            Expand(prk, "garbage_terminators"u8, terminators);
            terminators.Slice(0, V2Protocol.GarbageTerminatorSize).CopyTo(initiator ? keys.SendGarbageTerminator : keys.ReceiveGarbageTerminator);
            terminators.Slice(V2Protocol.GarbageTerminatorSize).CopyTo(initiator ? keys.ReceiveGarbageTerminator : keys.SendGarbageTerminator);
            return keys;
        }
        catch
        {
            keys.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    private static void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output) =>
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, info);

    private static int Bip324Hash(Span<byte> output, ReadOnlySpan<byte> x32, ReadOnlySpan<byte> ellA64, ReadOnlySpan<byte> ellB64, IntPtr data)
    {
        // SHA256(SHA256(tag) || SHA256(tag) || ell_a || ell_b || x), ell_a being the initiator's encoding.
        Span<byte> input = stackalloc byte[(2 * 32) + (2 * V2Protocol.EllSwiftKeySize) + 32];
        s_ecdhTagPrefix.CopyTo(input);
        ellA64.CopyTo(input.Slice(64));
        ellB64.CopyTo(input.Slice(64 + V2Protocol.EllSwiftKeySize));
        x32.CopyTo(input.Slice(64 + (2 * V2Protocol.EllSwiftKeySize)));
        SHA256.HashData(input, output);
        CryptographicOperations.ZeroMemory(input);
        return 1;
    }

    private static byte[] TagPrefix(string tag)
    {
        var prefix = new byte[64];
        SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(tag), prefix);
        prefix.AsSpan(0, 32).CopyTo(prefix.AsSpan(32));
        return prefix;
    }
}
