using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

/// <summary>The request groups whose responses are awaited (btcd's stall handler).</summary>
internal enum StallKind
{
    /// <summary>getheaders, answered by headers.</summary>
    Headers,

    /// <summary>getdata, answered by block, tx, merkleblock or notfound.</summary>
    Data,

    /// <summary>getblocks or mempool, answered by inv.</summary>
    Inventory,
}

public sealed partial class Peer
{
    private readonly TimeSpan _trickleInterval;
    private DateTimeOffset _pingDue = DateTimeOffset.MaxValue;
    private bool _pingQueued;
    private bool _pingOutstanding;
    private ulong _pingNonce;
    private DateTimeOffset? _pingSentAt;
    private long _pingSentTimestamp;
    private TimeSpan? _lastPingRoundTrip;
    private TimeSpan? _minPingRoundTrip;
    private DateTimeOffset? _stallHeaders;
    private DateTimeOffset? _stallData;
    private DateTimeOffset? _stallInventory;
    private long _listRequestsSent;
    private long _listRequestsBeforePing;
    private bool _listenerBusy;
    private List<TaskCompletionSource<TimeSpan>>? _pingWaiters;

    /// <summary>
    /// Pings now (or joins the ping already in flight) and completes with the round-trip time when the matching pong
    /// arrives. Needs a negotiated version above 60000 (BIP31).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool send = false;
        lock (_lock)
        {
            if (!_verackReceived || _negotiatedVersion <= ProtocolVersions.Bip31)
            {
                throw new InvalidOperationException("ping round trips need a completed handshake and protocol version above 60000");
            }

            (_pingWaiters ??= []).Add(waiter);
            if (!_pingOutstanding && !_pingQueued)
            {
                _pingQueued = true;
                send = true;
            }
        }

        if (!IsConnected)
        {
            waiter.TrySetException(new PeerDisconnectedException(DisconnectReason));
        }
        else if (send)
        {
            QueueControl(new PingMessage { Nonce = RandomNonce() });
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    private void CancelPing()
    {
        lock (_lock)
        {
            _pingOutstanding = false;
        }
    }

    private void FailPingWaiters()
    {
        List<TaskCompletionSource<TimeSpan>>? waiters;
        lock (_lock)
        {
            waiters = _pingWaiters;
            _pingWaiters = null;
        }

        if (waiters is not null)
        {
            var error = new PeerDisconnectedException(DisconnectReason);
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(error);
            }
        }
    }

    /// <summary>Called by the scheduler every tick: deadlines, keep-alive ping and inventory trickle.</summary>
    internal void OnTick(DateTimeOffset now)
    {
        if (!IsConnected)
        {
            return;
        }

        DisconnectReason? reason = null;
        bool sendPing = false;
        bool pingWithNonce = false;
        List<InventoryVector>? trickle = null;
        lock (_lock)
        {
            if (!_verackReceived)
            {
                if (now >= _handshakeDeadline)
                {
                    reason = new DisconnectReason(DisconnectKind.HandshakeTimeout, _versionReceived ? "no verack in time" : "no version in time");
                }
            }
            else
            {
                reason = CheckDeadlinesLocked(now);
                if (reason is null && !_pingOutstanding && !_pingQueued && now >= _pingDue)
                {
                    sendPing = true;
                    pingWithNonce = _negotiatedVersion > ProtocolVersions.Bip31;
                    _pingQueued = true;
                }

                bool trickleDue = now >= _nextTrickle;
                if (reason is null && (_announceNow || trickleDue))
                {
                    trickle = TakePendingInventoryLocked(trickleTransactions: trickleDue);
                    if (trickleDue)
                    {
                        _nextTrickle = now + _trickleInterval;
                    }

                    _announceNow = false;
                }
            }
        }

        if (reason is not null)
        {
            Disconnect(reason);
            return;
        }

        if (sendPing)
        {
            // BIP31: a nonce only above version 60000; below it there is no pong to wait for.
            QueueControl(new PingMessage { Nonce = pingWithNonce ? RandomNonce() : 0 });
        }

        if (trickle is { Count: > 0 })
        {
            SendInventory(trickle);
        }
    }

    private DisconnectReason? CheckDeadlinesLocked(DateTimeOffset now)
    {
        if (_config.IdleTimeout > TimeSpan.Zero && now - _lastReceive >= _config.IdleTimeout)
        {
            return new DisconnectReason(DisconnectKind.Idle, $"nothing received for {_config.IdleTimeout}");
        }

        if (_pingOutstanding && _config.PingTimeout > TimeSpan.Zero && _pingSentAt is { } sentAt && now - sentAt >= _config.PingTimeout)
        {
            return new DisconnectReason(DisconnectKind.PingTimeout, $"no pong within {_config.PingTimeout}");
        }

        // Response deadlines are paused while a listener runs (its time is added back when it returns).
        if (!_listenerBusy)
        {
            if (_stallHeaders is { } h && now >= h)
            {
                return new DisconnectReason(DisconnectKind.Stalled, "no headers in response to getheaders");
            }

            if (_stallData is { } d && now >= d)
            {
                return new DisconnectReason(DisconnectKind.Stalled, "no block, tx, merkleblock or notfound in response to getdata");
            }

            if (_stallInventory is { } i && now >= i)
            {
                return new DisconnectReason(DisconnectKind.Stalled, "no inv in response to getblocks or mempool");
            }
        }

        return null;
    }

