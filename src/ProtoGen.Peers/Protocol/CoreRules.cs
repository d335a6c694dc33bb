using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Logging;
using ProtoGen.Peers.Metrics;

namespace ProtoGen.Peers.Protocol;

/// <summary>
/// The peer core's own rules, applied to every message before the user's listener sees it and on every scheduler
/// tick: the version handshake and feature negotiation, ping and pong, stall deadlines, known inventory, and the
/// periodic ping and inventory trickle. Only the handful of messages with a rule appear here; every other message
/// passes through untouched.
/// </summary>
internal sealed class CoreRules
{
    private readonly Peer _peer;
    private readonly PeerConfig _config;
    private bool _handshakeToSignal;

    public CoreRules(Peer peer)
    {
        _peer = peer;
        _config = peer.Config;
    }

    /// <summary>Applies the rules for <paramref name="message"/>, which was admitted and decoded.</summary>
    /// <param name="message">The message.</param>
    public void Apply(IMessage message)
    {
        switch (message)
        {
            case VersionMessage version:
                OnVersion(version);
                break;
            case VerAckMessage:
                OnVerAck();
                break;
            case PingMessage ping:
                // BIP31: answer with the same nonce when the negotiated version is above 60000.
                if (_peer.Handshake.NegotiatedVersion > ProtocolVersions.Bip31)
                {
                    _peer.QueueControl(new PongMessage { Nonce = ping.Nonce });
                }

                break;
            case PongMessage pong:
                OnPong(pong.Nonce);
                break;
            case InvMessage inv:
                _peer.Stalls.Clear(StallKind.Inventory);
                _peer.Inventory.MarkKnown(inv.Inventory.AsSpan());
                break;
            case HeadersMessage:
                _peer.Stalls.Clear(StallKind.Headers);
                break;
            case Block or Transaction or MerkleBlockMessage or NotFoundMessage:
                _peer.Stalls.Clear(StallKind.Data);
                break;
            case FeatureMessage feature:
                if (_peer.Handshake.AddRemoteFeature(feature) is { } notRecorded)
                {
                    PeerLog.Ignored(_peer.Logger, _peer.Id, FeatureMessage.Command.ToString(), notRecorded);
                }

                break;
            case WtxidRelayMessage or SendAddrV2Message or SendTxRcnclMessage or SendHeadersMessage or SendCmpctMessage or FeeFilterMessage:
                _peer.Handshake.ApplyFeature(message);
                break;
        }
    }

    /// <summary>A pong too short for its nonce arrived: Bitcoin Core cancels the ping ("short payload") and keeps the peer.</summary>
    public void OnShortPong() => OnPong(null);

    /// <summary>Sends our version, once.</summary>
    public void SendVersion()
    {
        if (!_peer.Handshake.TryBeginSendingVersion())
        {
            return;
        }

        var receiver = _peer.RemoteEndPoint is IPEndPoint ip ? NetworkAddress.FromEndPoint(ip) : NetworkAddress.Unspecified;
        _peer.QueueControl(new VersionMessage
        {
            Version = _config.ProtocolVersion,
            Services = _config.AdvertisedServices,
            Timestamp = _peer.Time.GetUtcNow().ToUnixTimeSeconds(),
            ReceiverAddress = receiver,
            SenderAddress = NetworkAddress.Unspecified with { Services = _config.AdvertisedServices },
            Nonce = _config.NonceCache.Create(),
            UserAgent = _config.UserAgent,
            StartHeight = _config.StartHeight?.Invoke() ?? 0,
            Relay = _config.RelayTransactions,
        });
    }

    /// <summary>A message was written: the requests among them start their deadlines, a ping its round trip.</summary>
    /// <param name="message">The message.</param>
    /// <param name="now">When.</param>
    public void OnWritten(IMessage message, DateTimeOffset now)
    {
        switch (message)
        {
            case PingMessage ping:
                bool awaitPong = _peer.Handshake.NegotiatedVersion > ProtocolVersions.Bip31 && ping.Nonce != 0;
                _peer.KeepAliveState.PingSent(ping.Nonce, awaitPong, now);
                if (awaitPong)
                {
                    _peer.Stalls.PingSent();
                }

                break;
            case GetHeadersMessage:
                _peer.Stalls.RequestSent(StallKind.Headers, listRequest: true, now);
                break;
            case GetDataMessage:
                _peer.Stalls.RequestSent(StallKind.Data, listRequest: false, now);
                break;
            case GetBlocksMessage or MemPoolMessage:
                _peer.Stalls.RequestSent(StallKind.Inventory, listRequest: true, now);
                break;
        }
    }

