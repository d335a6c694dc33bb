namespace ProtoGen.Peers.Tests.Support;

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
