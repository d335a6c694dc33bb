using System;
using System.Collections.Generic;

namespace ProtoGen.Node.Admission;

/// <summary>What eviction knows of a running peer (Bitcoin Core's <c>NodeEvictionCandidate</c>).</summary>
/// <param name="Id">The peer's id.</param>
/// <param name="Connected">When it connected.</param>
/// <param name="MinPing">Its shortest ping round trip (<see cref="TimeSpan.MaxValue"/> before any).</param>
/// <param name="LastBlock">When it last gave us a new block (<see cref="DateTimeOffset.MinValue"/>: never).</param>
/// <param name="LastTransaction">When it last gave us a new transaction (<see cref="DateTimeOffset.MinValue"/>: never).</param>
/// <param name="RelevantServices">Whether it offers the services we want from a peer (network or limited, and witness).</param>
/// <param name="RelaysTransactions">Whether it asked for transaction relay.</param>
/// <param name="BloomFilter">Whether it loaded a bloom filter.</param>
/// <param name="KeyedNetGroup">Its network group, hashed with a key secret to this server.</param>
/// <param name="PreferEvict">Whether its address is discouraged.</param>
/// <param name="IsLocal">Whether it connected from a local address.</param>
/// <param name="Inbound">Whether it connected to us.</param>
/// <param name="NoBan">Whether it may never be evicted (Core's <c>noban</c> permission).</param>
internal readonly record struct EvictionCandidate(
    long Id,
    DateTimeOffset Connected,
    TimeSpan MinPing,
    DateTimeOffset LastBlock,
    DateTimeOffset LastTransaction,
    bool RelevantServices,
    bool RelaysTransactions,
    bool BloomFilter,
    ulong KeyedNetGroup,
    bool PreferEvict,
    bool IsLocal,
    bool Inbound = true,
    bool NoBan = false);

/// <summary>
/// Chooses the inbound peer to evict when the slots are full, by the rules of Bitcoin Core's <c>SelectNodeToEvict</c>:
/// never an outbound or <c>noban</c> peer; protect 4 peers by keyed network group (an attacker cannot predict which),
/// the 8 with the lowest ping, the 4 that most recently sent new transactions, up to 8 block-relay-only peers and the 4
/// that most recently sent new blocks, then half of the rest by uptime (up to a quarter of them local, the one
/// disadvantaged network a TCP-only node sees: Core also reserves room for Tor, I2P and CJDNS peers); if any of those
/// left are discouraged consider only them; then take the network group with the most peers (ties: the group with
/// the youngest member) and evict its youngest. Ties inside each ordering are broken by id, so the choice is repeatable.
/// </summary>
internal static class InboundEviction
{
    /// <summary>Peers protected by keyed network group (Core: "Deterministically select 4 peers to protect by netgroup").</summary>
    public const int ProtectedByNetGroup = 4;

    /// <summary>Peers protected for the lowest minimum ping (Core: 8).</summary>
    public const int ProtectedByPing = 8;

    /// <summary>Peers protected for most recently sending new transactions (Core: 4).</summary>
    public const int ProtectedByTransactions = 4;

    /// <summary>Block-relay-only peers protected for most recently sending new blocks (Core: up to 8).</summary>
    public const int ProtectedBlockRelayOnly = 8;

    /// <summary>Peers protected for most recently sending new blocks (Core: 4).</summary>
    public const int ProtectedByBlocks = 4;

    /// <summary>Returns the id of the peer to evict, or null when every candidate is protected. Reorders and shrinks <paramref name="candidates"/>.</summary>
    /// <param name="candidates">The running peers.</param>
    public static long? Select(List<EvictionCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        candidates.RemoveAll(static c => c.NoBan || !c.Inbound);
        EraseLast(candidates, CompareNetGroupKeyed, ProtectedByNetGroup);
        EraseLast(candidates, ReverseCompareMinPing, ProtectedByPing);
        EraseLast(candidates, CompareTransactionTime, ProtectedByTransactions);
        EraseLast(candidates, CompareBlockRelayOnlyTime, ProtectedBlockRelayOnly, static c => !c.RelaysTransactions && c.RelevantServices);
        EraseLast(candidates, CompareBlockTime, ProtectedByBlocks);
        ProtectByRatio(candidates);
        if (candidates.Count == 0)
        {
            return null;
        }

        // Anything still here was not protected by what it did; a discouraged one goes first.
        if (candidates.Exists(static c => c.PreferEvict))
        {
            candidates.RemoveAll(static c => !c.PreferEvict);
        }

        // The candidates are sorted youngest first: the group with the most members wins, ties going to the group
        // whose youngest member is youngest, and that member is evicted.
        var groups = new Dictionary<ulong, (int Count, EvictionCandidate Youngest)>();
        ulong chosen = 0;
        int most = 0;
        DateTimeOffset mostTime = DateTimeOffset.MinValue;
        foreach (var candidate in candidates)
        {
            var group = groups.TryGetValue(candidate.KeyedNetGroup, out var found) ? (found.Count + 1, found.Youngest) : (1, candidate);
            groups[candidate.KeyedNetGroup] = group;
            var groupTime = group.Item2.Connected;
            if (group.Item1 > most || (group.Item1 == most && groupTime > mostTime))
            {
                most = group.Item1;
                mostTime = groupTime;
                chosen = candidate.KeyedNetGroup;
            }
        }

        return groups[chosen].Youngest.Id;
    }

