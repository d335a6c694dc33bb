using System;
using System.Buffers;

namespace ProtoGen.Peers.Transport;

/// <summary>A <see cref="ReadOnlySequence{T}"/> over two pieces of memory, one after the other (a frame's header and its payload).</summary>
internal static class SequenceOfTwo
{
    /// <summary>The bytes of <paramref name="first"/> followed by those of <paramref name="second"/>, without copying.</summary>
    /// <param name="first">The first part.</param>
    /// <param name="second">The second part.</param>
    public static ReadOnlySequence<byte> Create(byte[] first, ReadOnlyMemory<byte> second)
    {
        var head = new Segment(first, 0);
        var tail = new Segment(second, first.Length);
        head.SetNext(tail);
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
