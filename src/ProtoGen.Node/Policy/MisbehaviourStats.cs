using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Node.Metrics;

namespace ProtoGen.Node.Policy;

/// <summary>A snapshot of a <see cref="MisbehaviourPolicy"/>'s counters since it was created.</summary>
public sealed record MisbehaviourStats
{
    /// <summary>Peers disconnected, by what they did (every kind present, zero included).</summary>
    public IReadOnlyDictionary<MisbehaviourKind, long> Disconnects { get; init; } = new Dictionary<MisbehaviourKind, long>();

    /// <summary>Addresses discouraged.</summary>
    public long Discouraged { get; init; }

    /// <summary>Local peers disconnected without discouraging their address.</summary>
    public long LocalNotDiscouraged { get; init; }

    /// <summary>Misbehaviour of exempt peers, counted but not punished.</summary>
    public long Exempted { get; init; }

    /// <summary>getheaders sent in answer to unconnecting headers.</summary>
    public long GetHeadersSent { get; init; }

    /// <summary>Unconnecting headers messages answered with nothing (a getheaders was still outstanding).</summary>
    public long UnconnectingHeadersIgnored { get; init; }
}

/// <summary>The counters behind <see cref="MisbehaviourStats"/>.</summary>
internal sealed class MisbehaviourCounters
{
    private readonly long[] _disconnects = new long[Enum.GetValues<MisbehaviourKind>().Length];
    private long _discouraged;
    private long _local;
    private long _exempted;
    private long _getHeaders;
    private long _ignored;

    public void Disconnected(MisbehaviourKind kind)
    {
        Interlocked.Increment(ref _disconnects[(int)kind]);
        NodeMetrics.Misbehaviour(kind.ToString());
    }

    public void Discouraged() => Interlocked.Increment(ref _discouraged);

    public void LocalNotDiscouraged() => Interlocked.Increment(ref _local);

    public void Exempted() => Interlocked.Increment(ref _exempted);

    public void GetHeadersSent() => Interlocked.Increment(ref _getHeaders);

    public void UnconnectingIgnored() => Interlocked.Increment(ref _ignored);

    public MisbehaviourStats Snapshot()
    {
        var disconnects = new Dictionary<MisbehaviourKind, long>();
        foreach (var kind in Enum.GetValues<MisbehaviourKind>())
        {
            disconnects[kind] = Interlocked.Read(ref _disconnects[(int)kind]);
        }

        return new MisbehaviourStats
        {
            Disconnects = disconnects,
            Discouraged = Interlocked.Read(ref _discouraged),
            LocalNotDiscouraged = Interlocked.Read(ref _local),
            Exempted = Interlocked.Read(ref _exempted),
            GetHeadersSent = Interlocked.Read(ref _getHeaders),
            UnconnectingHeadersIgnored = Interlocked.Read(ref _ignored),
        };
    }
}
