using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Node.Addresses;

/// <summary>
/// A small, bounded book of peer addresses: routable IPv4 and IPv6 addresses (the networks a TCP node reaches, as
/// Bitcoin Core stores only reachable ones; IPv4-mapped IPv6 addresses are kept as IPv4), each with the peer it came
/// from. When full, a new address replaces a random one, so the book never grows. Answers getaddr with a random
/// sample. Thread-safe. Far simpler than Core's <c>AddrMan</c> (no new and tried tables, no buckets by source group).
/// </summary>
public sealed class AddressBook
{
    /// <summary>The default capacity: about 4,000 addresses (a few hundred KiB), plenty to answer getaddr.</summary>
    public const int DefaultCapacity = 4_096;

    private readonly Lock _lock = new();
    private readonly Dictionary<AddressKey, int> _index = [];
    private readonly List<Entry> _entries = [];

    /// <summary>Creates an empty book.</summary>
    /// <param name="capacity">The most addresses kept.</param>
    public AddressBook(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most addresses kept.</summary>
    public int Capacity { get; }

    /// <summary>The addresses kept now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="address"/> is one the book keeps: IPv4 or IPv6 (not IPv4-mapped), of the right length,
    /// and routable by Bitcoin Core's <c>IsRoutable</c> (not local, private, link-local, shared, benchmarking or
    /// documentation space).
    /// </summary>
    /// <param name="address">The address.</param>
    public static bool IsRoutable(AddrV2Address address)
    {
        var bytes = address.Bytes.Span;
        return address.Network switch
        {
            AddressNetwork.IPv4 => bytes.Length == 4 && IsRoutableIPv4(bytes),
            AddressNetwork.IPv6 => bytes.Length == 16 && IsRoutableIPv6(bytes),
            _ => false,
        };
    }

    /// <summary>
    /// Adds <paramref name="address"/> (its bytes copied) from peer <paramref name="source"/>, or refreshes its timestamp and
    /// services if already kept. Returns false for an address the book does not keep (<see cref="IsRoutable"/>).
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="source">The id of the peer it came from (0: none).</param>
    public bool Add(NetworkAddressV2 address, long source = 0)
    {
        if (!IsRoutable(address.Address))
        {
            return false;
        }

        var key = AddressKey.From(address);
        lock (_lock)
        {
            if (_index.TryGetValue(key, out int slot))
            {
                var kept = _entries[slot];
                if (address.Timestamp > kept.Address.Timestamp)
                {
                    _entries[slot] = kept with { Address = kept.Address with { Timestamp = address.Timestamp, Services = kept.Address.Services | address.Services } };
                }

                return true;
            }

            var entry = new Entry(address with { Address = new AddrV2Address(address.Address.Network, address.Address.Bytes.ToArray()) }, source);
            if (_entries.Count < Capacity)
            {
                _index[key] = _entries.Count;
                _entries.Add(entry);
            }
            else
            {
                int victim = Random.Shared.Next(_entries.Count);
                _index.Remove(AddressKey.From(_entries[victim].Address));
                _entries[victim] = entry;
                _index[key] = victim;
            }

            return true;
        }
    }

    /// <summary>Whether <paramref name="address"/> (same network, bytes and port) is kept.</summary>
    /// <param name="address">The address.</param>
    public bool Contains(NetworkAddressV2 address)
    {
        var key = AddressKey.From(address);
        lock (_lock)
        {
            return _index.ContainsKey(key);
        }
    }

    /// <summary>Every address kept, in no particular order.</summary>
    public IReadOnlyList<NetworkAddressV2> GetAll()
    {
        lock (_lock)
        {
            var all = new NetworkAddressV2[_entries.Count];
            for (int i = 0; i < all.Length; i++)
            {
                all[i] = _entries[i].Address;
            }

            return all;
        }
    }

    /// <summary>
    /// A random sample for a getaddr answer: at most <paramref name="maxPercent"/> percent of the book and at most
    /// <paramref name="maxCount"/> (Bitcoin Core's <c>GetAddr</c>), leaving out what came from peer
    /// <paramref name="exclude"/> (Core never sends a peer addresses it already knows from it).
    /// </summary>
    /// <param name="maxCount">The most addresses.</param>
    /// <param name="maxPercent">The most, as a percentage of the book.</param>
    /// <param name="exclude">The requesting peer's id.</param>
    public IReadOnlyList<NetworkAddressV2> GetAddresses(int maxCount, int maxPercent, long exclude = 0)
    {
        lock (_lock)
        {
            int wanted = Math.Min(_entries.Count * maxPercent / 100, maxCount);
            var candidates = new List<int>(_entries.Count);
            for (int i = 0; i < _entries.Count; i++)
            {
                if (exclude == 0 || _entries[i].Source != exclude)
                {
                    candidates.Add(i);
                }
            }

            wanted = Math.Min(wanted, candidates.Count);
            var sample = new NetworkAddressV2[wanted];
            for (int i = 0; i < wanted; i++)
            {
                // A partial Fisher-Yates shuffle: the first slots become a uniform random subset.
                int j = Random.Shared.Next(i, candidates.Count);
                (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
                sample[i] = _entries[candidates[i]].Address;
            }

            return sample;
        }
    }

    private static bool IsRoutableIPv4(ReadOnlySpan<byte> a) => !(
        a[0] is 0 or 10 or 127 // local and RFC1918 10/8
        || (a[0] == 169 && a[1] == 254) // RFC3927 link-local
        || (a[0] == 172 && a[1] is >= 16 and <= 31) // RFC1918
        || (a[0] == 192 && a[1] == 168) // RFC1918
        || (a[0] == 100 && (a[1] & 0xC0) == 64) // RFC6598 shared address space
        || (a[0] == 198 && a[1] is 18 or 19) // RFC2544 benchmarking
        || (a[0] == 192 && a[1] == 0 && a[2] == 2) // RFC5737 documentation
        || (a[0] == 198 && a[1] == 51 && a[2] == 100)
        || (a[0] == 203 && a[1] == 0 && a[2] == 113)
        || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255));

    private static bool IsRoutableIPv6(ReadOnlySpan<byte> a)
    {
        ulong high = BinaryPrimitives.ReadUInt64BigEndian(a);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(a[8..]);
        bool unspecifiedOrLoopback = high == 0 && low is 0 or 1;
        bool ipv4Mapped = high == 0 && (low >> 32) == 0xFFFF;
        return !(unspecifiedOrLoopback
            || ipv4Mapped // sent as IPv6 in addrv2: skipped, as btcd and Core do
            || (a[0] & 0xFE) == 0xFC // RFC4193 unique local
            || (high >> 48 == 0xFE80 && (high & 0xFFFF_FFFF_FFFF) == 0) // RFC4862 link-local fe80::/64
            || (high >> 36) == 0x2001_001 // RFC4843 ORCHID 2001:10::/28
            || (high >> 36) == 0x2001_002 // RFC7343 ORCHIDv2 2001:20::/28
            || (high >> 32) == 0x2001_0DB8); // RFC3849 documentation
    }

    private readonly record struct Entry(NetworkAddressV2 Address, long Source);

    /// <summary>An address by network, bytes (up to 16) and port.</summary>
    private readonly record struct AddressKey(AddressNetwork Network, UInt128 Bytes, ushort Port)
    {
        public static AddressKey From(NetworkAddressV2 address)
        {
            Span<byte> padded = stackalloc byte[16];
            padded.Clear();
            var bytes = address.Address.Bytes.Span;
            bytes[..Math.Min(bytes.Length, 16)].CopyTo(padded);
            return new AddressKey(address.Address.Network, BinaryPrimitives.ReadUInt128BigEndian(padded), address.Port);
        }
    }
}
