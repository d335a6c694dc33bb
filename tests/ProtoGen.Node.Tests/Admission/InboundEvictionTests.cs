using ProtoGen.Node.Admission;

namespace ProtoGen.Node.Tests.Admission;

/// <summary>
/// <see cref="InboundEviction"/>: the choice of Bitcoin Core's <c>SelectNodeToEvict</c>. The peers are built so each
/// rule's effect is known: with 40 unremarkable peers connected one second apart (id = order, ties broken by id), the
/// keyed-group rule protects ids 39-36, the ping rule 35-28, the transaction rule the oldest 0-3, the block rule 4-7,
/// uptime the oldest half of the other 20 (8-17), and the youngest of the rest (27) goes.
/// </summary>
public class InboundEvictionTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch.AddYears(55);

    [Fact]
    public void With_few_inbound_peers_every_one_is_protected_and_none_is_evicted()
    {
        Assert.Null(InboundEviction.Select(Peers(20)));

        // The 21st leaves one peer no rule protects: id 8, between the oldest eight and the youngest twelve.
        Assert.Equal(8, InboundEviction.Select(Peers(21)));
    }

    [Fact]
    public void Outbound_and_noban_peers_are_never_evicted()
    {
        Assert.Null(InboundEviction.Select(Peers(40).Select(c => c with { Inbound = false }).ToList()));
        Assert.Null(InboundEviction.Select(Peers(40).Select(c => c with { NoBan = true }).ToList()));
        Assert.Equal(27, InboundEviction.Select(Peers(40)));
    }

    [Fact]
    public void The_youngest_peer_of_the_largest_network_group_among_the_unprotected_is_evicted()
    {
        // Unprotected: 18-24 in one group, 25-27 (younger) in another: the larger group loses its youngest, 24.
        var candidates = Peers(40).Select(c => c with
        {
            KeyedNetGroup = c.Id switch
            {
                < 8 => 5,
                >= 18 and <= 24 => 3,
                >= 25 and <= 27 => 1,
                _ => 9,
            },
        }).ToList();

        Assert.Equal(24, InboundEviction.Select(candidates));
    }

    [Fact]
    public void Peers_with_the_lowest_pings_or_the_latest_new_blocks_and_transactions_survive()
    {
        // Without these, 28-47 of 60 are the first to go, youngest first.
        var candidates = Peers(60).ToList();
        var protectedIds = new HashSet<long>();
        for (int id = 40; id < 48; id++)
        {
            candidates[id] = candidates[id] with { MinPing = TimeSpan.FromMilliseconds(id) };
            protectedIds.Add(id);
        }

        for (int id = 36; id < 40; id++)
        {
            candidates[id] = candidates[id] with { LastTransaction = Start.AddHours(id) };
            protectedIds.Add(id);
        }

        for (int id = 32; id < 36; id++)
        {
            candidates[id] = candidates[id] with { LastBlock = Start.AddHours(id) };
            protectedIds.Add(id);
        }

        AssertNeverEvicted(candidates, protectedIds, rounds: 15);
    }

    [Fact]
    public void Block_relay_only_peers_that_sent_new_blocks_survive()
    {
        var candidates = Peers(60).ToList();
        var protectedIds = new HashSet<long>();
        for (int id = 40; id < 48; id++)
        {
            candidates[id] = candidates[id] with { RelaysTransactions = false, LastBlock = Start.AddMinutes(id) };
            protectedIds.Add(id);
        }

        AssertNeverEvicted(candidates, protectedIds, rounds: 15);
    }

    [Fact]
    public void The_longest_connected_half_of_the_rest_survives()
    {
        var candidates = Peers(40);

        AssertNeverEvicted(candidates, Enumerable.Range(8, 10).Select(i => (long)i).ToHashSet(), rounds: 1);
        Assert.Equal(27, InboundEviction.Select(Peers(40)));
    }

    [Fact]
    public void A_discouraged_peer_is_evicted_before_any_other_unprotected_peer()
    {
        var candidates = Peers(40);
        candidates[20] = candidates[20] with { PreferEvict = true };

        Assert.Equal(20, InboundEviction.Select(candidates));
    }

    [Fact]
    public void A_discouraged_peer_that_is_protected_stays()
    {
        var candidates = Peers(40);
        candidates[2] = candidates[2] with { PreferEvict = true }; // among the oldest four

        Assert.Equal(27, InboundEviction.Select(candidates));
    }

    [Fact]
    public void Local_peers_keep_a_share_of_the_uptime_protection_even_when_young()
    {
        var candidates = Peers(60).ToList();
        var local = new HashSet<long>();
        for (int id = 42; id < 48; id++)
        {
            candidates[id] = candidates[id] with { IsLocal = true };
            local.Add(id);
        }

        AssertNeverEvicted(candidates, local, rounds: 10);
    }

    /// <summary>Evicts <paramref name="rounds"/> times (each time among those left) and checks none of <paramref name="protectedIds"/> went.</summary>
    private static void AssertNeverEvicted(List<EvictionCandidate> candidates, HashSet<long> protectedIds, int rounds)
    {
        var left = new List<EvictionCandidate>(candidates);
        for (int round = 0; round < rounds; round++)
        {
            var evicted = InboundEviction.Select([.. left]);
            Assert.NotNull(evicted);
            Assert.DoesNotContain(evicted!.Value, protectedIds);
            left.RemoveAll(c => c.Id == evicted);
        }
    }

    /// <summary>
    /// <paramref name="count"/> inbound peers connected one second apart (id = order): no ping yet, no new blocks or
    /// transactions, relaying transactions, full services, one network group.
    /// </summary>
    private static List<EvictionCandidate> Peers(int count) =>
        Enumerable.Range(0, count).Select(i => new EvictionCandidate(
            Id: i,
            Connected: Start.AddSeconds(i),
            MinPing: TimeSpan.MaxValue,
            LastBlock: DateTimeOffset.MinValue,
            LastTransaction: DateTimeOffset.MinValue,
            RelevantServices: true,
            RelaysTransactions: true,
            BloomFilter: false,
            KeyedNetGroup: 1,
            PreferEvict: false,
            IsLocal: false)).ToList();
}
