using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Limits;
using ProtoGen.Peers;

namespace ProtoGen.Node.Admission;

/// <summary>An admitted inbound peer and what admission and eviction know of it.</summary>
internal sealed class InboundConnection
{
    private readonly HandshakeTicket _ticket;

    public InboundConnection(Peer peer, IPAddress address, ulong keyedNetGroup, bool preferEvict, HandshakeTicket ticket)
    {
        Peer = peer;
        Address = address;
        KeyedNetGroup = keyedNetGroup;
        PreferEvict = preferEvict;
        IsLocal = AddressGroups.IsLocal(address);
        _ticket = ticket;
    }

    public Peer Peer { get; }

    /// <summary>The remote address, IPv4-mapped addresses unmapped.</summary>
    public IPAddress Address { get; }

    public ulong KeyedNetGroup { get; }

    /// <summary>Whether the address was discouraged when the peer was admitted (Core's <c>m_prefer_evict</c>).</summary>
    public bool PreferEvict { get; }

    public bool IsLocal { get; }

    /// <summary>Releases the source's incomplete-handshake slot when the handshake ends, finished or not.</summary>
    public void WatchHandshake() =>
        Peer.WaitForHandshakeAsync().ContinueWith(
            static (task, state) =>
            {
                _ = task.Exception; // observed: a peer that ends before its handshake faults the task
                ((InboundConnection)state!).HandshakeEnded();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>The handshake finished or the peer ended: the slot goes back to its source.</summary>
    public void HandshakeEnded() => _ticket.Release();

    /// <summary>What eviction needs to know of this peer now.</summary>
    /// <param name="activity">When peers last gave us something new.</param>
    public EvictionCandidate ToCandidate(PeerActivity activity)
    {
        const ServiceFlags full = ServiceFlags.Network | ServiceFlags.Witness;
        const ServiceFlags limited = ServiceFlags.NetworkLimited | ServiceFlags.Witness;
        var services = Peer.RemoteServices;
        return new EvictionCandidate(
            Peer.Id,
            Peer.ConnectedAt,
            Peer.GetStats().MinPingRoundTrip ?? TimeSpan.MaxValue,
            activity.LastBlock(Peer),
            activity.LastTransaction(Peer),
            RelevantServices: (services & full) == full || (services & limited) == limited,
            RelaysTransactions: Peer.RemoteVersion is { } version && (version.Relay ?? true),
            BloomFilter: false,
            KeyedNetGroup,
            PreferEvict,
            IsLocal);
    }
}
