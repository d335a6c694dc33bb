using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using ProtoGen.Node.Limits;

namespace ProtoGen.Node.Policy;

/// <summary>
/// The addresses discouraged for misbehaviour, as Bitcoin Core's <c>BanMan</c> keeps them: not banned, but refused
/// when the inbound slots are (almost) full and evicted first otherwise. Bounded: when full, the address discouraged
/// longest ago is forgotten (Core forgets the same way, with a rolling bloom filter of 50,000 entries). Thread-safe.
/// IPv4-mapped IPv6 addresses are stored as the IPv4 address they carry.
/// </summary>
public sealed class DiscouragedAddresses
{
    /// <summary>The default capacity (Bitcoin Core <c>BanMan::m_discouraged</c>: a rolling bloom filter of 50,000 entries).</summary>
    public const int DefaultCapacity = 50_000;

    private readonly Lock _lock = new();
    private readonly HashSet<UInt128> _set = [];
    private readonly Queue<UInt128> _order = new();

    /// <summary>Creates an empty set.</summary>
    /// <param name="capacity">The most addresses remembered.</param>
    public DiscouragedAddresses(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Raised (outside the lock) when an address is newly discouraged.</summary>
    public event Action<IPAddress>? AddressDiscouraged;

    /// <summary>The most addresses remembered.</summary>
    public int Capacity { get; }

    /// <summary>The addresses remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _set.Count;
            }
        }
    }

    /// <summary>Discourages <paramref name="address"/>; returns whether it was not discouraged already.</summary>
    /// <param name="address">The address (any port).</param>
    public bool Discourage(IPAddress address)
    {
        var key = Key(address);
        lock (_lock)
        {
            if (!_set.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_set.Count > Capacity)
            {
                _set.Remove(_order.Dequeue());
            }
        }

        AddressDiscouraged?.Invoke(AddressGroups.Normalize(address));
        return true;
    }

    /// <summary>Whether <paramref name="address"/> is discouraged.</summary>
    /// <param name="address">The address.</param>
    public bool Contains(IPAddress address)
    {
        var key = Key(address);
        lock (_lock)
        {
            return _set.Contains(key);
        }
    }

    /// <summary>Forgets every address (Bitcoin Core's <c>clearbanned</c> does the same for its discouragement filter).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _set.Clear();
            _order.Clear();
        }
    }

    private static UInt128 Key(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalized = AddressGroups.Normalize(address);
        Span<byte> bytes = stackalloc byte[16];
        (normalized.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? normalized.MapToIPv6() : normalized).TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
