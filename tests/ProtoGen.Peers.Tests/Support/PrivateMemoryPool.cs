using System.Buffers;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>
/// A memory pool of its own for allocation tests: blocks (and their owner objects) are reused from a private stack,
/// so the count of bytes a test thread allocates does not depend on what other tests running in parallel have taken
/// from the process-wide <see cref="ArrayPool{T}.Shared"/> (a miss there allocates a new array on the renting thread).
/// </summary>
internal sealed class PrivateMemoryPool : MemoryPool<byte>
{
    private readonly Stack<Block> _free = new();
    private readonly Lock _lock = new();

    public override int MaxBufferSize => 1024 * 1024;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        int size = Math.Max(minBufferSize, 4096);
        lock (_lock)
        {
            // Blocks are kept whole, so a free one that is large enough serves any request.
            if (_free.TryPeek(out var top) && top.Array.Length >= size)
            {
                return _free.Pop();
            }
        }

        return new Block(this, new byte[size]);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Block block)
    {
        lock (_lock)
        {
            _free.Push(block);
        }
    }

    private sealed class Block(PrivateMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public byte[] Array { get; } = array;

        public Memory<byte> Memory => Array;

        public void Dispose() => pool.Return(this);
    }
}
