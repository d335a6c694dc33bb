using System;
using System.Collections.Generic;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    private readonly KnownInventory _knownInventory;
    private readonly List<InventoryVector> _pendingInventory = [];
    private DateTimeOffset _nextTrickle = DateTimeOffset.MaxValue;
    private bool _announceNow;

    /// <summary>
    /// Queues an inventory announcement. Transactions are batched and trickled every
    /// <see cref="PeerConfig.TrickleInterval"/>; blocks go out at the next scheduler tick. Inventory the remote is
    /// known to have (it announced it, or we already did; a bounded most-recently-used set) is skipped, and
    /// transactions are not announced to a peer whose version asked for no relay.
    /// </summary>
    /// <param name="inventory">The item.</param>
    /// <returns>False when the item was skipped (known to the remote, a transaction for a remote that asked for no relay) or the pending list is full.</returns>
    public bool QueueInventory(InventoryVector inventory)
    {
        lock (_lock)
        {
            if (!IsConnected || _knownInventory.Contains(inventory) || _pendingInventory.Count >= _config.MaxPendingInventory
                || (!IsBlock(inventory.Type) && _versionReceived && !_remoteRelay))
            {
                return false;
            }

            _pendingInventory.Add(inventory);
            if (IsBlock(inventory.Type))
            {
                _announceNow = true;
            }

            return true;
        }
    }

    /// <summary>Whether the remote is known to have <paramref name="inventory"/>.</summary>
    /// <param name="inventory">The item.</param>
    public bool IsKnownInventory(InventoryVector inventory)
    {
        lock (_lock)
        {
            return _knownInventory.Contains(inventory);
        }
    }

    /// <summary>Inventory waiting for the next trickle.</summary>
    public int PendingInventoryCount
    {
        get
        {
            lock (_lock)
            {
                return _pendingInventory.Count;
            }
        }
    }

    private static bool IsBlock(InventoryType type) =>
        type is InventoryType.Block or InventoryType.WitnessBlock or InventoryType.FilteredBlock or InventoryType.FilteredWitnessBlock or InventoryType.CompactBlock;

    /// <summary>Takes what is due: everything at a trickle, or only blocks in between. Marks what it takes as known.</summary>
    private List<InventoryVector>? TakePendingInventoryLocked(bool trickleTransactions)
    {
        if (_pendingInventory.Count == 0)
        {
            return null;
        }

        var due = new List<InventoryVector>();
        int kept = 0;
        for (int i = 0; i < _pendingInventory.Count; i++)
        {
            var item = _pendingInventory[i];
            bool block = IsBlock(item.Type);
            if (!block && !trickleTransactions)
            {
                _pendingInventory[kept++] = item;
                continue;
            }

            if (_knownInventory.Contains(item) || (!block && !_remoteRelay))
            {
                continue;
            }

            _knownInventory.Add(item);
            due.Add(item);
        }

        _pendingInventory.RemoveRange(kept, _pendingInventory.Count - kept);
        return due;
    }

    /// <summary>Sends inventory in inv messages of at most <see cref="PeerConfig.MaxInventoryPerMessage"/> entries.</summary>
    private void SendInventory(List<InventoryVector> items)
    {
        int size = _config.MaxInventoryPerMessage;
        for (int offset = 0; offset < items.Count; offset += size)
        {
            int count = Math.Min(size, items.Count - offset);
            QueueControl(new InvMessage { Inventory = new WireArray<InventoryVector>(items.GetRange(offset, count).ToArray()) });
        }
    }

    private void OnInventoryReceived(InvMessage inv)
    {
        lock (_lock)
        {
            _stallInventory = null;
            foreach (var item in inv.Inventory.AsSpan())
            {
                _knownInventory.Add(item);
            }
        }
    }
}
