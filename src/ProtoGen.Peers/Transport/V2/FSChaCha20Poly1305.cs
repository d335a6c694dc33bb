using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// BIP324's forward-secure packet AEAD: RFC 8439 ChaCha20-Poly1305 (the platform's) with the nonce
/// <c>LE32(packet number within the key) || LE64(rekey count)</c>. After every 224 packets the key becomes the first
/// 32 bytes of the AEAD encryption of 32 zero bytes under the nonce <c>0xFFFFFFFF || LE64(rekey count)</c>, which is
/// ChaCha20 keystream block 1 under that nonce (block 0 would be the Poly1305 key): computed that way here.
/// </summary>
/// <remarks>
/// One instance serves one direction; it is not thread-safe. A failed decryption still moves to the next nonce, as
/// the BIP's reference does; the connection is over anyway.
/// </remarks>
internal sealed class FSChaCha20Poly1305 : IDisposable
{
    /// <summary>The rekey nonce's first word.</summary>
    private const uint RekeyNonceWord = 0xFFFFFFFF;

    private readonly byte[] _key = new byte[ChaCha20.KeySize];
    private ChaCha20Poly1305 _aead;
    private uint _packetCounter;
    private ulong _rekeyCounter;

    /// <summary>Creates the AEAD.</summary>
    /// <param name="key">The 32-byte initial key.</param>
    public FSChaCha20Poly1305(ReadOnlySpan<byte> key)
    {
        if (key.Length != ChaCha20.KeySize)
        {
            throw new ArgumentException("the key is 32 bytes", nameof(key));
        }

        key.CopyTo(_key);
        _aead = new ChaCha20Poly1305(_key);
    }

    /// <summary>How many times the key has changed.</summary>
    public ulong RekeyCount => _rekeyCounter;

    /// <summary>Encrypts one packet's plaintext. <paramref name="plaintext"/> and <paramref name="ciphertext"/> may be the same span.</summary>
    /// <param name="plaintext">The header byte and contents.</param>
    /// <param name="aad">Associated data (the garbage, for the first packet after it; otherwise empty).</param>
    /// <param name="ciphertext">As long as <paramref name="plaintext"/>.</param>
    /// <param name="tag">16 bytes.</param>
    public void Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad, Span<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[ChaCha20.NonceSize];
        WriteNonce(nonce, _packetCounter, _rekeyCounter);
        _aead.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        Advance();
    }

    /// <summary>
    /// Decrypts and verifies one packet. <paramref name="ciphertext"/> and <paramref name="plaintext"/> may be the same
    /// span. On failure the plaintext is cleared.
    /// </summary>
    /// <param name="ciphertext">The encrypted header byte and contents.</param>
    /// <param name="tag">The 16-byte tag.</param>
    /// <param name="aad">Associated data, as given to <see cref="Encrypt"/>.</param>
    /// <param name="plaintext">As long as <paramref name="ciphertext"/>.</param>
    /// <returns>Whether the tag was valid.</returns>
    public bool Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[ChaCha20.NonceSize];
        WriteNonce(nonce, _packetCounter, _rekeyCounter);
        try
        {
            _aead.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            Advance();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _aead.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }

    private static void WriteNonce(Span<byte> nonce, uint first, ulong rekeyCounter)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, first);
        BinaryPrimitives.WriteUInt64LittleEndian(nonce.Slice(4), rekeyCounter);
    }

    private void Advance()
    {
        if (++_packetCounter == V2Protocol.RekeyInterval)
        {
            Rekey();
        }
    }

    private void Rekey()
    {
        Span<byte> nonce = stackalloc byte[ChaCha20.NonceSize];
        Span<byte> block = stackalloc byte[ChaCha20.BlockSize];
        WriteNonce(nonce, RekeyNonceWord, _rekeyCounter);
        ChaCha20.Block(_key, nonce, 1, block);
        block.Slice(0, ChaCha20.KeySize).CopyTo(_key);
        CryptographicOperations.ZeroMemory(block);
        _aead.Dispose();
        _aead = new ChaCha20Poly1305(_key);
        _packetCounter = 0;
        _rekeyCounter++;
    }
}
