using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using ProtoGen.Node.Limits;
using ProtoGen.Node.Policy;
using ProtoGen.Peers;

namespace ProtoGen.Node.Admission;

/// <summary>
/// Decides, for each accepted connection, whether a peer runs on it, in Bitcoin Core's order (a discouraged address
/// while the slots are almost full, then the slots themselves, evicting a peer to make room) with btcd's per-source
/// handshake limits and rates before any eviction, so that nobody can churn evictions faster than the handshake rate;
/// and sheds peers when file descriptors run out. The accept loop calls it one connection at a time.
/// </summary>
internal sealed class InboundAdmission
{
    private readonly AdmissionOptions _options;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusalLog = new(TimeProvider.System);
    private readonly ulong _netGroupKey = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));

    public InboundAdmission(AdmissionOptions options, DiscouragedAddresses discouraged, PeerActivity activity, TimeProvider time, ILogger logger)
    {
        _options = options;
        Discouraged = discouraged;
        Activity = activity;
        _logger = logger;
        Limits = new HandshakeLimits(options, time);
    }

    public DiscouragedAddresses Discouraged { get; }

    public PeerActivity Activity { get; }

    public HandshakeLimits Limits { get; }

    public AdmissionCounters Counters { get; } = new();

    /// <summary>
    /// Admits a connection from <paramref name="address"/> or says why not. Admitting may evict a running peer (it is
    /// disconnected before this returns). The ticket holds the source's incomplete-handshake slot.
    /// </summary>
    /// <param name="address">The remote address (normalized).</param>
    /// <param name="running">The inbound peers now.</param>
    /// <param name="ticket">The handshake slot, when admitted.</param>
    /// <param name="preferEvict">Whether the address is discouraged (the peer is then evicted first).</param>
    /// <param name="detail">Why not, in words.</param>
    public AdmissionRefusal? Decide(IPAddress address, IReadOnlyCollection<InboundConnection> running, out HandshakeTicket ticket, out bool preferEvict, out string detail)
    {
        ticket = HandshakeTicket.None;
        preferEvict = false;
        detail = string.Empty;
        int inbound = CountConnected(running);
        bool discouraged = Discouraged.Contains(address);
        if (discouraged && inbound + 1 >= _options.MaxInbound)
        {
            detail = Invariant($"discouraged address, {inbound} of {_options.MaxInbound} inbound slots taken");
            return AdmissionRefusal.Discouraged;
        }

        if (Limits.TryAdmit(address, out ticket) is { } limited)
        {
            detail = limited switch
            {
                AdmissionRefusal.SourcePendingHandshakes => Invariant($"{_options.MaxPendingHandshakesPerSource} incomplete handshakes from {AddressGroups.SourcePrefix(address)} already"),
                AdmissionRefusal.SourceHandshakeRate => Invariant($"more than {_options.SourceHandshakeRate}/s (burst {_options.SourceHandshakeBurst}) from {AddressGroups.SourcePrefix(address)}"),
                _ => Invariant($"more than {_options.HandshakeRate}/s (burst {_options.HandshakeBurst}) server-wide"),
            };
            return limited;
        }

        if (inbound >= _options.MaxInbound && !TryEvictForRoom(address, running, inbound))
        {
            ticket.Release();
            detail = Invariant($"{inbound} of {_options.MaxInbound} inbound slots taken and every peer protected");
            return AdmissionRefusal.InboundFull;
        }

        preferEvict = discouraged;
        return null;
    }

    /// <summary>Counts and logs (throttled) a refusal.</summary>
    public void Refused(EndPoint? remote, AdmissionRefusal reason, string detail)
    {
        Counters.Refused(reason);
        if (_logger.IsEnabled(LogLevel.Warning) && _refusalLog.ShouldLog(out long suppressed))
        {
            AdmissionLog.Refused(_logger, remote?.ToString() ?? "(unknown)", reason, detail, suppressed);
        }
    }

    /// <summary>The keyed network group of <paramref name="address"/>: secret to this server, so nobody can aim at the groups it protects.</summary>
    public ulong KeyedNetGroup(IPAddress address)
    {
        var group = AddressGroups.NetGroup(address);
        return (ulong)(uint)HashCode.Combine(_netGroupKey, group) | ((ulong)(uint)HashCode.Combine(group, _netGroupKey) << 32);
    }

    /// <summary>
    /// Disconnects the youngest inbound peers (incomplete handshakes first) until <paramref name="needed"/> are on
    /// their way out, counting those already leaving. Returns how many were disconnected now.
    /// </summary>
    public int Shed(IReadOnlyCollection<InboundConnection> running, int needed, string detail)
    {
        var order = new List<InboundConnection>(running.Count);
        foreach (var connection in running)
        {
            if (connection.Peer.IsConnected)
            {
                order.Add(connection);
            }
            else
            {
                needed--;
            }
        }

        order.Sort(static (a, b) =>
        {
            if (a.Peer.IsHandshakeComplete != b.Peer.IsHandshakeComplete)
            {
                return a.Peer.IsHandshakeComplete ? 1 : -1;
            }

            return a.Peer.ConnectedAt != b.Peer.ConnectedAt ? b.Peer.ConnectedAt.CompareTo(a.Peer.ConnectedAt) : b.Peer.Id.CompareTo(a.Peer.Id);
        });

        int shed = 0;
        for (int i = 0; i < order.Count && shed < needed; i++)
        {
            var peer = order[i].Peer;
            AdmissionLog.Evicting(_logger, peer.Id, peer.RemoteEndPoint?.ToString() ?? "(unknown)", EvictionReason.DescriptorsExhausted, detail);
            peer.Disconnect(DisconnectKind.Evicted, "file descriptors exhausted: " + detail);
            Counters.Evicted(EvictionReason.DescriptorsExhausted);
            shed++;
        }

        return shed;
    }

    private static int CountConnected(IReadOnlyCollection<InboundConnection> running)
    {
        int count = 0;
        foreach (var connection in running)
        {
            if (connection.Peer.IsConnected)
            {
                count++;
            }
        }

        return count;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private bool TryEvictForRoom(IPAddress newcomer, IReadOnlyCollection<InboundConnection> running, int inbound)
    {
        var candidates = new List<EvictionCandidate>(running.Count);
        var byId = new Dictionary<long, InboundConnection>(running.Count);
        foreach (var connection in running)
        {
            if (connection.Peer.IsConnected)
            {
                candidates.Add(connection.ToCandidate(Activity));
                byId[connection.Peer.Id] = connection;
            }
        }

        if (InboundEviction.Select(candidates) is not { } id || !byId.TryGetValue(id, out var victim))
        {
            return false;
        }

        string detail = Invariant($"{inbound} of {_options.MaxInbound} inbound slots taken; making room for {newcomer}");
        AdmissionLog.Evicting(_logger, victim.Peer.Id, victim.Peer.RemoteEndPoint?.ToString() ?? "(unknown)", EvictionReason.InboundFull, detail);
        victim.Peer.Disconnect(DisconnectKind.Evicted, "evicted: " + detail);
        Counters.Evicted(EvictionReason.InboundFull);
        return true;
    }
}
