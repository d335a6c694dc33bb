using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Networking;

/// <summary>
/// The steps of an outbound session shared by <c>connect</c> and the demo: connect and handshake, sync, ping, disconnect,
/// each bounded in time and turned into the house's errors (<see cref="NetworkFailures"/>). A stop request (SIGINT,
/// SIGTERM) surfaces as <see cref="OperationCanceledException"/> on <c>stop</c>.
/// </summary>
internal static class PeerSession
{
    /// <summary>How long a peer may take to stop after we disconnect it.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connects over TCP and waits for the version handshake. With the v2 transport preferred it speaks v2 first and,
    /// when that attempt ends as Bitcoin Core would retry it with v1 (<see cref="DisconnectKind.V1Fallback"/>: the
    /// remote closed on our key, or never answered it), connects again with v1, as Core does.
    /// </summary>
    /// <param name="command">The command, for errors.</param>
    /// <param name="config">The peer's configuration (its <see cref="PeerConfig.HandshakeTimeout"/> bounds each handshake).</param>
    /// <param name="target">The remote.</param>
    /// <param name="timeout">The time allowed for each TCP connection and, again, for each handshake.</param>
    /// <param name="stop">The command's stop request.</param>
    /// <exception cref="CliException">Unreachable, refused, timed out or handshake failed (exit code 5).</exception>
    public static async Task<Peer> ConnectAsync(string command, PeerConfig config, HostPort target, TimeSpan timeout, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(config);
        var peer = await AttemptAsync(command, config, target, timeout, tryV2: config.V2Transport != V2TransportMode.Off, stop).ConfigureAwait(false);
        if (peer.DisconnectReason?.Kind == DisconnectKind.V1Fallback)
        {
            peer = await AttemptAsync(command, config, target, timeout, tryV2: false, stop).ConfigureAwait(false);
        }

        if (!peer.IsHandshakeComplete)
        {
            throw NetworkFailures.Handshake(command, target.ToString(), peer, null);
        }

        return peer;
    }

    /// <summary>One connection and handshake; returns the peer handshaken, or ended as a v1 fallback.</summary>
    private static async Task<Peer> AttemptAsync(string command, PeerConfig config, HostPort target, TimeSpan timeout, bool tryV2, CancellationToken stop)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            connecting.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(target.Host, target.Port, connecting.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw NetworkFailures.Connect(command, target.ToString(), e);
            }
            catch (OperationCanceledException e) when (!stop.IsCancellationRequested)
            {
                socket.Dispose();
                throw new CliException(ExitCodes.Unreachable, PeerFormat.Invariant($"{command}: cannot connect to {target}: timed out after {timeout.TotalSeconds:0.###} s"), e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var remote = socket.RemoteEndPoint;
        // Preferred: v2 unless the address failed a v2 attempt already (then PeerConfig.V1OnlyAddresses has it).
        var peer = Peer.Outbound(config, new NetworkStream(socket, ownsSocket: true), remote, reconnectsOnV1Fallback: tryV2);
        peer.Start();
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stop);
        handshake.CancelAfter(timeout);
        try
        {
            await peer.WaitForHandshakeAsync(handshake.Token).ConfigureAwait(false);
            return peer;
        }
        catch (PeerDisconnectedException)
        {
            await StopAsync(peer).ConfigureAwait(false);
            if (peer.DisconnectReason?.Kind == DisconnectKind.V1Fallback)
            {
                return peer;
            }

            throw NetworkFailures.Handshake(command, target.ToString(), peer, null);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // The peer's own deadline (the same timeout) may end it as a v1 fallback just as this wait gives up.
            peer.Disconnect(DisconnectKind.HandshakeTimeout, PeerFormat.Invariant($"no version handshake within {timeout.TotalSeconds:0.###} s"));
            await StopAsync(peer).ConfigureAwait(false);
            if (peer.DisconnectReason?.Kind == DisconnectKind.V1Fallback)
            {
                return peer;
            }

            throw NetworkFailures.Handshake(command, target.ToString(), peer, timeout);
        }
        catch
        {
            await StopAsync(peer).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a headers-first sync, ending it early (exit code 5) if the peer disconnects meanwhile.</summary>
    /// <param name="command">The command, for errors.</param>
    /// <param name="sync">The sync, part of the peer's listener.</param>
    /// <param name="peer">The peer.</param>
    /// <param name="maxHeaders">The most headers to fetch (null: until caught up).</param>
    /// <param name="downloadBlocks">Whether to fetch the blocks too.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="stop">The command's stop request.</param>
    /// <exception cref="CliException">The chain failed verification (7), or the peer timed out or disconnected (5).</exception>
    public static async Task<SyncResult> SyncAsync(string command, HeadersFirstSync sync, Peer peer, int? maxHeaders, bool downloadBlocks, IProgress<SyncProgress>? progress, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(peer);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);

        // HeadersFirstSync waits for each response until its timeout even when the peer is gone: stop at the disconnect.
        _ = peer.WaitForDisconnectAsync().ContinueWith(
            static (_, state) =>
            {
                try
                {
                    ((CancellationTokenSource)state!).Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The sync had already finished.
                }
            },
            running,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        try
        {
            return await sync.RunAsync(peer, maxHeaders, downloadBlocks, progress, running.Token).ConfigureAwait(false);
        }
        catch (SyncException e)
        {
            throw NetworkFailures.Sync(command, peer, e);
        }
        catch (Exception e) when (e is OperationCanceledException or PeerDisconnectedException && !stop.IsCancellationRequested)
        {
            throw NetworkFailures.Disconnected(command, peer, e);
        }
    }

    /// <summary>Pings and waits for the pong.</summary>
    /// <param name="command">The command, for errors.</param>
    /// <param name="peer">The peer.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="stop">The command's stop request.</param>
    /// <returns>The round trip; null when the peer's protocol has no pong (version 60000 or lower, BIP31) or no pong came in time.</returns>
    /// <exception cref="CliException">The peer disconnected (exit code 5).</exception>
    public static async Task<TimeSpan?> PingAsync(string command, Peer peer, TimeSpan timeout, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(peer);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stop);
        waiting.CancelAfter(timeout);
        try
        {
            return await peer.PingAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return null; // BIP31: no pong before protocol 60001
        }
        catch (PeerDisconnectedException e)
        {
            throw NetworkFailures.Disconnected(command, peer, e);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Disconnects the peer and waits (bounded) until it has stopped.</summary>
    /// <param name="peer">The peer.</param>
    public static async Task StopAsync(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        peer.Disconnect();
        try
        {
            await peer.WaitForDisconnectAsync().WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported by the caller's summary as still connected; the process is ending anyway.
        }
    }
}
