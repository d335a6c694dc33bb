using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>One frame read off the wire: its header, payload and every byte of it.</summary>
internal sealed record WireFrame(FrameHeader Header, byte[] Payload, byte[] Bytes)
{
    public string Command => Header.Command.ToString();

    public T Decode<T>(WireContext context = default)
        where T : IWireSerializable<T> => WireSerializer.Decode<T>(Payload.AsMemory(), context);
}

/// <summary>
/// A scripted remote over an in-memory <see cref="Pipe"/> pair: the peer under test is attached with
/// <see cref="Peers.Peer.Create"/>; the remote writes raw frames into the peer's input and reads the peer's output
/// frame by frame. Options for the peer's output pipe (e.g. a tiny pause threshold) make its writes back up while the
/// remote does not read.
/// </summary>
internal sealed class PipeRemote : IAsyncDisposable
{
    private readonly Pipe _toPeer;
    private readonly Pipe _fromPeer;
    private readonly uint _magic;
    private readonly TimeProvider _time;
    private long _bytesRead;

    public PipeRemote(PeerConfig config, PeerDirection direction = PeerDirection.Inbound, PipeOptions? peerOutput = null, bool start = true)
    {
        _toPeer = new Pipe();
        _fromPeer = new Pipe(peerOutput ?? PipeOptions.Default);
        _magic = config.Network.Magic;
        _time = config.TimeProvider;
        Peer = Peers.Peer.Create(config, direction, new Duplex(_toPeer.Reader, _fromPeer.Writer));
        if (start)
        {
            Peer.Start();
        }
    }

    public Peers.Peer Peer { get; }

    /// <summary>Every byte read from the peer so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>A version message like Bitcoin Core's, stamped with the configuration's clock.</summary>
    public VersionMessage Version(int protocolVersion = 70016, ServiceFlags services = ServiceFlags.Network | ServiceFlags.Witness, bool relay = true, int height = 0, long? timestamp = null) => new()
    {
        Version = protocolVersion,
        Services = services,
        Timestamp = timestamp ?? _time.GetUtcNow().ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = 0x5eed_0000_0000_0001,
        UserAgent = "/PipeRemote:1.0/",
        StartHeight = height,
        Relay = relay,
    };

