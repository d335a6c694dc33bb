using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Node.Metrics;

namespace ProtoGen.Node.Admission;

/// <summary>A snapshot of a <see cref="PeerServer"/>'s admission counters (since it was created) and its state now.</summary>
public sealed record AdmissionStats
{
    /// <summary>Connections accepted from the socket (admitted or refused).</summary>
    public long Accepted { get; init; }

    /// <summary>Connections admitted: an inbound peer runs on each.</summary>
    public long Admitted { get; init; }

    /// <summary>Connections refused, by reason (every reason present, zero included).</summary>
    public IReadOnlyDictionary<AdmissionRefusal, long> Refused { get; init; } = new Dictionary<AdmissionRefusal, long>();

    /// <summary>Running peers evicted, by reason (every reason present, zero included).</summary>
    public IReadOnlyDictionary<EvictionReason, long> Evicted { get; init; } = new Dictionary<EvictionReason, long>();

    /// <summary>Errors of the accept loop (each followed by a back-off).</summary>
    public long AcceptErrors { get; init; }

    /// <summary>Inbound peers connected now.</summary>
    public int Inbound { get; init; }

    /// <summary>Incomplete handshakes counted against their sources now (exempt loopback sources not counted).</summary>
    public int PendingHandshakes { get; init; }

    /// <summary>The inbound limit.</summary>
    public int MaxInbound { get; init; }

    /// <summary>All refusals together.</summary>
    public long RefusedTotal
    {
        get
        {
            long total = 0;
            foreach (var count in Refused.Values)
            {
                total += count;
            }

            return total;
        }
    }
}

/// <summary>The counters behind <see cref="AdmissionStats"/>; each increment also goes to <see cref="NodeMetrics"/>.</summary>
internal sealed class AdmissionCounters
{
    private readonly long[] _refused = new long[Enum.GetValues<AdmissionRefusal>().Length];
    private readonly long[] _evicted = new long[Enum.GetValues<EvictionReason>().Length];
    private long _accepted;
    private long _admitted;
    private long _acceptErrors;

    public void Accepted() => Interlocked.Increment(ref _accepted);

    public void Admitted()
    {
        Interlocked.Increment(ref _admitted);
        NodeMetrics.Admitted();
    }

    public void Refused(AdmissionRefusal reason)
    {
        Interlocked.Increment(ref _refused[(int)reason]);
        NodeMetrics.Refused(reason.ToString());
    }

    public void Evicted(EvictionReason reason)
    {
        Interlocked.Increment(ref _evicted[(int)reason]);
        NodeMetrics.Evicted(reason.ToString());
    }

    public void AcceptError(string error)
    {
        Interlocked.Increment(ref _acceptErrors);
        NodeMetrics.AcceptError(error);
    }

    public AdmissionStats Snapshot(int inbound, int pending, int maxInbound)
    {
        var refused = new Dictionary<AdmissionRefusal, long>();
        foreach (var reason in Enum.GetValues<AdmissionRefusal>())
        {
            refused[reason] = Interlocked.Read(ref _refused[(int)reason]);
        }

        var evicted = new Dictionary<EvictionReason, long>();
        foreach (var reason in Enum.GetValues<EvictionReason>())
        {
            evicted[reason] = Interlocked.Read(ref _evicted[(int)reason]);
        }

        return new AdmissionStats
        {
            Accepted = Interlocked.Read(ref _accepted),
            Admitted = Interlocked.Read(ref _admitted),
            Refused = refused,
            Evicted = evicted,
            AcceptErrors = Interlocked.Read(ref _acceptErrors),
            Inbound = inbound,
            PendingHandshakes = pending,
            MaxInbound = maxInbound,
        };
    }
}
