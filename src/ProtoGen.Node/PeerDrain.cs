using System;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>Lets a peer finish what it was sending before it is disconnected.</summary>
internal static class PeerDrain
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Waits until the peer's send queue is empty, then for a ping round trip: the remote answers messages in order,
    /// so its pong proves it has read everything queued before. Returns false when the peer ended first, cannot ping
    /// (no handshake, a version without BIP31) or <paramref name="cancellationToken"/> fired.
    /// </summary>
    public static async Task<bool> DrainAsync(Peer peer, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!peer.IsHandshakeComplete || !peer.IsConnected)
        {
            return false;
        }

        try
        {
            while (peer.QueuedMessageCount > 0 && peer.IsConnected)
            {
                await Task.Delay(s_poll, time, cancellationToken).ConfigureAwait(false);
            }

            await peer.PingAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or PeerDisconnectedException or InvalidOperationException)
        {
            return false;
        }
    }
}
