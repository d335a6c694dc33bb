using System;
using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Protocol;

/// <summary>Where the version handshake stands, as the admission rules need it.</summary>
/// <param name="VersionReceived">The remote's version arrived.</param>
/// <param name="VerackReceived">The remote's verack arrived: the handshake is complete.</param>
/// <param name="NegotiatedVersion">min(ours, theirs) once their version arrived, else ours.</param>
internal readonly record struct HandshakeView(bool VersionReceived, bool VerackReceived, int NegotiatedVersion);

/// <summary>What the remote told us in its version message and the features it negotiated, for statistics.</summary>
internal readonly record struct RemoteInfo(
    ServiceFlags Services,
    string UserAgent,
    int ProtocolVersion,
    int NegotiatedVersion,
    int StartingHeight,
    int LastBlock,
    TimeSpan TimeOffset,
    bool HandshakeComplete,
    PeerFeatures Features);

/// <summary>
/// The version handshake and feature negotiation of one peer: our version sent once, the remote's version and verack
/// taken once each, the negotiated protocol version, the remote's services and the features it announced. Thread-safe.
/// </summary>
internal sealed class HandshakeState
{
    private readonly Lock _lock = new();
    private readonly int _ourVersion;
    private readonly NextDeadline _next;
    private DateTimeOffset _deadline = DateTimeOffset.MaxValue;
    private bool _versionSent;
    private bool _versionReceived;
    private bool _verackReceived;
    private int _negotiated;
    private VersionMessage? _remote;
    private ServiceFlags _services;
    private string _userAgent = string.Empty;
    private int _startHeight;
    private int _lastBlock;
    private bool _relay = true;
    private long _timeOffsetSeconds;
    private bool _wtxidRelay;
    private bool _addrV2;
    private bool _sendHeaders;
    private bool _txReconciliation;
    private CompactBlockMode? _compactBlocks;
    private long? _feeFilter;
    private readonly List<PeerFeature> _remoteFeatures = [];
    private PeerFeature[]? _remoteFeaturesView;

    public HandshakeState(int ourVersion, NextDeadline next)
    {
        _next = next;
        _ourVersion = ourVersion;
        _negotiated = ourVersion;
    }

    /// <summary>The admission view.</summary>
    public HandshakeView View
    {
        get
        {
            lock (_lock)
            {
                return new HandshakeView(_versionReceived, _verackReceived, _negotiated);
            }
        }
    }

