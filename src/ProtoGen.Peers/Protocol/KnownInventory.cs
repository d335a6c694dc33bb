using System.Collections.Generic;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Protocol;

/// <summary>
/// A bounded most-recently-used set of inventory a peer is known to have (it announced it, or we announced it).
/// Adding an entry when full evicts the least recently used one; nodes are recycled, so a full set allocates nothing.
/// Witness and non-witness forms of the same item count as one. The index and the order are created with the first entry
/// and grow as entries arrive (a peer that has exchanged no inventory holds neither). Not thread-safe: the peer guards it.
/// </summary>
internal sealed class KnownInventory
{
    private readonly int _capacity;
    private Dictionary<InventoryVector, LinkedListNode<InventoryVector>>? _index;
    private LinkedList<InventoryVector>? _order;

    public KnownInventory(int capacity) => _capacity = capacity;

    public int Count => _index?.Count ?? 0;

    public bool Contains(InventoryVector item) => _index is { } index && index.ContainsKey(Normalize(item));

    public void Add(InventoryVector item)
    {
        item = Normalize(item);
        _index ??= [];
        _order ??= new LinkedList<InventoryVector>();
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
