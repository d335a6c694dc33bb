using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// BIP324's forward-secure length cipher: one continuous ChaCha20 keystream XORed over consecutive chunks (the 3-byte
/// packet lengths). After every 224 chunks the next 32 keystream bytes become the new key, the block counter restarts
/// at 0 and the nonce (4 zero bytes, then the 64-bit little-endian rekey count) moves on.
/// </summary>
/// <remarks>
/// 224 chunks of 3 bytes use 672 bytes, and with the 32-byte key exactly 11 blocks: nothing of a block is left when
/// the key changes. Like Bitcoin Core, a rekey discards whatever keystream is left, so other chunk sizes stay defined.
/// One instance serves one direction; it is not thread-safe.
/// </remarks>
internal sealed class FSChaCha20 : IDisposable
{
    private readonly byte[] _key = new byte[ChaCha20.KeySize];
    private readonly byte[] _nonce = new byte[ChaCha20.NonceSize];
    private readonly byte[] _keystream = new byte[ChaCha20.BlockSize];
    private int _keystreamUsed = ChaCha20.BlockSize;
    private uint _blockCounter;
    private int _chunkCounter;
    private ulong _rekeyCounter;

    /// <summary>Creates the cipher.</summary>
    /// <param name="key">The 32-byte initial key.</param>
    public FSChaCha20(ReadOnlySpan<byte> key)
    {
        if (key.Length != ChaCha20.KeySize)
        {
            throw new ArgumentException("the key is 32 bytes", nameof(key));
        }

        key.CopyTo(_key);
    }

    /// <summary>How many times the key has changed.</summary>
    public ulong RekeyCount => _rekeyCounter;

    /// <summary>Encrypts or decrypts one chunk (the same operation). <paramref name="input"/> and <paramref name="output"/> may be the same span.</summary>
    /// <param name="input">The chunk.</param>
    /// <param name="output">As long as <paramref name="input"/>.</param>
    public void Crypt(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("the output is shorter than the input", nameof(output));
        }

        for (int i = 0; i < input.Length; i++)
        {
            if (_keystreamUsed == ChaCha20.BlockSize)
            {
                NextBlock();
            }

            output[i] = (byte)(input[i] ^ _keystream[_keystreamUsed++]);
        }

        if (++_chunkCounter == V2Protocol.RekeyInterval)
        {
            Rekey();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_keystream);
    }

    private void Rekey()
    {
        Span<byte> newKey = stackalloc byte[ChaCha20.KeySize];
        for (int i = 0; i < newKey.Length; i++)
        {
            if (_keystreamUsed == ChaCha20.BlockSize)
            {
                NextBlock();
            }

            newKey[i] = _keystream[_keystreamUsed++];
        }

        newKey.CopyTo(_key);
        CryptographicOperations.ZeroMemory(newKey);
        CryptographicOperations.ZeroMemory(_keystream);
        _keystreamUsed = ChaCha20.BlockSize;
        _blockCounter = 0;
        _chunkCounter = 0;
        _rekeyCounter++;
    }

    private void NextBlock()
    {
        // Nonce: 4 zero bytes, then the rekey count.
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), _rekeyCounter);
        ChaCha20.Block(_key, _nonce, _blockCounter++, _keystream);
        _keystreamUsed = 0;
    }
}
