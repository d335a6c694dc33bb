using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// Keeps one outbound address connected for a <see cref="BitcoinNode"/>: connect, run the peer (following the chain
/// when the node syncs), and after it ends or a connection attempt fails, wait the reconnect delay and try again,
/// until the node stops.
/// </summary>
internal sealed class OutboundConnection
{
    private readonly BitcoinNode _node;
    private readonly DnsEndPoint _address;
    private readonly string _addressText;

    public OutboundConnection(BitcoinNode node, DnsEndPoint address)
    {
        _node = node;
        _address = address;
        _addressText = string.Create(CultureInfo.InvariantCulture, $"{address.Host}:{address.Port}");
    }

    /// <summary>The loop (completed before <see cref="Start"/>).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(CancellationToken stopping) => Completion = Task.Run(() => RunAsync(stopping));

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await ConnectAndRunAsync(stopping).ConfigureAwait(false) == DisconnectKind.V1Fallback)
                {
                    // Bitcoin Core reconnects with v1 at once; the address is now known to be v1-only.
                    continue;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                NodeLog.ConnectFailed(_node.Logger, _addressText, e.Message, _node.ReconnectDelay);
            }

            try
            {
                await Task.Delay(_node.ReconnectDelay, _node.Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Connects once and runs the peer until it ends; returns why it ended.</summary>
    private async Task<DisconnectKind> ConnectAndRunAsync(CancellationToken stopping)
    {
        var follower = _node.SyncOutbound ? new ChainFollower(_node.Chain) : null;
        var config = _node.OutboundConfig(follower is null ? [] : [follower.Sync, follower]);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_address, stopping).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var peer = Peer.Outbound(config, new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint, reconnectsOnV1Fallback: true);
        if (!_node.StartOutbound(peer))
        {
            return DisconnectKind.Requested;
        }

        if (follower is not null)
        {
            try
            {
                await follower.RunAsync(peer, _node.OnSynced, stopping).ConfigureAwait(false);
            }
            catch (SyncException e)
            {
                NodeLog.SyncFailed(_node.Logger, peer.Id, e.Message);
                peer.Disconnect(e.Failure == SyncFailure.Timeout ? DisconnectKind.Stalled : DisconnectKind.ProtocolViolation, "sync failed: " + e.Message);
            }
            catch (PeerDisconnectedException)
            {
                // Ended before the handshake; the peer's own log says why.
            }
        }

        // Return when the peer ends; when the node stops first, it drains and disconnects the peer itself.
        await peer.WaitForDisconnectAsync().WaitAsync(stopping).ConfigureAwait(false);
        return peer.DisconnectReason?.Kind ?? DisconnectKind.None;
    }
}