    public Task SendAsync(IMessage message, WireContext context = default) => SendRawAsync(Frame.ToArray(_magic, message, context));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _toPeer.Writer.WriteAsync(bytes).AsTask().WaitAsync(PeerPair.Timeout);
    }

    /// <summary>Reads the next whole frame the peer wrote (fails on timeout, on a malformed frame, or at the end of the stream).</summary>
    public async Task<WireFrame> ReceiveFrameAsync()
    {
        using var cts = new CancellationTokenSource(PeerPair.Timeout);
        var reader = _fromPeer.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var rest = buffer;
            var status = Frame.TryRead(ref rest, _magic, out var header, out var payload);
            if (status != FrameStatus.Incomplete)
            {
                var frame = new WireFrame(header, payload.ToArray(), buffer.Slice(0, FrameHeader.Size + header.PayloadLength).ToArray());
                reader.AdvanceTo(rest.Start);
                Interlocked.Add(ref _bytesRead, frame.Bytes.Length);
                Assert.Equal(FrameStatus.Ok, status);
                return frame;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw new EndOfStreamException("the peer completed its output");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Waits, consuming nothing, until at least <paramref name="bytes"/> unread bytes sit in the peer's output. With a
    /// pause threshold below that, the peer's writer is then blocked in its flush: it takes nothing more from its queue
    /// until the remote reads.
    /// </summary>
    public async Task WaitForUnreadAsync(int bytes)
    {
        using var cts = new CancellationTokenSource(PeerPair.Timeout);
        var reader = _fromPeer.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            if (result.Buffer.Length >= bytes)
            {
                reader.AdvanceTo(result.Buffer.Start);
                return;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads frames until one satisfies <paramref name="match"/>; returns it and the frames before it.</summary>
    public async Task<(WireFrame Frame, List<WireFrame> Before)> ReceiveUntilAsync(Func<WireFrame, bool> match)
    {
        var before = new List<WireFrame>();
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (match(frame))
            {
                return (frame, before);
            }

            before.Add(frame);
        }
    }

    public Task<(WireFrame Frame, List<WireFrame> Before)> ReceiveUntilAsync(string command) => ReceiveUntilAsync(f => f.Command == command);

    /// <summary>
    /// A barrier in the peer's send order: queues a pong with <paramref name="nonce"/> on the peer and reads until it.
    /// Returns every frame the peer had queued before (the peer's own pings excluded when <paramref name="skipPings"/>).
    /// </summary>
    public async Task<List<WireFrame>> SentinelAsync(ulong nonce = 0x5e47_1e10, bool skipPings = true)
    {
        Assert.True(Peer.QueueMessage(new PongMessage { Nonce = nonce }), "sentinel not queued");
        var (_, before) = await ReceiveUntilAsync(f => f.Command == "pong" && f.Decode<PongMessage>().Nonce == nonce);
        return skipPings ? before.Where(f => f.Command != "ping").ToList() : before;
    }

    /// <summary>Plays the remote side of the handshake: version, (features), reads up to the peer's verack, verack.</summary>
    public async Task<List<WireFrame>> HandshakeAsync(VersionMessage? version = null, bool wtxidRelay = false, bool sendAddrV2 = false)
    {
        await SendAsync(version ?? Version());
        if (wtxidRelay)
        {
            await SendAsync(new WtxidRelayMessage());
        }

        if (sendAddrV2)
        {
            await SendAsync(new SendAddrV2Message());
        }

        var (verack, before) = await ReceiveUntilAsync("verack");
        await SendAsync(new VerAckMessage());
        await Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        before.Add(verack);
        return before;
    }

    /// <summary>Stops reading the peer's output for good and signals the end of the remote's input.</summary>
    public async Task CloseAsync()
    {
        await _toPeer.Writer.CompleteAsync();
        await _fromPeer.Reader.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Peer.Disconnect();
        await Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
        await _toPeer.Writer.CompleteAsync();
        await _fromPeer.Reader.CompleteAsync();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

/// <summary>Two peers joined by in-memory pipes (no sockets).</summary>
internal sealed class PipePair : IAsyncDisposable
{
    public PipePair(PeerConfig clientConfig, PeerConfig serverConfig)
    {
        var aToB = new Pipe();
        var bToA = new Pipe();
        Client = Peers.Peer.Create(clientConfig, PeerDirection.Outbound, new DuplexPipe(bToA.Reader, aToB.Writer));
        Server = Peers.Peer.Create(serverConfig, PeerDirection.Inbound, new DuplexPipe(aToB.Reader, bToA.Writer));
        Server.Start();
        Client.Start();
    }

    public Peers.Peer Client { get; }

    public Peers.Peer Server { get; }

    public Task HandshakeAsync() => Task.WhenAll(Client.WaitForHandshakeAsync(), Server.WaitForHandshakeAsync()).WaitAsync(PeerPair.Timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Disconnect();
        Server.Disconnect();
        await Task.WhenAll(Client.WaitForDisconnectAsync(), Server.WaitForDisconnectAsync()).WaitAsync(PeerPair.Timeout);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

/// <summary>A <see cref="MemoryPool{T}"/> that counts every block rented and returned (disposed).</summary>
internal sealed class CountingMemoryPool : MemoryPool<byte>
{
    private long _rented;
    private long _returned;
    private long _doubleReturns;
    private int _largestRequest;

    public override int MaxBufferSize => Shared.MaxBufferSize;

    public long Rented => Interlocked.Read(ref _rented);

    public long Returned => Interlocked.Read(ref _returned);

    public long Outstanding => Rented - Returned;

    public long DoubleReturns => Interlocked.Read(ref _doubleReturns);

    public int LargestRequest => Volatile.Read(ref _largestRequest);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        Interlocked.Increment(ref _rented);
        int seen;
        while (minBufferSize > (seen = Volatile.Read(ref _largestRequest)) && Interlocked.CompareExchange(ref _largestRequest, minBufferSize, seen) != seen)
        {
        }

        return new Owner(this, Shared.Rent(minBufferSize));
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Owner(CountingMemoryPool pool, IMemoryOwner<byte> inner) : IMemoryOwner<byte>
    {
        private int _disposed;

        public Memory<byte> Memory => inner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                Interlocked.Increment(ref pool._doubleReturns);
                return;
            }

            Interlocked.Increment(ref pool._returned);
            inner.Dispose();
        }
    }
}

/// <summary>Counts streams created and disposed (shared by many <see cref="TrackedStream"/>s).</summary>
internal sealed class StreamCounter
{
    private int _created;
    private int _disposed;
    private int _active;

    public int Created => Volatile.Read(ref _created);

    public int Disposed => Volatile.Read(ref _disposed);

    /// <summary>Reads and writes in progress over every stream.</summary>
    public int ActiveOperations => Volatile.Read(ref _active);

    internal void OnCreated() => Interlocked.Increment(ref _created);

    internal void OnDisposed() => Interlocked.Increment(ref _disposed);

    internal void Enter() => Interlocked.Increment(ref _active);

    internal void Exit() => Interlocked.Decrement(ref _active);
}

/// <summary>A stream wrapper that records its disposal and the reads and writes in progress.</summary>
internal sealed class TrackedStream : Stream
{
    private readonly Stream _inner;
    private readonly StreamCounter _counter;
    private int _disposed;
    private int _active;
    private long _bytesWritten;
    private long _bytesRead;
    private int _callsAfterDispose;
    private int _activeWrites;
    private readonly TaskCompletionSource _stuck = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TrackedStream(Stream inner, StreamCounter? counter = null)
    {
        _inner = inner;
        _counter = counter ?? new StreamCounter();
        _counter.OnCreated();
    }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public int ActiveOperations => Volatile.Read(ref _active);

    /// <summary>Writes in progress (including ones stuck because of <see cref="BlockWrites"/>).</summary>
    public int ActiveWrites => Volatile.Read(ref _activeWrites);

    /// <summary>When set, writes hang until cancelled or until the stream is disposed (then they fail).</summary>
    public bool BlockWrites { get; set; }

    public int CallsAfterDispose => Volatile.Read(ref _callsAfterDispose);

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _inner.Flush();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            await _inner.FlushAsync(cancellationToken);
        }
        finally
        {
            Exit();
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        Enter();
        try
        {
            int read = _inner.Read(buffer, offset, count);
            Interlocked.Add(ref _bytesRead, read);
            return read;
        }
        finally
        {
            Exit();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            int read = await _inner.ReadAsync(buffer, cancellationToken);
            Interlocked.Add(ref _bytesRead, read);
            return read;
        }
        finally
        {
            Exit();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Enter();
        try
        {
            _inner.Write(buffer, offset, count);
            Interlocked.Add(ref _bytesWritten, count);
        }
        finally
        {
            Exit();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Enter();
        Interlocked.Increment(ref _activeWrites);
        try
        {
            if (BlockWrites)
            {
                // A connection whose remote stopped reading: the write never completes until cancelled or disposed.
                await _stuck.Task.WaitAsync(cancellationToken);
            }

            await _inner.WriteAsync(buffer, cancellationToken);
            Interlocked.Add(ref _bytesWritten, buffer.Length);
        }
        finally
        {
            Interlocked.Decrement(ref _activeWrites);
            Exit();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stuck.TrySetException(new ObjectDisposedException(nameof(TrackedStream)));
            _counter.OnDisposed();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Enter()
    {
        if (IsDisposed)
        {
            Interlocked.Increment(ref _callsAfterDispose);
        }

        Interlocked.Increment(ref _active);
        _counter.Enter();
    }

    private void Exit()
    {
        Interlocked.Decrement(ref _active);
        _counter.Exit();
    }
}

/// <summary>One captured log entry.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

/// <summary>An <see cref="ILogger"/> that keeps every entry at or above a level.</summary>
internal sealed class LogCapture(LogLevel minimum = LogLevel.Trace) : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), [.. fields]));
    }

    public object? Field(LogEntry entry, string name) => entry.State.FirstOrDefault(kv => kv.Key == name).Value;
}

/// <summary>Polling with a timeout, for conditions other threads make true.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? PeerPair.Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(5);
        }
    }
}

