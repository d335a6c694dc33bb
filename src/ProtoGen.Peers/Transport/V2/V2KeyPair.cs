using System;
using System.Security.Cryptography;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// An ephemeral secp256k1 key for one connection and its 64-byte ElligatorSwift encoding, which is what goes on the
/// wire (indistinguishable from random bytes). <see cref="Dispose"/> wipes the private key.
/// </summary>
internal sealed class V2KeyPair : IDisposable
{
    private readonly byte[] _privateKey;
    private readonly byte[] _encoding;

    private V2KeyPair(byte[] privateKey, byte[] encoding)
    {
        _privateKey = privateKey;
        _encoding = encoding;
    }

    /// <summary>The 64-byte ElligatorSwift encoding of the public key.</summary>
    public ReadOnlySpan<byte> Encoding => _encoding;

    /// <summary>The 32-byte private key.</summary>
    internal ReadOnlySpan<byte> PrivateKey => _privateKey;

    /// <summary>Makes a fresh random key and a random encoding of it.</summary>
    /// <remarks>Throws when the native secp256k1 library cannot be loaded.</remarks>
    public static V2KeyPair Generate()
    {
        var context = Secp256k1Context.Instance;
        var privateKey = new byte[V2Protocol.PrivateKeySize];
        do
        {
            RandomNumberGenerator.Fill(privateKey);
        }
        while (!context.EcSeckeyVerify(privateKey));

        Span<byte> auxiliary = stackalloc byte[32];
        RandomNumberGenerator.Fill(auxiliary);
        var encoding = new byte[V2Protocol.EllSwiftKeySize];
        if (!context.EllswiftCreate(encoding, privateKey, auxiliary))
        {
            CryptographicOperations.ZeroMemory(privateKey);
            throw new CryptographicException("secp256k1_ellswift_create failed");
        }

        return new V2KeyPair(privateKey, encoding);
    }

    /// <summary>A given key and encoding (test vectors, tests); the encoding is trusted to encode the key.</summary>
    /// <param name="privateKey">32 bytes.</param>
    /// <param name="encoding">64 bytes.</param>
    public static V2KeyPair FromKey(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> encoding)
    {
        if (privateKey.Length != V2Protocol.PrivateKeySize || encoding.Length != V2Protocol.EllSwiftKeySize)
        {
            throw new ArgumentException("a v2 key pair is a 32-byte private key and a 64-byte ElligatorSwift encoding");
        }

        return new V2KeyPair(privateKey.ToArray(), encoding.ToArray());
    }

    /// <inheritdoc/>
    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);
}
