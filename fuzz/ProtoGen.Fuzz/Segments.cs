using System.Buffers;

namespace ProtoGen.Fuzz;

/// <summary>
/// Bytes arriving in segments, as a socket delivers them, for the stream targets (<see cref="FrameTarget"/>,
/// <see cref="V2PacketTarget"/>): the sizes come from a control byte, and the bytes received so far are read as one
/// growing multi-segment <see cref="ReadOnlySequence{T}"/>.
/// </summary>
public static class Segments
{
    private static readonly int[] LargestSegments = [1, 2, 7, 24, 25, 100, 4096, int.MaxValue];

    /// <summary>
    /// The segment sizes of a stream of <paramref name="length"/> bytes: bits 1-3 of <paramref name="control"/> pick
    /// the largest (1, 2, 7, 24, 25, 100, 4096 bytes or unbounded); all its bits and the length seed the sizes.
    /// </summary>
    /// <param name="control">The control byte.</param>
    /// <param name="length">The stream's length.</param>
    public static List<int> Sizes(byte control, int length)
    {
        int largest = LargestSegments[(control >> 1) & 7];
        uint state = (uint)(control | (length << 8)) | 1;
        var sizes = new List<int>();
        for (int left = length; left > 0;)
        {
            // xorshift32: a fixed, cheap sequence of sizes for each control byte and length.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            int size = largest == int.MaxValue ? left : (int)Math.Min(left, 1 + (state % (uint)largest));
            sizes.Add(size);
            left -= size;
        }

        return sizes;
    }

    /// <summary>
    /// Delivers <paramref name="stream"/> in <paramref name="sizes"/>: after each segment arrives, <paramref name="read"/>
    /// gets everything received and not yet consumed, and returns what it left (false: stop reading).
    /// </summary>
    /// <param name="stream">The stream.</param>
    /// <param name="sizes">The segment sizes, summing to its length.</param>
    /// <param name="read">Reads from the buffer, advancing it past what it consumed; false ends the stream.</param>
    public static void Deliver(ReadOnlyMemory<byte> stream, List<int> sizes, ReadStep read)
    {
        Chunk? last = null;
        var start = default(SequencePosition);
        int arrived = 0;
        foreach (int size in sizes)
        {
            var segment = stream.Slice(arrived, size);
            arrived += size;
            if (last is null)
            {
                last = new Chunk(segment, 0);
                start = new SequencePosition(last, 0);
            }
            else
            {
                last = last.Append(segment);
            }

            var buffer = new ReadOnlySequence<byte>((Chunk)start.GetObject()!, start.GetInteger(), last, last.Memory.Length);
            if (!read(ref buffer))
            {
                return;
            }

            start = buffer.Start;
        }
    }

    /// <summary>Reads what it can from <paramref name="buffer"/>, advancing it; false when the stream must end.</summary>
    /// <param name="buffer">The bytes received and not yet consumed.</param>
    public delegate bool ReadStep(ref ReadOnlySequence<byte> buffer);

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Chunk Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Chunk(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
