using System;
using System.Net;
using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    private DateTimeOffset _handshakeDeadline;
    private bool _versionSent;
    private bool _versionReceived;
    private bool _verackReceived;
    private int _negotiatedVersion;
    private ServiceFlags _remoteServices;
    private int _remoteVersion;
    private string? _remoteUserAgent;
    private int _remoteStartHeight;
    private bool _remoteRelay = true;
    private long _timeOffsetSeconds;
    private int _lastBlock;
    private bool _wtxidRelay;
    private bool _addrV2;
    private bool _remoteWantsHeaders;
    private bool _remoteTxReconciliation;
    private (bool HighBandwidth, ulong Version)? _remoteCompactBlocks;
    private long? _remoteFeeFilter;

    /// <summary>The version message the remote sent, once received.</summary>
    public VersionMessage? RemoteVersion { get; private set; }

    /// <summary>The negotiated protocol version: min(ours, theirs) once the remote's version arrived, else ours.</summary>
    public int ProtocolVersion
    {
        get
        {
            lock (_lock)
            {
                return _negotiatedVersion;
            }
        }
    }

    /// <summary>The services the remote advertised.</summary>
    public ServiceFlags RemoteServices
    {
        get
        {
            lock (_lock)
            {
                return _remoteServices;
            }
        }
    }

    /// <summary>Whether the version handshake has completed (both versions exchanged, the remote's verack received).</summary>
    public bool IsHandshakeComplete
    {
        get
        {
            lock (_lock)
            {
                return _verackReceived;
            }
        }
    }

    /// <summary>The features negotiated with the remote so far.</summary>
    public PeerFeatures Features
    {
        get
        {
            lock (_lock)
            {
                return FeaturesLocked();
            }
        }
    }

    private PeerFeatures FeaturesLocked() => new(
        WtxidRelay: _wtxidRelay,
        AddrV2: _addrV2,
        SendHeaders: _remoteWantsHeaders,
        CompactBlocks: _remoteCompactBlocks is { } c ? new CompactBlockMode(c.HighBandwidth, c.Version) : null,
        FeeFilter: _remoteFeeFilter,
        Witness: (_remoteServices & ServiceFlags.Witness) != 0,
        TxReconciliation: _remoteTxReconciliation,
        RelayTransactions: _remoteRelay);

    /// <summary>Records the height of the best block the remote is known to have (the <c>LastBlock</c> statistic).</summary>
    /// <param name="height">The height.</param>
    public void UpdateLastBlockHeight(int height)
    {
        lock (_lock)
        {
            if (height > _lastBlock)
            {
                _lastBlock = height;
            }
        }
    }

    private void SendVersion()
    {
        lock (_lock)
        {
            if (_versionSent)
            {
                return;
            }

            _versionSent = true;
        }

        var receiver = RemoteEndPoint is IPEndPoint ip ? NetworkAddress.FromEndPoint(ip) : NetworkAddress.Unspecified;
        var version = new VersionMessage
        {
            Version = _config.ProtocolVersion,
            Services = _config.Services,
            Timestamp = _time.GetUtcNow().ToUnixTimeSeconds(),
            ReceiverAddress = receiver,
            SenderAddress = NetworkAddress.Unspecified with { Services = _config.Services },
            Nonce = _config.NonceCache.Create(),
            UserAgent = _config.UserAgent,
            StartHeight = _config.StartHeight?.Invoke() ?? 0,
            Relay = _config.RelayTransactions,
        };
        QueueControl(version);
    }

    private void OnVersionReceived(VersionMessage version)
    {
        if (version.Nonce is { } nonce && _config.NonceCache.Contains(nonce))
        {
            Disconnect(new DisconnectReason(DisconnectKind.SelfConnection, "connected to self (the remote echoed our version nonce)"));
            return;
        }

        if (version.Version < _config.MinProtocolVersion)
        {
            Disconnect(new DisconnectReason(DisconnectKind.ObsoleteVersion, $"protocol version {version.Version} is below the minimum {_config.MinProtocolVersion}"));
            return;
        }

        if (Direction == PeerDirection.Outbound && (version.Services & _config.RequiredServices) != _config.RequiredServices)
        {
            Disconnect(new DisconnectReason(DisconnectKind.MissingServices, $"the remote offers {version.Services}, we require {_config.RequiredServices}"));
            return;
        }

        int negotiated;
        lock (_lock)
        {
            _versionReceived = true;
            _remoteVersion = version.Version;
            _negotiatedVersion = Math.Min(_config.ProtocolVersion, version.Version);
            _remoteServices = version.Services;
            _remoteUserAgent = version.UserAgent ?? string.Empty;
            _remoteStartHeight = version.StartHeight ?? 0;
            _lastBlock = _remoteStartHeight;
            _remoteRelay = version.Relay ?? true;
            _timeOffsetSeconds = version.Timestamp - _time.GetUtcNow().ToUnixTimeSeconds();
            negotiated = _negotiatedVersion;
            RemoteVersion = version;
        }

        if (Direction == PeerDirection.Inbound)
        {
            SendVersion();
        }

        // Feature negotiation goes between version and verack (BIP339, BIP155).
        if (negotiated >= ProtocolVersions.Bip339)
        {
            if (_config.AnnounceWtxidRelay)
            {
                QueueControl(new WtxidRelayMessage());
            }

            if (_config.AnnounceAddrV2)
            {
                QueueControl(new SendAddrV2Message());
            }
        }

        QueueControl(new VerAckMessage());
    }

    private void OnVerAckReceived()
    {
        int negotiated;
        lock (_lock)
        {
            if (_verackReceived)
            {
                return;
            }

            _verackReceived = true;
            negotiated = _negotiatedVersion;
            _pingDue = _time.GetUtcNow();
            _nextTrickle = _pingDue + _trickleInterval;
            ReleaseHeldMessagesLocked();
        }

        // Announcements that belong after the handshake, each only if the negotiated version knows it.
        if (_config.SendHeaders && negotiated >= ProtocolVersions.Bip130)
        {
            QueueControl(new SendHeadersMessage());
        }

        if (_config.SendCompactBlocks is { } compact && negotiated >= ProtocolVersions.Bip152)
        {
            QueueControl(new SendCmpctMessage { HighBandwidth = compact.HighBandwidth, Version = compact.Version });
        }

        if (_config.FeeFilter is { } feeRate && negotiated >= ProtocolVersions.Bip133)
        {
            QueueControl(new FeeFilterMessage { FeeRate = feeRate });
        }

        var remote = RemoteVersion!;
        PeerLog.HandshakeComplete(_logger, Id, _remoteText, remote.UserAgent ?? string.Empty, negotiated, remote.Services, remote.StartHeight ?? 0);
        _handshake.TrySetResult();
    }

    /// <summary>Handles feature negotiation messages that arrive between version and verack.</summary>
    private void OnFeatureMessage(IMessage message)
    {
        lock (_lock)
        {
            switch (message)
            {
                case WtxidRelayMessage:
                    // Bitcoin Core ignores it below version 70016 (the admission check has already dropped those).
                    _wtxidRelay = true;
                    break;
                case SendAddrV2Message:
                    _addrV2 = true;
                    break;
                case SendTxRcnclMessage:
                    _remoteTxReconciliation = true;
                    break;
                case SendHeadersMessage:
                    _remoteWantsHeaders = true;
                    break;
                case SendCmpctMessage cmpct when cmpct.Version == 2:
                    // Bitcoin Core only understands compact-block version 2 (segwit) and ignores any other.
                    _remoteCompactBlocks = (cmpct.HighBandwidth, cmpct.Version);
                    break;
                case FeeFilterMessage fee:
                    // Bitcoin Core keeps the value only within the money range (0 to 21 million BTC).
                    if (fee.FeeRate is >= 0 and <= 2_100_000_000_000_000)
                    {
                        _remoteFeeFilter = fee.FeeRate;
                    }

                    break;
            }
        }
    }
}

