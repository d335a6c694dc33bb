using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    /// <summary>The version message the remote sent, once received.</summary>
    public VersionMessage? RemoteVersion => _handshake.RemoteVersion;

    /// <summary>The negotiated protocol version: min(ours, theirs) once the remote's version arrived, else ours.</summary>
    public int ProtocolVersion => _handshake.NegotiatedVersion;

    /// <summary>The services the remote advertised.</summary>
    public ServiceFlags RemoteServices => _handshake.RemoteServices;

    /// <summary>Whether the version handshake has completed (both versions exchanged, the remote's verack received).</summary>
    public bool IsHandshakeComplete => _handshake.IsComplete;

    /// <summary>The features negotiated with the remote so far.</summary>
    public PeerFeatures Features => _handshake.Features;

    /// <summary>Records the height of the best block the remote is known to have (the <c>LastBlock</c> statistic).</summary>
    /// <param name="height">The height.</param>
    public void UpdateLastBlockHeight(int height) => _handshake.UpdateLastBlock(height);

    /// <summary>
    /// Returns a snapshot of the peer's statistics. Each part is consistent in itself (for example the byte totals
    /// equal the sums of the per-command counts); parts owned by different concerns are read one after another.
    /// </summary>
    public PeerStats GetStats()
    {
        var remote = _handshake.Snapshot();
        var traffic = _statistics.Snapshot();
        var ping = _keepAlive.Info;
        var sessionId = _connection.Transport.SessionId;
        return new PeerStats
        {
            Id = Id,
            RemoteEndPoint = RemoteEndPoint,
            Inbound = IsInbound,
            Services = remote.Services,
            UserAgent = remote.UserAgent,
            ProtocolVersion = remote.NegotiatedVersion,
            RemoteProtocolVersion = remote.ProtocolVersion,
            StartingHeight = remote.StartingHeight,
            LastBlock = remote.LastBlock,
            TimeOffset = remote.TimeOffset,
            ConnectedAt = ConnectedAt,
            LastSend = traffic.LastSend,
            LastReceive = traffic.LastReceive,
            BytesSent = traffic.BytesSent,
            BytesReceived = traffic.BytesReceived,
            MessagesSent = traffic.MessagesSent,
            MessagesReceived = traffic.MessagesReceived,
            MessagesIgnored = traffic.MessagesIgnored,
            SentByCommand = traffic.SentByCommand,
            ReceivedByCommand = traffic.ReceivedByCommand,
            LastPingNonce = ping.LastNonce,
            LastPingTime = ping.LastSentAt,
            LastPingRoundTrip = ping.LastRoundTrip,
            MinPingRoundTrip = ping.MinRoundTrip,
            PingOutstanding = ping.Outstanding,
            Features = remote.Features,
            HandshakeComplete = remote.HandshakeComplete,
            QueuedMessages = QueuedMessageCount,
            QueuedBytes = _flow.QueuedBytes,
            PartialMessageBytes = _flow.HeldBytes,
            Transport = _connection.Transport.Name,
            SessionId = sessionId.IsEmpty ? null : System.Convert.ToHexStringLower(sessionId.Span),
            DisconnectReason = DisconnectReason,
        };
    }
}
