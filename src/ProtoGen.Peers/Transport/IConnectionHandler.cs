using System;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// The protocol layer a <see cref="Connection"/> reports to: every message read, every message written or refused,
/// and the end of the connection. Called from the connection's loops, one read and one write at a time.
/// </summary>
internal interface IConnectionHandler
{
    /// <summary>Whether the connection should go on reading and writing (false once the peer is ending).</summary>
    bool IsActive { get; }

    /// <summary>Whether an incomplete message of <paramref name="command"/> answers one of our requests (it keeps priority over the shared receive budget).</summary>
    /// <param name="command">Its command, or null when the transport cannot tell before the message is complete.</param>
    bool IsAwaited(MessageCommand? command);

    /// <summary>Handles one message read (valid or to be dropped). Must not throw for anything the remote sent.</summary>
    /// <param name="message">The message; its bytes are valid only during the call.</param>
    void OnReceived(in TransportMessage message);

    /// <summary>The encoding context for <paramref name="item"/> (negotiated version, witness form).</summary>
    /// <param name="item">The message about to be written.</param>
    WireContext GetWriteContext(in OutgoingMessage item);

    /// <summary>Called once a message is encoded into the output, with its bytes on the wire.</summary>
    /// <param name="item">The message.</param>
    /// <param name="wireBytes">Its bytes, valid only during the call.</param>
    void OnWritten(in OutgoingMessage item, ReadOnlySpan<byte> wireBytes);

    /// <summary>Called when a message cannot be encoded (over a limit, or an encoder that lies about its size); the connection goes on.</summary>
    /// <param name="item">The message.</param>
    /// <param name="error">Why.</param>
    void OnWriteRefused(in OutgoingMessage item, Exception error);

    /// <summary>Called when the connection fails or the remote closes it; the peer ends with <paramref name="reason"/>.</summary>
    /// <param name="reason">Why.</param>
    void OnConnectionEnded(DisconnectReason reason);

    /// <summary>The error for sends that can no longer complete because the peer ended.</summary>
    Exception CreateDisconnectedError();

    /// <summary>Called when the connection's own code fails unexpectedly, before it ends (for the log).</summary>
    /// <param name="error">The exception.</param>
    void OnUnexpectedError(Exception error);
}
