using System;
using System.Diagnostics;
using System.Net;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Tracing;

/// <summary>
/// Traces of a peer's life on the <see cref="ActivitySource"/> <c>ProtoGen.Peer</c>, started and stopped from the
/// peer's public lifecycle (docs/observability.md). <c>ProtoGen.Node</c> traces every peer it runs; call
/// <see cref="TraceHandshake"/> yourself for peers you create.
/// </summary>
public static class PeerTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "ProtoGen.Peer";

    /// <summary>The name of the activity spanning a version handshake.</summary>
    public const string HandshakeActivity = "bitcoin.handshake";

    private static readonly ActivitySource s_source = new(SourceName, "0.1.0");

    /// <summary>
    /// Starts the <c>bitcoin.handshake</c> activity for <paramref name="peer"/> (call it just before or after
    /// <see cref="Peer.Start"/>); it stops by itself when the handshake completes (status Ok, with the remote's user
    /// agent and the negotiated version) or the peer ends first (status Error, with the reason). The caller's
    /// <see cref="Activity.Current"/> is left as it was.
    /// </summary>
    /// <param name="peer">The peer.</param>
    /// <returns>The activity, or null when nobody listens to the source.</returns>
    public static Activity? TraceHandshake(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!s_source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        var activity = s_source.StartActivity(HandshakeActivity, peer.IsInbound ? ActivityKind.Server : ActivityKind.Client);
        Activity.Current = previous;
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("protogen.peer.id", peer.Id);
        activity.SetTag("protogen.peer.direction", peer.IsInbound ? "inbound" : "outbound");
        activity.SetTag("bitcoin.network", peer.Config.Network.Name);
        if (peer.RemoteEndPoint is IPEndPoint remote)
        {
            var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
            activity.SetTag("network.peer.address", address.ToString());
            activity.SetTag("network.peer.port", remote.Port);
        }

        _ = StopWhenDoneAsync(peer, activity);
        return activity;
    }

    private static async Task StopWhenDoneAsync(Peer peer, Activity activity)
    {
        try
        {
            await peer.WaitForHandshakeAsync().ConfigureAwait(false);
            activity.SetTag("bitcoin.protocol_version", peer.ProtocolVersion);
            activity.SetTag("bitcoin.user_agent", peer.RemoteVersion?.UserAgent);
            activity.SetStatus(ActivityStatusCode.Ok);
        }
        catch (PeerDisconnectedException e)
        {
            activity.SetTag("error.type", e.Reason?.Kind.ToString() ?? "Disconnected");
            activity.SetStatus(ActivityStatusCode.Error, e.Reason?.Detail ?? e.Message);
        }
        finally
        {
            activity.Stop();
        }
    }
}