/// <summary>The remote's compact-block mode (BIP152).</summary>
/// <param name="HighBandwidth">Whether it wants blocks pushed without announcement.</param>
/// <param name="Version">The compact-block version.</param>
public sealed record CompactBlockMode(bool HighBandwidth, ulong Version);

/// <summary>Features negotiated with a peer.</summary>
/// <param name="WtxidRelay">The remote sent wtxidrelay before verack (BIP339): announce transactions to it by wtxid.</param>
/// <param name="AddrV2">The remote asked for addrv2 (BIP155).</param>
/// <param name="SendHeaders">The remote asked for headers announcements (BIP130).</param>
/// <param name="CompactBlocks">The remote's compact-block mode (BIP152), if it sent sendcmpct version 2.</param>
/// <param name="FeeFilter">The remote's fee filter (BIP133), in satoshis per 1000 vbytes.</param>
/// <param name="Witness">The remote serves witness data (NODE_WITNESS).</param>
/// <param name="TxReconciliation">The remote offered transaction reconciliation (BIP330).</param>
/// <param name="RelayTransactions">The remote's version relay flag (BIP37).</param>
public sealed record PeerFeatures(
    bool WtxidRelay,
    bool AddrV2,
    bool SendHeaders,
    CompactBlockMode? CompactBlocks,
    long? FeeFilter,
    bool Witness,
    bool TxReconciliation,
    bool RelayTransactions);
