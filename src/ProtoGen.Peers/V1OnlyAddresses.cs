using System;
using System.Collections.Generic;
using System.Net;

namespace ProtoGen.Peers;

/// <summary>
/// Addresses known to speak only the v1 transport, learnt from failed v2 attempts (<see cref="DisconnectKind.V1Fallback"/>):
/// the next outbound connection to one of them uses v1 at once. Bounded: when full, the address remembered longest
/// ago is forgotten first. Thread-safe.
/// </summary>
public sealed class V1OnlyAddresses
{
    /// <summary>How many addresses are remembered by default.</summary>
    public const int DefaultCapacity = 1_000;

    private readonly object _gate = new();
    private readonly HashSet<EndPoint> _addresses = [];
    private readonly Queue<EndPoint> _order = new();

    /// <summary>Creates an empty set.</summary>
    /// <param name="capacity">How many addresses it keeps at most.</param>
    public V1OnlyAddresses(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How many addresses it keeps at most.</summary>
    public int Capacity { get; }

    /// <summary>How many addresses it holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _addresses.Count;
            }
        }
    }

    /// <summary>Remembers that <paramref name="address"/> speaks v1 only.</summary>
    /// <param name="address">The remote's address and port.</param>
    public void Add(EndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = Normalize(address);
        lock (_gate)
        {
            if (!_addresses.Add(key))
            {
                return;
            }

            _order.Enqueue(key);
            if (_order.Count > Capacity)
            {
                _addresses.Remove(_order.Dequeue());
            }
        }
    }

    /// <summary>Whether <paramref name="address"/> is known to speak v1 only.</summary>
    /// <param name="address">The remote's address and port.</param>
    public bool Contains(EndPoint? address)
    {
        if (address is null)
        {
            return false;
        }

        var key = Normalize(address);
        lock (_gate)
        {
            return _addresses.Contains(key);
        }
    }

    /// <summary>Forgets <paramref name="address"/> (for example after the remote is seen advertising NODE_P2P_V2).</summary>
    /// <param name="address">The remote's address and port.</param>
    public bool Remove(EndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = Normalize(address);
        lock (_gate)
        {
            if (!_addresses.Remove(key))
            {
                return false;
            }

            // Rebuilt without it (rare, at most Capacity entries), so that adding it again gives it a fresh place.
            int count = _order.Count;
            for (int i = 0; i < count; i++)
            {
                var next = _order.Dequeue();
                if (!next.Equals(key))
                {
                    _order.Enqueue(next);
                }
            }

            return true;
        }
    }

    private static EndPoint Normalize(EndPoint address) =>
        address is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : address;
}
