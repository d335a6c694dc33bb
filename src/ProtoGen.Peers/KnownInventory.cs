using System;
using System.Collections.Generic;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>
/// A bounded most-recently-used set of inventory a peer is known to have (it announced it, or we announced it).
/// Adding an entry when full evicts the least recently used one; nodes are recycled, so a full set allocates nothing.
/// Witness and non-witness forms of the same item count as one. Not thread-safe: the peer guards it.
/// </summary>
internal sealed class KnownInventory
{
    private readonly int _capacity;
    private readonly Dictionary<InventoryVector, LinkedListNode<InventoryVector>> _index;
    private readonly LinkedList<InventoryVector> _order = new();

    public KnownInventory(int capacity)
    {
        _capacity = capacity;
        _index = new Dictionary<InventoryVector, LinkedListNode<InventoryVector>>(Math.Min(capacity, 4096));
    }

    public int Count => _index.Count;

    public bool Contains(InventoryVector item) => _index.ContainsKey(Normalize(item));

    public void Add(InventoryVector item)
    {
        item = Normalize(item);
        if (_index.TryGetValue(item, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            return;
        }

        if (_index.Count >= _capacity)
        {
            var oldest = _order.Last!;
            _order.RemoveLast();
            _index.Remove(oldest.Value);
            oldest.Value = item;
            _order.AddFirst(oldest);
            _index[item] = oldest;
            return;
        }

        _index[item] = _order.AddFirst(item);
    }

    /// <summary>Maps the witness variants (BIP144) to their base types so that one item is one entry.</summary>
    private static InventoryVector Normalize(InventoryVector item) => item.Type switch
    {
        InventoryType.WitnessTx => item with { Type = InventoryType.Tx },
        InventoryType.WitnessBlock => item with { Type = InventoryType.Block },
        InventoryType.FilteredWitnessBlock => item with { Type = InventoryType.FilteredBlock },
        _ => item,
    };
}

/// <summary>
/// The nonces of a node's recent version messages (bounded, most recent kept), to detect connections to itself: a
/// version that echoes one of them came from us. Peers of one node share one cache; <see cref="Shared"/> is the
/// process-wide default. Thread-safe.
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

    /// <summary>The process-wide cache used when a configuration names none.</summary>
    public static NonceCache Shared { get; } = new();

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
