using System;
using System.Runtime.CompilerServices;
using System.Threading;
using ProtoGen.Peers;

namespace ProtoGen.Node.Admission;

/// <summary>
/// When each peer last gave this node something new: a block or a transaction it did not have. Eviction protects the
/// peers that did so most recently (Bitcoin Core's <c>m_last_block_time</c> and <c>m_last_tx_time</c>: an attacker
/// cannot earn that protection without doing useful work). Whoever judges novelty records it here, for example the
/// <see cref="Policy.MisbehaviourPolicy"/> for blocks that extend the chain store. Thread-safe; forgets a peer when
/// the peer object is collected.
/// </summary>
public sealed class PeerActivity
{
    private readonly ConditionalWeakTable<Peer, Times> _times = new();

    /// <summary>Records that <paramref name="peer"/> just gave us a block we did not have.</summary>
    /// <param name="peer">The peer.</param>
    public void BlockReceived(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        Interlocked.Exchange(ref _times.GetValue(peer, static _ => new Times()).LastBlockTicks, peer.Config.TimeProvider.GetUtcNow().UtcTicks);
    }

    /// <summary>Records that <paramref name="peer"/> just gave us a transaction we did not have.</summary>
    /// <param name="peer">The peer.</param>
    public void TransactionReceived(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        Interlocked.Exchange(ref _times.GetValue(peer, static _ => new Times()).LastTransactionTicks, peer.Config.TimeProvider.GetUtcNow().UtcTicks);
    }

    /// <summary>When <paramref name="peer"/> last gave us a new block (<see cref="DateTimeOffset.MinValue"/>: never).</summary>
    /// <param name="peer">The peer.</param>
    public DateTimeOffset LastBlock(Peer peer) => _times.TryGetValue(peer, out var times) ? At(Interlocked.Read(ref times.LastBlockTicks)) : DateTimeOffset.MinValue;

    /// <summary>When <paramref name="peer"/> last gave us a new transaction (<see cref="DateTimeOffset.MinValue"/>: never).</summary>
    /// <param name="peer">The peer.</param>
    public DateTimeOffset LastTransaction(Peer peer) => _times.TryGetValue(peer, out var times) ? At(Interlocked.Read(ref times.LastTransactionTicks)) : DateTimeOffset.MinValue;

    private static DateTimeOffset At(long ticks) => ticks == 0 ? DateTimeOffset.MinValue : new DateTimeOffset(ticks, TimeSpan.Zero);

    private sealed class Times
    {
        public long LastBlockTicks;
        public long LastTransactionTicks;
    }
}
