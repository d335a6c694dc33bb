using System.Collections.Concurrent;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Peers.Tests.Infrastructure;

/// <summary>
/// A fake clock with its own <see cref="PeerScheduler"/>. <see cref="Advance"/> moves time one scheduler tick
/// (250 ms) at a time; the fake timer runs the scheduler synchronously inside each step, so when it returns every
/// deadline up to the new time has been checked.
/// </summary>
internal sealed class ProtocolClock
{
    public ProtocolClock()
    {
        (Time, Scheduler) = TestConfig.FakeClock();
    }

    public static TimeSpan Tick => PeerDefaults.SchedulerTick;

    public ManualTimeProvider Time { get; }

    public PeerScheduler Scheduler { get; }

    /// <summary>Advances by <paramref name="by"/> in steps of one tick (the last step may be shorter).</summary>
    public void Advance(TimeSpan by)
    {
        Assert.True(by >= TimeSpan.Zero, "time only moves forward");
        while (by > TimeSpan.Zero)
        {
            var step = by < Tick ? by : Tick;
            Time.Advance(step);
            by -= step;
        }
    }

    /// <summary>Advances by exactly one tick.</summary>
    public void AdvanceTick() => Time.Advance(Tick);
}

/// <summary>A <see cref="TimeProvider"/> that forwards to another and counts the timers created through it.</summary>
internal sealed class TimerCountingTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private int _timersCreated;

    public TimerCountingTimeProvider(TimeProvider inner) => _inner = inner;

    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return _inner.CreateTimer(callback, state, dueTime, period);
    }
}

/// <summary>Configurations for the protocol-behaviour tests: regtest, a private nonce cache, every knob optional.</summary>
internal static class ProtocolConfig
{
    public static PeerConfig Create(
        ProtocolClock? clock = null,
        IBitcoinListener<Peers.Peer>? listener = null,
        int? protocolVersion = null,
        int? minProtocolVersion = null,
        ServiceFlags? services = null,
        BitcoinNetwork? network = null,
        NonceCache? nonces = null,
        bool announceWtxidRelay = true,
        bool announceAddrV2 = true,
        bool sendHeaders = false,
        (bool HighBandwidth, ulong Version)? sendCompactBlocks = null,
        long? feeFilter = null,
        TimeSpan? handshakeTimeout = null,
        TimeSpan? idleTimeout = null,
        TimeSpan? pingInterval = null,
        TimeSpan? pingTimeout = null,
        TimeSpan? stallTimeout = null,
        TimeProvider? timeProvider = null,
        bool useSharedScheduler = false)
    {
        var defaults = new PeerConfig();
        return new PeerConfig
        {
            Network = network ?? BitcoinNetwork.Regtest,
            Listener = listener,
            TimeProvider = timeProvider ?? clock?.Time ?? TimeProvider.System,
            Scheduler = useSharedScheduler ? null : clock?.Scheduler,
            NonceCache = nonces ?? new NonceCache(),
            UserAgentName = "ProtoGenTest",
            ProtocolVersion = protocolVersion ?? defaults.ProtocolVersion,
            MinProtocolVersion = minProtocolVersion ?? defaults.MinProtocolVersion,
            Services = services ?? defaults.Services,
            AnnounceWtxidRelay = announceWtxidRelay,
            AnnounceAddrV2 = announceAddrV2,
            SendHeaders = sendHeaders,
            SendCompactBlocks = sendCompactBlocks,
            FeeFilter = feeFilter,
            HandshakeTimeout = handshakeTimeout ?? defaults.HandshakeTimeout,
            IdleTimeout = idleTimeout ?? defaults.IdleTimeout,
            PingInterval = pingInterval ?? defaults.PingInterval,
            PingTimeout = pingTimeout ?? defaults.PingTimeout,
            StallResponseTimeout = stallTimeout ?? defaults.StallResponseTimeout,
        };
    }
}

/// <summary>
/// A listener that records every message delivered to it, in order, and optionally runs an action for each (on the
/// peer's read loop, after recording).
/// </summary>
internal sealed class MessageLog : IBitcoinListener<Peers.Peer>
{
    private readonly ConcurrentQueue<IMessage> _messages = new();
    private readonly ConcurrentQueue<string> _unknown = new();

    /// <summary>Runs for every delivered message, after it was recorded.</summary>
    public Action<Peers.Peer, IMessage>? OnMessage { get; set; }

    public IReadOnlyList<IMessage> Messages => [.. _messages];

    public IReadOnlyList<string> Commands => [.. _messages.Select(m => m.Command.ToString())];

    public IReadOnlyList<string> UnknownCommands => [.. _unknown];

    public int Count(string command) => _messages.Count(m => m.Command.ToString() == command);

    public IEnumerable<T> OfType<T>() => _messages.OfType<T>();

    /// <summary>Waits until a message with <paramref name="command"/> has been delivered <paramref name="times"/> times.</summary>
    public Task WaitForAsync(string command, int times = 1) => Eventually.TrueAsync(() => Count(command) >= times, $"'{command}' delivered {times} time(s)");

