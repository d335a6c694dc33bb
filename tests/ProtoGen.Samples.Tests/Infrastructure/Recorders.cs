using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Samples.Chat;

namespace ProtoGen.Samples.Tests.Infrastructure;

/// <summary>What one listener was handed, in order: the command and the decoded message (or the raw payload for OnUnknown).</summary>
internal sealed class MessageLog
{
    private readonly Lock _lock = new();
    private readonly List<(string Command, object Message)> _entries = [];

    public IReadOnlyList<(string Command, object Message)> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<string> Commands => [.. Entries.Select(e => e.Command)];

    public void Add(string command, object message)
    {
        lock (_lock)
        {
            _entries.Add((command, message));
        }
    }

    public T Single<T>() => Entries.Select(e => e.Message).OfType<T>().Single();

    /// <summary>Waits until the log holds <paramref name="command"/> (the peers deliver on their own read loops).</summary>
    public async Task WaitForAsync(string command)
    {
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (!Commands.Contains(command))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{command}' never arrived; received: {string.Join(", ", Commands)}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Records every chat message, then hands it to an inner listener (the sample's endpoint).</summary>
internal sealed class RecordingChatListener(IChatListener<Peer>? inner = null) : IChatListener<Peer>
{
    public MessageLog Log { get; } = new();

    public void OnChatPost(Peer peer, ChatPostMessage message)
    {
        Log.Add("chatpost", message);
        inner?.OnChatPost(peer, message);
    }

    public void OnChatRequest(Peer peer, ChatRequestMessage message)
    {
        Log.Add("chatreq", message);
        inner?.OnChatRequest(peer, message);
    }

    public void OnChatResponse(Peer peer, ChatResponseMessage message)
    {
        Log.Add("chatresp", message);
        inner?.OnChatResponse(peer, message);
    }

    public void OnUnknown(Peer peer, RawFrame frame) => Log.Add("unknown:" + frame.Command, frame.Payload.ToArray());
}

/// <summary>Records every message of the Bitcoin set, and unknown frames with their raw payload.</summary>
internal sealed class RecordingBitcoinListener : IBitcoinListener<Peer>
{
    public MessageLog Log { get; } = new();

    public void OnUnknown(Peer peer, RawFrame frame) => Log.Add("unknown:" + frame.Command, frame.Payload.ToArray());

    public void OnAddr(Peer peer, AddrMessage message) => Record(message);

    public void OnAddrV2(Peer peer, AddrV2Message message) => Record(message);

    public void OnBlock(Peer peer, Block message) => Record(message);

    public void OnBlockTxn(Peer peer, BlockTxnMessage message) => Record(message);

    public void OnCFCheckpt(Peer peer, CFCheckptMessage message) => Record(message);

    public void OnCFHeaders(Peer peer, CFHeadersMessage message) => Record(message);

    public void OnCFilter(Peer peer, CFilterMessage message) => Record(message);

    public void OnCmpctBlock(Peer peer, CmpctBlockMessage message) => Record(message);

    public void OnFeeFilter(Peer peer, FeeFilterMessage message) => Record(message);

    public void OnFilterAdd(Peer peer, FilterAddMessage message) => Record(message);

    public void OnFilterClear(Peer peer, FilterClearMessage message) => Record(message);

    public void OnFilterLoad(Peer peer, FilterLoadMessage message) => Record(message);

    public void OnGetAddr(Peer peer, GetAddrMessage message) => Record(message);

    public void OnGetBlocks(Peer peer, GetBlocksMessage message) => Record(message);

    public void OnGetBlockTxn(Peer peer, GetBlockTxnMessage message) => Record(message);

    public void OnGetCFCheckpt(Peer peer, GetCFCheckptMessage message) => Record(message);

    public void OnGetCFHeaders(Peer peer, GetCFHeadersMessage message) => Record(message);

    public void OnGetCFilters(Peer peer, GetCFiltersMessage message) => Record(message);

    public void OnGetData(Peer peer, GetDataMessage message) => Record(message);

    public void OnGetHeaders(Peer peer, GetHeadersMessage message) => Record(message);

    public void OnHeaders(Peer peer, HeadersMessage message) => Record(message);

    public void OnInv(Peer peer, InvMessage message) => Record(message);

    public void OnMemPool(Peer peer, MemPoolMessage message) => Record(message);

    public void OnMerkleBlock(Peer peer, MerkleBlockMessage message) => Record(message);

    public void OnNotFound(Peer peer, NotFoundMessage message) => Record(message);

    public void OnPing(Peer peer, PingMessage message) => Record(message);

    public void OnPong(Peer peer, PongMessage message) => Record(message);

    public void OnReject(Peer peer, RejectMessage message) => Record(message);

    public void OnSendAddrV2(Peer peer, SendAddrV2Message message) => Record(message);

    public void OnSendCmpct(Peer peer, SendCmpctMessage message) => Record(message);

    public void OnSendHeaders(Peer peer, SendHeadersMessage message) => Record(message);

    public void OnSendTxRcncl(Peer peer, SendTxRcnclMessage message) => Record(message);

    public void OnTransaction(Peer peer, Transaction message) => Record(message);

    public void OnVerAck(Peer peer, VerAckMessage message) => Record(message);

    public void OnVersion(Peer peer, VersionMessage message) => Record(message);

    public void OnWtxidRelay(Peer peer, WtxidRelayMessage message) => Record(message);

    private void Record(IMessage message) => Log.Add(message.Command.ToString(), message);
}

/// <summary>Records the command of every frame a peer read (its OnRead hook), with its size on the wire.</summary>
internal sealed class FrameLog
{
    private readonly Lock _lock = new();
    private readonly List<(string Command, int Bytes)> _frames = [];

    public PeerMessageHook Hook => (_, command, bytes, _, _) =>
    {
        lock (_lock)
        {
            _frames.Add((command.ToString(), bytes));
        }
    };

    public IReadOnlyList<(string Command, int Bytes)> Frames
    {
        get
        {
            lock (_lock)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>Waits until the hook has seen <paramref name="command"/> (it runs after the listener, on the read loop).</summary>
    public async Task WaitForAsync(string command)
    {
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (!Frames.Any(f => f.Command == command))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no '{command}' frame was read");
            }

            await Task.Delay(10);
        }
    }
}
