namespace ProtoGen.Peers.Tests.Support;

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