/// <summary>Test-only access to a peer's connection loops (to prove nothing is left running).</summary>
internal static class PeerLoops
{
    public static (Task Read, Task Write) Of(Peers.Peer peer) => peer.Loops;

    public static bool Stopped(Peers.Peer peer)
    {
        var (read, write) = Of(peer);
        return read.IsCompleted && write.IsCompleted;
    }
}

/// <summary>The real blocks in tests/data.</summary>
internal static class BlockData
{
    public const string Block413567 = "block413567.raw";
    public const string Segwit1 = "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.raw";
    public const string Segwit2 = "block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.raw";

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", name));

    public static Block Load(string name) => WireSerializer.Decode<Block>(Read(name).AsMemory());
}

/// <summary>A message the Bitcoin set does not know, with a command of the test's choosing (for unique metric tags).</summary>
internal sealed class CustomMessage(string command, byte[] payload) : IMessage
{
    public MessageCommand Command { get; } = MessageCommand.Parse(command);

    public byte[] Payload { get; } = payload;

    public int GetEncodedSize(WireContext context) => Payload.Length;

    public void WriteTo(ref WireWriter writer)
    {
        foreach (byte b in Payload)
        {
            writer.WriteByte(b);
        }
    }
}

/// <summary>Two peers over loopback TCP, each on a <see cref="TrackedStream"/> around its NetworkStream.</summary>
internal sealed class TrackedPair : IAsyncDisposable
{
    private TrackedPair(Peers.Peer client, Peers.Peer server, TrackedStream clientStream, TrackedStream serverStream)
    {
        Client = client;
        Server = server;
        ClientStream = clientStream;
        ServerStream = serverStream;
    }