    private static ulong RandomNonce()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong nonce;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            nonce = BitConverter.ToUInt64(bytes);
        }
        while (nonce == 0);
        return nonce;
    }

    private void OnPingReceived(PingMessage ping)
    {
        // BIP31: answer with the same nonce when the negotiated version is above 60000.
        if (ProtocolVersion > ProtocolVersions.Bip31)
        {
            QueueControl(new PongMessage { Nonce = ping.Nonce });
        }
    }

    private void OnPongReceived(PongMessage pong)
    {
        TimeSpan? roundTrip = null;
        List<TaskCompletionSource<TimeSpan>>? waiters = null;
        lock (_lock)
        {
            if (!_pingOutstanding)
            {
                return;
            }

            if (pong.Nonce == _pingNonce)
            {
                roundTrip = _time.GetElapsedTime(_pingSentTimestamp);
                _lastPingRoundTrip = roundTrip;
                if (_minPingRoundTrip is null || roundTrip < _minPingRoundTrip)
                {
                    _minPingRoundTrip = roundTrip;
                }

                _pingOutstanding = false;
                waiters = _pingWaiters;
                _pingWaiters = null;

                // The remote handles messages in order, so it has dealt with every getheaders and getblocks sent
                // before this ping. One still unanswered got no answer on purpose: bcoin sends no empty headers
                // message, and nobody sends an empty inv. That is not a stall, unless more were sent after the ping.
                if (_listRequestsSent == _listRequestsBeforePing)
                {
                    _stallHeaders = null;
                    _stallInventory = null;
                }
            }
            else if (pong.Nonce == 0)
            {
                // Bitcoin Core: a zero nonce cancels the ping.
                _pingOutstanding = false;
            }
        }

        if (roundTrip is { } rtt)
        {
            PeerMetrics.PingRoundTrip(rtt);
            foreach (var waiter in waiters ?? [])
            {
                waiter.TrySetResult(rtt);
            }
        }
    }

    /// <summary>Records a sent ping or request (called by the writer loop once the frame is encoded).</summary>
    private void OnRequestSent(IMessage message, DateTimeOffset now)
    {
        lock (_lock)
        {
            switch (message)
            {
                case PingMessage ping:
                    _pingQueued = false;
                    _pingDue = now + _config.PingInterval;
                    if (_negotiatedVersion > ProtocolVersions.Bip31 && ping.Nonce != 0)
                    {
                        _pingOutstanding = true;
                        _pingNonce = ping.Nonce;
                        _pingSentAt = now;
                        _pingSentTimestamp = _time.GetTimestamp();
                        _listRequestsBeforePing = _listRequestsSent;
                    }

                    break;
                case GetHeadersMessage:
                    _listRequestsSent++;
                    if (_config.StallResponseTimeout > TimeSpan.Zero)
                    {
                        _stallHeaders ??= now + (_config.StallResponseTimeout * PeerDefaults.HeadersStallMultiplier);
                    }

                    break;
                case GetDataMessage when _config.StallResponseTimeout > TimeSpan.Zero:
                    _stallData ??= now + _config.StallResponseTimeout;
                    break;
                case GetBlocksMessage or MemPoolMessage:
                    _listRequestsSent++;
                    if (_config.StallResponseTimeout > TimeSpan.Zero)
                    {
                        _stallInventory ??= now + _config.StallResponseTimeout;
                    }

                    break;
            }
        }
    }

    private void ClearStall(StallKind kind)
    {
        lock (_lock)
        {
            switch (kind)
            {
                case StallKind.Headers:
                    _stallHeaders = null;
                    break;
                case StallKind.Data:
                    _stallData = null;
                    break;
                case StallKind.Inventory:
                    _stallInventory = null;
                    break;
            }
        }
    }

    /// <summary>Marks a listener as running: response deadlines do not expire meanwhile.</summary>
    private long BeginListener()
    {
        lock (_lock)
        {
            _listenerBusy = true;
        }

        return _time.GetTimestamp();
    }

    /// <summary>Ends a listener call and pushes every pending response deadline back by the time it took (btcd).</summary>
    private void EndListener(long started)
    {
        var elapsed = _time.GetElapsedTime(started);
        lock (_lock)
        {
            _listenerBusy = false;
            if (elapsed > TimeSpan.Zero)
            {
                _stallHeaders += elapsed;
                _stallData += elapsed;
                _stallInventory += elapsed;
            }
        }
    }
}
