using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Node;
using ProtoGen.Node.Addresses;
using ProtoGen.Node.Admission;
using ProtoGen.Node.Policy;
using ProtoGen.Node.Transactions;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Networking;

/// <summary>
/// What <c>protogen listen</c> runs on every inbound peer: the misbehaviour rules, the address relay with its small
/// address book, bounded transaction announcements and the chain server, in that order; and the summary of their
/// counters printed when it stops.
/// </summary>
internal sealed class ListenNode
{
    private readonly MisbehaviourPolicy _policy;
    private readonly AddressRelay _addresses;
    private readonly TransactionAnnouncements _transactions = new();

    /// <summary>Creates the listeners for <paramref name="store"/>, sharing the discouraged addresses and peer activity of <paramref name="admission"/>.</summary>
    /// <param name="store">The chain served.</param>
    /// <param name="admission">The server's admission options (with <see cref="AdmissionOptions.Discouraged"/> and <see cref="AdmissionOptions.Activity"/> set).</param>
    public ListenNode(ChainStore store, AdmissionOptions admission)
    {
        _policy = new MisbehaviourPolicy(store, admission.Discouraged!, new MisbehaviourOptions { Activity = admission.Activity });
        _addresses = new AddressRelay(new AddressBook());
        Listener = new BitcoinListenerGroup<Peer>(_policy, _addresses, _transactions, new ChainServer(store));
    }

    /// <summary>The listener of every inbound peer.</summary>
    public IBitcoinListener<Peer> Listener { get; }

    /// <summary>Forgets a peer's transaction announcements when it stops.</summary>
    /// <param name="server">The server.</param>
    public void Attach(PeerServer server) => server.PeerStopped += (peer, _) => _transactions.Forget(peer);

    /// <summary>One line: admission, misbehaviour, addresses, announcements and budget counters.</summary>
    /// <param name="server">The server.</param>
    /// <param name="budget">The peers' budget.</param>
    public string Summary(PeerServer server, PeerBudget budget)
    {
        var admission = server.GetAdmissionStats();
        var misbehaviour = _policy.GetStats();
        var addresses = _addresses.GetStats();
        var announcements = _transactions.GetStats();
        var held = budget.GetStats();
        long misbehaved = 0;
        foreach (var count in misbehaviour.Disconnects.Values)
        {
            misbehaved += count;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"counters: admitted {admission.Admitted}, refused {admission.RefusedTotal} ({Join(admission.Refused)}), evicted {admission.Evicted[EvictionReason.InboundFull] + admission.Evicted[EvictionReason.DescriptorsExhausted]} ({Join(admission.Evicted)}), accept errors {admission.AcceptErrors}; " +
            $"misbehaviour disconnects {misbehaved} ({Join(misbehaviour.Disconnects)}), discouraged {misbehaviour.Discouraged}; " +
            $"addresses kept {addresses.Accepted}, rate-limited {addresses.RateLimited}, book {_addresses.Book.Count}; getaddr answered {addresses.GetAddrAnswered}; " +
            $"tx announcements dropped {announcements.DroppedPerPeer + announcements.DroppedTotal}; " +
            $"budget: partial-message bytes peak {held.PeakPartialMessageBytes} of {budget.MaxPartialMessageBytes}, queued send bytes peak {held.PeakQueuedSendBytes} of {budget.MaxQueuedSendBytes}, over-budget disconnects {held.Disconnects}");
    }

    private static string Join<TKey>(System.Collections.Generic.IReadOnlyDictionary<TKey, long> counts)
        where TKey : notnull
    {
        var text = new System.Text.StringBuilder();
        foreach (var (key, count) in counts)
        {
            if (count == 0)
            {
                continue;
            }

            text.Append(text.Length == 0 ? string.Empty : ", ").Append(key).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        return text.Length == 0 ? "none" : text.ToString();
    }
}
