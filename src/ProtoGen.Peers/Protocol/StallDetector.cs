using System;
using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Protocol;

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

/// <summary>
/// Response deadlines for the requests we send (btcd's stall handler): getheaders waits three times the stall timeout
/// for headers, getdata and getblocks/mempool the stall timeout for their answers. Deadlines are paused while a
/// listener runs and pushed back by the time it took. A pong to a ping sent after the last list request clears the
/// headers and inventory deadlines: the remote handled those requests in order and chose not to answer. Thread-safe.
/// </summary>
internal sealed class StallDetector
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _timeout;
    private readonly NextDeadline _next;
    private DateTimeOffset? _headers;
    private DateTimeOffset? _data;
    private DateTimeOffset? _inventory;
    private long _listRequestsSent;
    private long _listRequestsBeforePing;
    private bool _listenerBusy;
    private bool _awaitingHeaders;
    private bool _awaitingData;
    private bool _awaitingInventory;

    /// <param name="timeout">The stall timeout; zero disables the deadlines.</param>
    /// <param name="next">The peer's next deadline, lowered when a response deadline starts.</param>
    public StallDetector(TimeSpan timeout, NextDeadline next)
    {
        _timeout = timeout;
        _next = next;
    }

    /// <summary>Records a request written at <paramref name="now"/>.</summary>
    /// <param name="kind">Its group.</param>
    /// <param name="listRequest">Whether it is a getheaders, getblocks or mempool (a request the remote may answer with nothing).</param>
    /// <param name="now">When it was written.</param>
    public void RequestSent(StallKind kind, bool listRequest, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (listRequest)
            {
                _listRequestsSent++;
            }

            switch (kind)
            {
                case StallKind.Headers:
                    _awaitingHeaders = true;
                    break;
                case StallKind.Data:
                    _awaitingData = true;
                    break;
                case StallKind.Inventory:
                    _awaitingInventory = true;
                    break;
            }

            if (_timeout <= TimeSpan.Zero)
            {
                return;
            }

            switch (kind)
            {
                case StallKind.Headers:
                    _headers ??= now + (_timeout * PeerDefaults.HeadersStallMultiplier);
                    break;
                case StallKind.Data:
                    _data ??= now + _timeout;
                    break;
                case StallKind.Inventory:
                    _inventory ??= now + _timeout;
                    break;
            }

            _next.Lower(NextDueLocked());
        }
    }

    /// <summary>A response of <paramref name="kind"/> arrived.</summary>
    /// <param name="kind">The group it answers.</param>
    public void Clear(StallKind kind)
    {
        lock (_lock)
        {
            switch (kind)
            {
                case StallKind.Headers:
                    (_headers, _awaitingHeaders) = (null, false);
                    break;
                case StallKind.Data:
                    (_data, _awaitingData) = (null, false);
                    break;
                case StallKind.Inventory:
                    (_inventory, _awaitingInventory) = (null, false);
                    break;
            }
        }
    }

    /// <summary>
    /// Whether a message of <paramref name="command"/> would answer a request of ours still outstanding (its bytes keep
    /// priority over the shared receive budget); an unknown command counts as awaited while anything is outstanding.
    /// </summary>
    /// <param name="command">The incomplete message's command, if known.</param>
    public bool IsAwaiting(MessageCommand? command)
    {
        lock (_lock)
        {
            if (command is not { } c)
            {
                return _awaitingHeaders || _awaitingData || _awaitingInventory;
            }

            if (c == HeadersMessage.Command)
            {
                return _awaitingHeaders;
            }

            if (c == InvMessage.Command)
            {
                return _awaitingInventory;
            }

            return _awaitingData && (c == Block.Command || c == Transaction.Command || c == MerkleBlockMessage.Command || c == NotFoundMessage.Command);
        }
    }

    /// <summary>A ping went out: list requests sent before it are answered (or deliberately not) by the time its pong arrives.</summary>
    public void PingSent()
    {
        lock (_lock)
        {
            _listRequestsBeforePing = _listRequestsSent;
        }
    }

    /// <summary>The pong to our ping arrived: clears the list-request deadlines unless more were sent after the ping.</summary>
    public void PongReceived()
    {
        lock (_lock)
        {
            // bcoin sends no empty headers message, and nobody sends an empty inv: an unanswered list request before
            // the ping is not a stall.
            if (_listRequestsSent == _listRequestsBeforePing)
            {
                (_headers, _awaitingHeaders) = (null, false);
                (_inventory, _awaitingInventory) = (null, false);
            }
        }
    }

    /// <summary>Whether a listener is running (deadlines paused); for tests that move a fake clock.</summary>
    internal bool ListenerBusy
    {
        get
        {
            lock (_lock)
            {
                return _listenerBusy;
            }
        }
    }

    /// <summary>Marks a listener as running: deadlines do not expire meanwhile.</summary>
    public void ListenerStarted()
    {
        lock (_lock)
        {
            _listenerBusy = true;
        }
    }

    /// <summary>A listener returned after <paramref name="elapsed"/>: every pending deadline moves back by that much (btcd).</summary>
    /// <param name="elapsed">How long it ran.</param>
    public void ListenerFinished(TimeSpan elapsed)
    {
        lock (_lock)
        {
            _listenerBusy = false;
            if (elapsed > TimeSpan.Zero)
            {
                _headers += elapsed;
                _data += elapsed;
                _inventory += elapsed;
            }
        }
    }

    /// <summary>
    /// The earliest time (UTC ticks) <see cref="Check"/> may act: the earliest pending response deadline (while a
    /// listener runs it may be past; the deadlines only move later when it returns).
    /// </summary>
    public long NextDue()
    {
        lock (_lock)
        {
            return NextDueLocked();
        }
    }

    private long NextDueLocked()
    {
        long due = NextDeadline.Never;
        if (_headers is { } h)
        {
            due = Math.Min(due, h.UtcTicks);
        }

        if (_data is { } d)
        {
            due = Math.Min(due, d.UtcTicks);
        }

        if (_inventory is { } i)
        {
            due = Math.Min(due, i.UtcTicks);
        }

        return due;
    }

    /// <summary>Why the peer must end now because a response is overdue, or null.</summary>
    /// <param name="now">The time.</param>
    public DisconnectReason? Check(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_listenerBusy)
            {
                return null;
            }

            if (_headers is { } h && now >= h)
            {
                return new DisconnectReason(DisconnectKind.Stalled, "no headers in response to getheaders");
            }

            if (_data is { } d && now >= d)
            {
                return new DisconnectReason(DisconnectKind.Stalled, "no block, tx, merkleblock or notfound in response to getdata");
            }

            if (_inventory is { } i && now >= i)
            {
                return new DisconnectReason(DisconnectKind.Stalled, "no inv in response to getblocks or mempool");
            }

            return null;
        }
    }
}