    /// <summary>The scheduler's tick: deadlines, the periodic ping and the inventory trickle.</summary>
    /// <param name="now">The time.</param>
    public void OnTick(DateTimeOffset now)
    {
        var handshake = _peer.Handshake.View;
        if (!handshake.VerackReceived)
        {
            if (_peer.Handshake.CheckDeadline(now) is { } timeout)
            {
                _peer.Disconnect(timeout);
            }

            return;
        }

        if ((_peer.KeepAliveState.Check(now) ?? _peer.Stalls.Check(now)) is { } reason)
        {
            _peer.Disconnect(reason);
            return;
        }

        if (_peer.KeepAliveState.TakeDuePing(now))
        {
            // BIP31: a nonce only above version 60000; below it there is no pong to wait for.
            _peer.QueueControl(new PingMessage { Nonce = handshake.NegotiatedVersion > ProtocolVersions.Bip31 ? KeepAlive.RandomNonce() : 0 });
        }

        if (_peer.Inventory.TakeDue(now, _peer.Handshake.RemoteRelaysTransactions) is { Count: > 0 } due)
        {
            SendInventory(due);
        }
    }

    private void OnVersion(VersionMessage version)
    {
        if (version.Nonce is { } nonce && _config.NonceCache.Contains(nonce))
        {
            _peer.Disconnect(new DisconnectReason(DisconnectKind.SelfConnection, string.Create(CultureInfo.InvariantCulture, $"self-connection: the remote echoed our version nonce {nonce:x16}")));
            return;
        }

        if (version.Version < _config.MinProtocolVersion)
        {
            _peer.Disconnect(new DisconnectReason(DisconnectKind.ObsoleteVersion, $"protocol version {version.Version} is below the minimum {_config.MinProtocolVersion}"));
            return;
        }

        if (_peer.Direction == PeerDirection.Outbound && (version.Services & _config.RequiredServices) != _config.RequiredServices)
        {
            _peer.Disconnect(new DisconnectReason(DisconnectKind.MissingServices, $"the remote offers {version.Services}, we require {_config.RequiredServices}"));
            return;
        }

        int negotiated = _peer.Handshake.AcceptVersion(version, _peer.Time.GetUtcNow());
        if (_peer.Direction == PeerDirection.Inbound)
        {
            SendVersion();
        }

        // Feature negotiation goes between version and verack (BIP339, BIP155).
        if (negotiated >= ProtocolVersions.Bip339)
        {
            if (_config.AnnounceWtxidRelay)
            {
                _peer.QueueControl(new WtxidRelayMessage());
            }

            if (_config.AnnounceAddrV2)
            {
                _peer.QueueControl(new SendAddrV2Message());
            }
        }

        // BIP434: our features, only to a peer that advertised 70017 or more (and only if we did).
        if (negotiated >= ProtocolVersions.Bip434)
        {
            foreach (var feature in _config.AnnounceFeatures)
            {
                _peer.QueueControl(feature.ToMessage());
            }
        }

        _peer.QueueControl(new VerAckMessage());
    }

    private void OnVerAck()
    {
        if (!_peer.Handshake.TryAcceptVerack(out int negotiated))
        {
            return;
        }

        var now = _peer.Time.GetUtcNow();
        _peer.KeepAliveState.Start(now);
        _peer.Inventory.Start(now);
        _peer.Queue.Open(() => new PeerDisconnectedException(_peer.DisconnectReason));

        // Announcements that belong after the handshake, each only if the negotiated version knows it.
        if (_config.SendHeaders && negotiated >= ProtocolVersions.Bip130)
        {
            _peer.QueueControl(new SendHeadersMessage());
        }

        if (_config.SendCompactBlocks is { } compact && negotiated >= ProtocolVersions.Bip152)
        {
            _peer.QueueControl(new SendCmpctMessage { HighBandwidth = compact.HighBandwidth, Version = compact.Version });
        }

        if (_config.FeeFilter is { } feeRate && negotiated >= ProtocolVersions.Bip133)
        {
            _peer.QueueControl(new FeeFilterMessage { FeeRate = feeRate });
        }

        var remote = _peer.Handshake.RemoteVersion!;
        PeerLog.HandshakeComplete(_peer.Logger, _peer.Id, _peer.RemoteText, remote.UserAgent ?? string.Empty, negotiated, remote.Services, remote.StartHeight ?? 0);

        // Signalled once the listener has had the verack too (Delivered): code that awaits the handshake may count on
        // what the listener does with it (a server's list of handshaken peers).
        _handshakeToSignal = true;
    }

    /// <summary>After the listener and hook have had <paramref name="message"/>: completes the handshake its verack finished.</summary>
    /// <param name="message">The message just delivered.</param>
    public void Delivered(IMessage message)
    {
        if (_handshakeToSignal && message is VerAckMessage)
        {
            _handshakeToSignal = false;
            _peer.HandshakeSucceeded();
        }
    }

    private void OnPong(ulong? nonce)
    {
        if (_peer.KeepAliveState.PongReceived(nonce) is { } roundTrip)
        {
            _peer.Stalls.PongReceived();
            PeerMetrics.PingRoundTrip(roundTrip);
        }
    }

    /// <summary>Sends inventory in inv messages of at most <see cref="PeerConfig.MaxInventoryPerMessage"/> entries.</summary>
    private void SendInventory(List<InventoryVector> items)
    {
        int size = _config.MaxInventoryPerMessage;
        for (int offset = 0; offset < items.Count; offset += size)
        {
            int count = Math.Min(size, items.Count - offset);
            _peer.QueueControl(new InvMessage { Inventory = new WireArray<InventoryVector>(items.GetRange(offset, count).ToArray()) });
        }
    }
}
