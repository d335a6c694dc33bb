using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Interop.Tests.Infrastructure;

/// <summary>
/// A listener that records what a peer's listener is handed (the messages a test cares about) and lets a test wait,
/// bounded, for a message matching a predicate. Thread-safe; it never blocks the peer's reader loop.
/// </summary>
internal sealed class MessageLog : IBitcoinListener<Peer>
{
    private readonly Lock _lock = new();
    private readonly List<IMessage> _messages = [];
    private readonly List<(Func<IMessage, bool> Match, TaskCompletionSource<IMessage> Done)> _waiters = [];

    /// <summary>Every recorded message of type <typeparamref name="T"/>, in arrival order.</summary>
    public List<T> All<T>()
        where T : IMessage
    {
        lock (_lock)
        {
            return _messages.OfType<T>().ToList();
        }
    }

    /// <summary>Waits until a message of type <typeparamref name="T"/> matching <paramref name="match"/> has arrived (also one that arrived before the call).</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, string what, TimeSpan? timeout = null)
        where T : IMessage
    {
        var limit = timeout ?? Timeouts.Short;
        TaskCompletionSource<IMessage> done;
        lock (_lock)
        {
            foreach (var message in _messages)
            {
                if (message is T typed && match(typed))
                {
                    return typed;
                }
            }

            done = new TaskCompletionSource<IMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((m => m is T typed && match(typed), done));
        }

        try
        {
            return (T)await done.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"no {what} within {limit.TotalSeconds:0} s; the listener saw: {Summary()}"));
        }
    }

    /// <summary>Commands seen, with counts.</summary>
    public string Summary()
    {
        lock (_lock)
        {
            return _messages.Count == 0 ? "(nothing)" : string.Join(", ", _messages.GroupBy(m => m.Command.ToString()).Select(g => g.Key + "×" + g.Count().ToString(CultureInfo.InvariantCulture)));
        }
    }

    private void Record(IMessage message)
    {
        List<TaskCompletionSource<IMessage>>? done = null;
        lock (_lock)
        {
            _messages.Add(message);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(message))
                {
                    (done ??= []).Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in done ?? [])
        {
            waiter.TrySetResult(message);
        }
    }

    public void OnVersion(Peer peer, VersionMessage message) => Record(message);

    public void OnVerAck(Peer peer, VerAckMessage message) => Record(message);

    public void OnSendCmpct(Peer peer, SendCmpctMessage message) => Record(message);

    public void OnSendHeaders(Peer peer, SendHeadersMessage message) => Record(message);

    public void OnWtxidRelay(Peer peer, WtxidRelayMessage message) => Record(message);

    public void OnSendAddrV2(Peer peer, SendAddrV2Message message) => Record(message);

    public void OnFeeFilter(Peer peer, FeeFilterMessage message) => Record(message);

    public void OnGetAddr(Peer peer, GetAddrMessage message) => Record(message);

    public void OnAddr(Peer peer, AddrMessage message) => Record(message);

    public void OnPing(Peer peer, PingMessage message) => Record(message);

    public void OnPong(Peer peer, PongMessage message) => Record(message);

    public void OnInv(Peer peer, InvMessage message) => Record(message);

    public void OnHeaders(Peer peer, HeadersMessage message) => Record(message);

    public void OnGetHeaders(Peer peer, GetHeadersMessage message) => Record(message);

    public void OnGetBlocks(Peer peer, GetBlocksMessage message) => Record(message);

    public void OnGetData(Peer peer, GetDataMessage message) => Record(message);

    public void OnNotFound(Peer peer, NotFoundMessage message) => Record(message);

    public void OnBlock(Peer peer, Block message) => Record(message);

    public void OnTransaction(Peer peer, Transaction message) => Record(message);

    public void OnReject(Peer peer, RejectMessage message) => Record(message);

    public void OnMemPool(Peer peer, MemPoolMessage message) => Record(message);
}
