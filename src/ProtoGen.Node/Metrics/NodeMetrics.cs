using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace ProtoGen.Node.Metrics;

/// <summary>
/// The node's counters as <c>System.Diagnostics.Metrics</c> instruments on the meter <c>ProtoGen.Node</c> (listen with
/// a MeterListener, dotnet-counters or OpenTelemetry): inbound admission (admitted, refused and evicted, by reason),
/// accept errors, misbehaviour disconnects by reason, and addresses and transaction announcements dropped. The same
/// figures are kept per object in <c>PeerServer.GetAdmissionStats</c>, <c>MisbehaviourPolicy.GetStats</c>,
/// <c>AddressRelay.GetStats</c> and <c>TransactionAnnouncements.GetStats</c>.
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