    public Peers.Peer Client { get; }

    public Peers.Peer Server { get; }

    public TrackedStream ClientStream { get; }

    public TrackedStream ServerStream { get; }

    /// <summary>Connects through <paramref name="listener"/> (or a new one) and starts both peers.</summary>
    public static async Task<TrackedPair> ConnectAsync(PeerConfig clientConfig, PeerConfig serverConfig, StreamCounter? counter = null, System.Net.Sockets.TcpListener? listener = null)
    {
        System.Net.Sockets.TcpListener? own = null;
        if (listener is null)
        {
            own = listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
        }

        try
        {
            var dialer = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            var accept = listener.AcceptSocketAsync();
            await dialer.ConnectAsync((System.Net.IPEndPoint)listener.LocalEndpoint).WaitAsync(PeerPair.Timeout);
            var accepted = await accept.WaitAsync(PeerPair.Timeout);
            accepted.NoDelay = true;
            var clientStream = new TrackedStream(new System.Net.Sockets.NetworkStream(dialer, ownsSocket: true), counter);
            var serverStream = new TrackedStream(new System.Net.Sockets.NetworkStream(accepted, ownsSocket: true), counter);
            var client = Peers.Peer.Outbound(clientConfig, clientStream, dialer.RemoteEndPoint);
            var server = Peers.Peer.Inbound(serverConfig, serverStream, accepted.RemoteEndPoint);
            server.Start();
            client.Start();
            return new TrackedPair(client, server, clientStream, serverStream);
        }
        finally
        {
            own?.Stop();
        }
    }

    public Task HandshakeAsync() => Task.WhenAll(Client.WaitForHandshakeAsync(), Server.WaitForHandshakeAsync()).WaitAsync(PeerPair.Timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Disconnect();
        Server.Disconnect();
        await Task.WhenAll(Client.WaitForDisconnectAsync(), Server.WaitForDisconnectAsync()).WaitAsync(PeerPair.Timeout);
        await ClientStream.DisposeAsync();
        await ServerStream.DisposeAsync();
    }
}