    void IBitcoinListener<Peers.Peer>.OnAddr(Peers.Peer peer, AddrMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnAddrV2(Peers.Peer peer, AddrV2Message message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnBlock(Peers.Peer peer, Block message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnBlockTxn(Peers.Peer peer, BlockTxnMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnCFCheckpt(Peers.Peer peer, CFCheckptMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnCFHeaders(Peers.Peer peer, CFHeadersMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnCFilter(Peers.Peer peer, CFilterMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnCmpctBlock(Peers.Peer peer, CmpctBlockMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnFeature(Peers.Peer peer, FeatureMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnFeeFilter(Peers.Peer peer, FeeFilterMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnFilterAdd(Peers.Peer peer, FilterAddMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnFilterClear(Peers.Peer peer, FilterClearMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnFilterLoad(Peers.Peer peer, FilterLoadMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetAddr(Peers.Peer peer, GetAddrMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetBlocks(Peers.Peer peer, GetBlocksMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetBlockTxn(Peers.Peer peer, GetBlockTxnMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetCFCheckpt(Peers.Peer peer, GetCFCheckptMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetCFHeaders(Peers.Peer peer, GetCFHeadersMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetCFilters(Peers.Peer peer, GetCFiltersMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetData(Peers.Peer peer, GetDataMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnGetHeaders(Peers.Peer peer, GetHeadersMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnHeaders(Peers.Peer peer, HeadersMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnInv(Peers.Peer peer, InvMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnMemPool(Peers.Peer peer, MemPoolMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnMerkleBlock(Peers.Peer peer, MerkleBlockMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnNotFound(Peers.Peer peer, NotFoundMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnPing(Peers.Peer peer, PingMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnPong(Peers.Peer peer, PongMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnReject(Peers.Peer peer, RejectMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnSendAddrV2(Peers.Peer peer, SendAddrV2Message message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnSendCmpct(Peers.Peer peer, SendCmpctMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnSendHeaders(Peers.Peer peer, SendHeadersMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnSendTxRcncl(Peers.Peer peer, SendTxRcnclMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnTransaction(Peers.Peer peer, Transaction message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnVerAck(Peers.Peer peer, VerAckMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnVersion(Peers.Peer peer, VersionMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnWtxidRelay(Peers.Peer peer, WtxidRelayMessage message) => Record(peer, message);

    void IBitcoinListener<Peers.Peer>.OnUnknown(Peers.Peer peer, RawFrame frame) => _unknown.Enqueue(frame.Command.ToString());

    private void Record(Peers.Peer peer, IMessage message)
    {
        _messages.Enqueue(message);
        OnMessage?.Invoke(peer, message);
    }
}

/// <summary>Polling with a wall-clock timeout, for conditions another thread makes true.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + PeerPair.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits until the peer has ignored <paramref name="count"/> messages in total.</summary>
    public static Task IgnoredAsync(Peers.Peer peer, long count) =>
        TrueAsync(() => peer.GetStats().MessagesIgnored >= count, $"{count} message(s) ignored (now {peer.GetStats().MessagesIgnored})");

    /// <summary>Waits until the peer has stopped and returns why.</summary>
    public static async Task<DisconnectReason> DisconnectedAsync(Peers.Peer peer)
    {
        await peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        return peer.DisconnectReason!;
    }
}

/// <summary>Scripted-remote steps used by several test classes.</summary>
internal static class RawPeerSteps
{
    /// <summary>Reads the next frame, which must be <paramref name="command"/>, and decodes it.</summary>
    public static async Task<T> ExpectAsync<T>(this RawPeer raw, string command)
        where T : IWireSerializable<T>
    {
        var (received, payload) = await raw.ReceiveFrameAsync();
        Assert.Equal(command, received.ToString());
        return RawPeer.Decode<T>(payload);
    }

    /// <summary>Reads frames until <paramref name="command"/>; returns it decoded and the commands read before it.</summary>
    public static async Task<(T Message, List<string> Before)> ReceiveUntilAsync<T>(this RawPeer raw, string command)
        where T : IWireSerializable<T>
    {
        var (payload, before) = await raw.ReceiveUntilAsync(command);
        return (RawPeer.Decode<T>(payload), before);
    }

    /// <summary>
    /// A barrier: sends a ping with <paramref name="nonce"/> and reads until the pong that echoes it. Everything the
    /// peer queued before it handled the ping has then been read; returns those commands (other pongs included).
    /// Needs a negotiated version above 60000.
    /// </summary>
    public static async Task<List<string>> PingBarrierAsync(this RawPeer raw, ulong nonce = 0x0bad_cafe)
    {
        await raw.SendAsync(new PingMessage { Nonce = nonce });
        var before = new List<string>();
        while (true)
        {
            var (command, payload) = await raw.ReceiveFrameAsync();
            if (command.ToString() == "pong" && RawPeer.Decode<PongMessage>(payload).Nonce == nonce)
            {
                return before;
            }

            before.Add(command.ToString());
        }
    }

    /// <summary>Plays the remote side of a handshake at <paramref name="protocolVersion"/>; returns the commands the peer sent up to its verack.</summary>
    public static Task<List<string>> HandshakeAtAsync(this RawPeer raw, int protocolVersion) => raw.HandshakeAsync(RawPeer.Version(protocolVersion));
}
