using System;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// Keeps a chain following one outbound peer: a headers-first sync at once, then another whenever the peer announces a
/// block (inv or headers) it has not yet given us, until the peer ends or the node stops.
/// </summary>
internal sealed class ChainFollower : IBitcoinListener<Peer>
{
    private readonly ChainStore _store;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _syncing;

    public ChainFollower(ChainStore store)
    {
        _store = store;
        Sync = new HeadersFirstSync(store);
    }

    /// <summary>The sync (also a listener: it must be in the peer's listener group).</summary>
    public HeadersFirstSync Sync { get; }

    public void OnInv(Peer peer, InvMessage message)
    {
        foreach (var item in message.Inventory.AsSpan())
        {
            if (item.Type is InventoryType.Block or InventoryType.WitnessBlock && _store.GetHeight(item.Hash) < 0)
            {
                Wake();
                return;
            }
        }
    }

    public void OnHeaders(Peer peer, HeadersMessage message)
    {
        if (Volatile.Read(ref _syncing) == 0)
        {
            Wake(); // an announcement (sendheaders); during a sync the headers are the sync's answers
        }
    }

    /// <summary>Syncs, then syncs again on every announcement, until the peer ends or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="peer">The peer (its listener group holds this follower and <see cref="Sync"/>).</param>
    /// <param name="synced">Called after each sync.</param>
    /// <param name="cancellationToken">Ends the loop.</param>
    public async Task RunAsync(Peer peer, Action<Peer, SyncResult> synced, CancellationToken cancellationToken)
    {
        _ = peer.WaitForDisconnectAsync().ContinueWith(_ => Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (peer.IsConnected)
        {
            SyncResult result;
            Volatile.Write(ref _syncing, 1);
            try
            {
                result = await Sync.RunAsync(peer, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _syncing, 0);
            }

            synced(peer, result);
            await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }
}
