using System;

namespace ProtoGen.Peers;

/// <summary>
/// The nonces of a node's recent version messages (bounded, most recent kept), to detect connections to itself: a
/// version that echoes one of them came from us. Peers of one node share one cache (a configuration and its copies do;
/// see <see cref="PeerConfig.NonceCache"/>). Thread-safe.
/// </summary>
public sealed class NonceCache
{
    private readonly ulong[] _ring;
    private readonly System.Threading.Lock _lock = new();
    private int _next;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">How many recent nonces to keep (btcd keeps 50).</param>
    public NonceCache(int capacity = PeerDefaults.SentNonceCacheSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new ulong[capacity];
    }

    /// <summary>Creates a random non-zero nonce and remembers it.</summary>
    public ulong Create()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong nonce;
        do
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
            nonce = BitConverter.ToUInt64(bytes);
        }
        while (nonce == 0);

        lock (_lock)
        {
            _ring[_next] = nonce;
            _next = (_next + 1) % _ring.Length;
        }

        return nonce;
    }

    /// <summary>Whether <paramref name="nonce"/> is one of ours.</summary>
    /// <param name="nonce">The nonce from a remote version message.</param>
    public bool Contains(ulong nonce)
    {
        if (nonce == 0)
        {
            return false;
        }

        lock (_lock)
        {
            return Array.IndexOf(_ring, nonce) >= 0;
        }
    }
}