    /// <summary>
    /// Protects half of the candidates by uptime, reserving up to half of those places for local peers (longest
    /// connected first), as Core's <c>ProtectEvictionCandidatesByRatio</c> does for its disadvantaged networks.
    /// </summary>
    private static void ProtectByRatio(List<EvictionCandidate> candidates)
    {
        int total = candidates.Count / 2;
        int byNetwork = total / 2;
        int before = candidates.Count;
        if (byNetwork > 0)
        {
            EraseLast(candidates, CompareLocalThenUptime, byNetwork, static c => c.IsLocal);
        }

        EraseLast(candidates, ReverseCompareConnected, total - (before - candidates.Count));
    }

    /// <summary>Sorts with <paramref name="comparison"/>, then removes those of the last <paramref name="count"/> that match <paramref name="protect"/> (all by default).</summary>
    private static void EraseLast(List<EvictionCandidate> candidates, Comparison<EvictionCandidate> comparison, int count, Predicate<EvictionCandidate>? protect = null)
    {
        candidates.Sort(comparison);
        int start = candidates.Count - Math.Min(count, candidates.Count);
        for (int i = candidates.Count - 1; i >= start; i--)
        {
            if (protect is null || protect(candidates[i]))
            {
                candidates.RemoveAt(i);
            }
        }
    }

    // Each ordering puts the candidates to protect last.
    private static int CompareNetGroupKeyed(EvictionCandidate a, EvictionCandidate b) =>
        a.KeyedNetGroup != b.KeyedNetGroup ? a.KeyedNetGroup.CompareTo(b.KeyedNetGroup) : ById(a, b);

    private static int ReverseCompareMinPing(EvictionCandidate a, EvictionCandidate b) =>
        a.MinPing != b.MinPing ? b.MinPing.CompareTo(a.MinPing) : ById(a, b);

    private static int CompareTransactionTime(EvictionCandidate a, EvictionCandidate b)
    {
        if (a.LastTransaction != b.LastTransaction)
        {
            return a.LastTransaction.CompareTo(b.LastTransaction);
        }

        if (a.RelaysTransactions != b.RelaysTransactions)
        {
            return a.RelaysTransactions ? 1 : -1;
        }

        if (a.BloomFilter != b.BloomFilter)
        {
            return a.BloomFilter ? -1 : 1;
        }

        return YoungestFirst(a, b);
    }

    private static int CompareBlockRelayOnlyTime(EvictionCandidate a, EvictionCandidate b)
    {
        if (a.RelaysTransactions != b.RelaysTransactions)
        {
            return a.RelaysTransactions ? -1 : 1;
        }

        return CompareBlockTime(a, b);
    }

    private static int CompareBlockTime(EvictionCandidate a, EvictionCandidate b)
    {
        if (a.LastBlock != b.LastBlock)
        {
            return a.LastBlock.CompareTo(b.LastBlock);
        }

        if (a.RelevantServices != b.RelevantServices)
        {
            return a.RelevantServices ? 1 : -1;
        }

        return YoungestFirst(a, b);
    }

    private static int CompareLocalThenUptime(EvictionCandidate a, EvictionCandidate b) =>
        a.IsLocal != b.IsLocal ? (a.IsLocal ? 1 : -1) : YoungestFirst(a, b);

    private static int ReverseCompareConnected(EvictionCandidate a, EvictionCandidate b) => YoungestFirst(a, b);

    private static int YoungestFirst(EvictionCandidate a, EvictionCandidate b) =>
        a.Connected != b.Connected ? b.Connected.CompareTo(a.Connected) : ById(b, a);

    private static int ById(EvictionCandidate a, EvictionCandidate b) => a.Id.CompareTo(b.Id);
}
