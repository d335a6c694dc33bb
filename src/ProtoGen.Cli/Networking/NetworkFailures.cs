using System;
using System.Net.Sockets;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Networking;

/// <summary>Turns network failures into the house's one-line errors and exit codes (docs/cli.md).</summary>
internal static class NetworkFailures
{
    /// <summary>A failed TCP connection (exit code 5).</summary>
    /// <param name="command">The command.</param>
    /// <param name="target">What we tried to reach.</param>
    /// <param name="exception">The failure.</param>
    public static CliException Connect(string command, string target, SocketException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string why = exception.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => "host not found",
            SocketError.TryAgain => "host name lookup failed (try again)",
            SocketError.HostUnreachable or SocketError.HostDown => "host unreachable",
            SocketError.NetworkUnreachable or SocketError.NetworkDown => "network unreachable",
            SocketError.TimedOut => "timed out",
            SocketError.AddressNotAvailable => "address not available",
            _ => exception.Message,
        };
        return new CliException(ExitCodes.Unreachable, $"{command}: cannot connect to {target}: {why}", exception);
    }

    /// <summary>A failed bind or listen (exit code 6).</summary>
    /// <param name="command">The command.</param>
    /// <param name="address">The address and port.</param>
    /// <param name="exception">The failure.</param>
    public static CliException Listen(string command, string address, SocketException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string why = exception.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse => "the port is busy (address already in use)",
            SocketError.AddressNotAvailable => "the address is not one of this machine's",
            SocketError.AccessDenied => "permission denied",
            _ => exception.Message,
        };
        return new CliException(ExitCodes.PortBusy, $"{command}: cannot listen on {address}: {why}", exception);
    }

    /// <summary>A handshake that failed or did not finish (exit code 5).</summary>
    /// <param name="command">The command.</param>
    /// <param name="target">The remote.</param>
    /// <param name="peer">The peer.</param>
    /// <param name="timeout">How long we waited, when it timed out; null when the peer disconnected.</param>
    public static CliException Handshake(string command, string target, Peer peer, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(peer);
        // The peer core enforces the same deadline (PeerConfig.HandshakeTimeout) and may get there first.
        bool timedOut = peer.IsConnected ? timeout is not null : peer.DisconnectReason?.Kind == DisconnectKind.HandshakeTimeout;
        return timedOut
            ? new CliException(ExitCodes.Unreachable, PeerFormat.Invariant($"{command}: {target}: no version handshake within {(timeout ?? peer.Config.HandshakeTimeout).TotalSeconds:0.###} s"))
            : new CliException(ExitCodes.Unreachable, $"{command}: {target}: handshake failed: {Describe(peer.DisconnectReason)}");
    }

    /// <summary>
    /// A sync that failed: the remote's chain did not check out (exit code 7), or the remote stopped answering or
    /// disconnected (exit code 5).
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="peer">The peer.</param>
    /// <param name="exception">The sync's failure.</param>
    public static CliException Sync(string command, Peer peer, SyncException exception)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(exception);
        if (!peer.IsConnected)
        {
            return Disconnected(command, peer, exception);
        }

        return exception.Failure is SyncFailure.Timeout or SyncFailure.Disconnected
            ? new CliException(ExitCodes.Unreachable, $"{command}: sync timed out: {exception.Message}", exception)
            : new CliException(ExitCodes.InvalidChain, $"{command}: the remote's chain failed verification: {exception.Message}", exception);
    }

    /// <summary>The peer disconnected while we waited for it (exit code 5).</summary>
    /// <param name="command">The command.</param>
    /// <param name="peer">The peer.</param>
    /// <param name="exception">The cause, if any.</param>
    public static CliException Disconnected(string command, Peer peer, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return new CliException(ExitCodes.Unreachable, $"{command}: the peer disconnected: {Describe(peer.DisconnectReason)}", exception);
    }

    /// <summary>A disconnect reason in words.</summary>
    /// <param name="reason">The reason, if known.</param>
    public static string Describe(DisconnectReason? reason) => reason?.ToString() ?? "connection closed";
}