    /// <summary>Whether the handshake is complete.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_lock)
            {
                return _verackReceived;
            }
        }
    }

    /// <summary>The negotiated protocol version (ours until the remote's version arrives).</summary>
    public int NegotiatedVersion
    {
        get
        {
            lock (_lock)
            {
                return _negotiated;
            }
        }
    }

    /// <summary>The remote's services.</summary>
    public ServiceFlags RemoteServices
    {
        get
        {
            lock (_lock)
            {
                return _services;
            }
        }
    }

    /// <summary>The remote's version message, once received.</summary>
    public VersionMessage? RemoteVersion
    {
        get
        {
            lock (_lock)
            {
                return _remote;
            }
        }
    }

    /// <summary>
    /// Whether transaction announcements may go to the remote: its version's relay flag (BIP37), or true while its
    /// version has not arrived.
    /// </summary>
    public bool RemoteRelaysTransactions
    {
        get
        {
            lock (_lock)
            {
                return !_versionReceived || _relay;
            }
        }
    }

    /// <summary>The negotiated features.</summary>
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

    /// <summary>The decoding context for received payloads: the negotiated version.</summary>
    public WireContext ReadContext => new(NegotiatedVersion, WireFlags.None);

    /// <summary>The encoding context: the negotiated version, and no witness data for witness-bearing messages unless the remote serves it.</summary>
    /// <param name="flags">The sender's choice, if any.</param>
    /// <param name="message">The message.</param>
    public WireContext WriteContext(WireFlags? flags, IMessage message)
    {
        int version;
        ServiceFlags services;
        lock (_lock)
        {
            version = _negotiated;
            services = _services;
        }

        // A pre-encoded message takes the witness form its wrapped message would.
        var sent = message is EncodedMessage encoded ? encoded.Message : message;
        var f = flags ?? ((sent is Block or Transaction or BlockTxnMessage or CmpctBlockMessage) && (services & ServiceFlags.Witness) == 0 ? WireFlags.NoWitness : WireFlags.None);
        return new WireContext(version, f);
    }

    /// <summary>Starts the handshake clock.</summary>
    /// <param name="deadline">When the handshake must be complete.</param>
    public void StartDeadline(DateTimeOffset deadline)
    {
        lock (_lock)
        {
            _deadline = deadline;
            _next.Lower(deadline);
        }
    }

    /// <summary>The earliest time (UTC ticks) <see cref="CheckDeadline"/> may act: the handshake deadline until the verack arrives.</summary>
    public long NextDue()
    {
        lock (_lock)
        {
            return _verackReceived ? NextDeadline.Never : _deadline.UtcTicks;
        }
    }

    /// <summary>Why the peer must end now because the handshake took too long, or null.</summary>
    /// <param name="now">The time.</param>
    public DisconnectReason? CheckDeadline(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_verackReceived || now < _deadline)
            {
                return null;
            }

            return new DisconnectReason(DisconnectKind.HandshakeTimeout, _versionReceived ? "no verack in time" : "no version in time");
        }
    }

    /// <summary>True the first time only: our version is to be sent.</summary>
    public bool TryBeginSendingVersion()
    {
        lock (_lock)
        {
            if (_versionSent)
            {
                return false;
            }

            _versionSent = true;
            return true;
        }
    }

    /// <summary>Takes the remote's version (admission has let only the first through); returns the negotiated version.</summary>
    /// <param name="version">The remote's version.</param>
    /// <param name="now">The time, for the clock offset.</param>
    public int AcceptVersion(VersionMessage version, DateTimeOffset now)
    {
        lock (_lock)
        {
            _versionReceived = true;
            _negotiated = Math.Min(_ourVersion, version.Version);
            _services = version.Services;
            _userAgent = version.UserAgent ?? string.Empty;
            _startHeight = version.StartHeight ?? 0;
            _lastBlock = _startHeight;
            _relay = version.Relay ?? true;
            _timeOffsetSeconds = version.Timestamp - now.ToUnixTimeSeconds();
            _remote = version;
            return _negotiated;
        }
    }

    /// <summary>Takes the remote's verack: true the first time, with the negotiated version.</summary>
    /// <param name="negotiated">The negotiated version.</param>
    public bool TryAcceptVerack(out int negotiated)
    {
        lock (_lock)
        {
            negotiated = _negotiated;
            if (_verackReceived)
            {
                return false;
            }

            _verackReceived = true;
            return true;
        }
    }

    /// <summary>Records a feature the remote announced (BIP339, BIP155, BIP330, BIP130, BIP152, BIP133).</summary>
    /// <param name="message">The feature message.</param>
    public void ApplyFeature(IMessage message)
    {
        lock (_lock)
        {
            switch (message)
            {
                case WtxidRelayMessage:
                    // Bitcoin Core ignores it below version 70016 (admission has already dropped those).
                    _wtxidRelay = true;
                    break;
                case SendAddrV2Message:
                    _addrV2 = true;
                    break;
                case SendTxRcnclMessage:
                    _txReconciliation = true;
                    break;
                case SendHeadersMessage:
                    _sendHeaders = true;
                    break;
                case SendCmpctMessage cmpct when cmpct.Version == 2:
                    // Bitcoin Core only understands compact-block version 2 (segwit) and ignores any other.
                    _compactBlocks = new CompactBlockMode(cmpct.HighBandwidth, cmpct.Version);
                    break;
                case FeeFilterMessage fee:
                    // Bitcoin Core keeps the value only within the money range (0 to 21 million BTC).
                    if (fee.FeeRate is >= 0 and <= 2_100_000_000_000_000)
                    {
                        _feeFilter = fee.FeeRate;
                    }

                    break;
            }
        }
    }

    /// <summary>The BIP434 features the remote announced, in the order they came.</summary>
    public IReadOnlyList<PeerFeature> RemoteFeatures
    {
        get
        {
            lock (_lock)
            {
                return _remoteFeaturesView ??= _remoteFeatures.ToArray();
            }
        }
    }

    /// <summary>
    /// Records a BIP434 feature the remote announced (admission let it through only between version and verack);
    /// returns why it was not recorded, or null. Ids that are not printable ASCII cannot match any feature we know and
    /// are ignored, as are repeats of an id and anything past <see cref="PeerDefaults.MaxFeatures"/>.
    /// </summary>
    /// <param name="message">The feature message.</param>
    public string? AddRemoteFeature(FeatureMessage message)
    {
        var id = message.FeatureId.Span;
        if (!PeerFeature.IsPrintableAscii(id))
        {
            return "feature id is not printable ASCII";
        }

        var feature = new PeerFeature(System.Text.Encoding.ASCII.GetString(id), message.Data.Memory);
        lock (_lock)
        {
            if (_remoteFeatures.Count >= PeerDefaults.MaxFeatures)
            {
                return $"more than {PeerDefaults.MaxFeatures} features";
            }

            foreach (var known in _remoteFeatures)
            {
                if (known.Id == feature.Id)
                {
                    return $"feature {feature.Id} repeated";
                }
            }

            _remoteFeatures.Add(feature);
            _remoteFeaturesView = null;
            return null;
        }
    }

    /// <summary>Records the height of the best block the remote is known to have (never lowers it).</summary>
    /// <param name="height">The height.</param>
    public void UpdateLastBlock(int height)
    {
        lock (_lock)
        {
            if (height > _lastBlock)
            {
                _lastBlock = height;
            }
        }
    }

    /// <summary>One consistent view of what the remote told us.</summary>
    public RemoteInfo Snapshot()
    {
        lock (_lock)
        {
            return new RemoteInfo(
                _services,
                _userAgent,
                _remote?.Version ?? 0,
                _negotiated,
                _startHeight,
                _lastBlock,
                TimeSpan.FromSeconds(_timeOffsetSeconds),
                _verackReceived,
                FeaturesLocked());
        }
    }

    private PeerFeatures FeaturesLocked() => new(
        WtxidRelay: _wtxidRelay,
        AddrV2: _addrV2,
        SendHeaders: _sendHeaders,
        CompactBlocks: _compactBlocks,
        FeeFilter: _feeFilter,
        Witness: (_services & ServiceFlags.Witness) != 0,
        TxReconciliation: _txReconciliation,
        RelayTransactions: _relay);
}
