using System.Buffers;

namespace ProtoGen.Peers.Tests.Support;

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
