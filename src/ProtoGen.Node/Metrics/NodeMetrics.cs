using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ProtoGen.Peers;

namespace ProtoGen.Node.Metrics;

/// <summary>
/// The node's counters as <c>System.Diagnostics.Metrics</c> instruments on the meter <c>ProtoGen.Node</c> (listen with
/// a MeterListener, dotnet-counters or OpenTelemetry): inbound admission (admitted, refused and evicted, by reason),
/// accept errors, misbehaviour disconnects by reason, addresses and transaction announcements dropped, and what the
/// peers' budgets hold (every <see cref="PeerBudget"/> a <c>PeerServer</c> or <c>BitcoinNode</c> of the process uses,
/// summed). The same figures are kept per object in <c>PeerServer.GetAdmissionStats</c>,
/// <c>MisbehaviourPolicy.GetStats</c>, <c>AddressRelay.GetStats</c>, <c>TransactionAnnouncements.GetStats</c> and
/// <see cref="PeerBudget.GetStats"/>.
/// </summary>
public static class NodeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ProtoGen.Node";

    private static readonly Meter s_meter = new(MeterName, "0.1.0");
    private static readonly Counter<long> s_admitted = s_meter.CreateCounter<long>("protogen.node.inbound.admitted", "{connection}", "Inbound connections admitted");
    private static readonly Counter<long> s_refused = s_meter.CreateCounter<long>("protogen.node.inbound.refused", "{connection}", "Inbound connections refused, by reason");
    private static readonly Counter<long> s_evicted = s_meter.CreateCounter<long>("protogen.node.inbound.evicted", "{peer}", "Inbound peers evicted, by reason");
    private static readonly Counter<long> s_acceptErrors = s_meter.CreateCounter<long>("protogen.node.accept.errors", "{error}", "Errors of the accept loop, by socket error");
    private static readonly Counter<long> s_misbehaviour = s_meter.CreateCounter<long>("protogen.node.misbehaviour.disconnects", "{peer}", "Peers disconnected for misbehaviour, by reason");
    private static readonly Counter<long> s_addressesDropped = s_meter.CreateCounter<long>("protogen.node.addr.dropped", "{address}", "Addresses dropped by the per-peer rate limit");
    private static readonly Counter<long> s_addressesAccepted = s_meter.CreateCounter<long>("protogen.node.addr.accepted", "{address}", "Addresses taken within the per-peer rate limit");
    private static readonly Counter<long> s_announcementsDropped = s_meter.CreateCounter<long>("protogen.node.tx.announcements.dropped", "{announcement}", "Transaction announcements not tracked, by bound");

    // The budgets in use, held weakly: a budget no server or node uses any more drops out of the sums.
    private static readonly ConditionalWeakTable<PeerBudget, object?> s_budgets = [];
    private static readonly ObservableUpDownCounter<long> s_partialBytes = s_meter.CreateObservableUpDownCounter("protogen.node.budget.partial_messages", () => SumBudgets(static s => s.PartialMessageBytes), "By", "Bytes of incomplete messages held for peers");
    private static readonly ObservableUpDownCounter<long> s_queuedBytes = s_meter.CreateObservableUpDownCounter("protogen.node.budget.queued_sends", () => SumBudgets(static s => s.QueuedSendBytes), "By", "Bytes queued for sending to peers and not yet handed to their sockets");
    private static readonly ObservableUpDownCounter<long> s_paused = s_meter.CreateObservableUpDownCounter("protogen.node.budget.paused", ObservePaused, "{peer}", "Peers not read (receive) or whose requests wait (transmit) because a budget or their send buffer is full");
    private static readonly ObservableCounter<long> s_budgetDisconnects = s_meter.CreateObservableCounter("protogen.node.budget.disconnects", () => SumBudgets(static s => s.Disconnects), "{peer}", "Peers disconnected for staying over a budget past its deadline");

    /// <summary>Counts <paramref name="budget"/> in the budget instruments (once, however often it is tracked).</summary>
    /// <param name="budget">A budget in use.</param>
    internal static void Track(PeerBudget budget)
    {
        s_budgets.TryAdd(budget, null);
    }

    private static long SumBudgets(System.Func<PeerBudgetStats, long> field)
    {
        long sum = 0;
        foreach (var (budget, _) in s_budgets)
        {
            sum += field(budget.GetStats());
        }

        return sum;
    }

    private static IEnumerable<Measurement<long>> ObservePaused()
    {
        long receivers = 0;
        long senders = 0;
        foreach (var (budget, _) in s_budgets)
        {
            var stats = budget.GetStats();
            receivers += stats.PausedReceivers;
            senders += stats.PausedSenders;
        }

        return
        [
            new Measurement<long>(receivers, new KeyValuePair<string, object?>("network.io.direction", "receive")),
            new Measurement<long>(senders, new KeyValuePair<string, object?>("network.io.direction", "transmit")),
        ];
    }

    internal static void Admitted() => s_admitted.Add(1);

    internal static void Refused(string reason) => s_refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal static void Evicted(string reason) => s_evicted.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal static void AcceptError(string error) => s_acceptErrors.Add(1, new KeyValuePair<string, object?>("error", error));

    internal static void Misbehaviour(string reason) => s_misbehaviour.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal static void AddressesDropped(long count)
    {
        if (count > 0)
        {
            s_addressesDropped.Add(count);
        }
    }

    internal static void AddressesAccepted(long count)
    {
        if (count > 0)
        {
            s_addressesAccepted.Add(count);
        }
    }

    internal static void AnnouncementsDropped(string bound, long count)
    {
        if (count > 0)
        {
            s_announcementsDropped.Add(count, new KeyValuePair<string, object?>("bound", bound));
        }
    }
}
