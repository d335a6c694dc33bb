using System.Buffers;

namespace ProtoGen.Tests.Shared;

/// <summary>
/// Multi-segment byte sequences for tests of code that reads <see cref="ReadOnlySequence{T}"/> input. Linked into the
/// runtime and Bitcoin test projects (tests/Shared).
/// </summary>
internal static class ByteSequences
{
    /// <summary>Builds a sequence whose segments have the given sizes (the last segment takes the rest).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, params int[] sizes)
    {
        var chunks = new List<byte[]>();
        int offset = 0;
        foreach (int size in sizes)
        {
            int take = Math.Min(size, data.Length - offset);
            chunks.Add(data.AsSpan(offset, take).ToArray());
            offset += take;
        }

        if (offset < data.Length || chunks.Count == 0)
        {
            chunks.Add(data.AsSpan(offset).ToArray());
        }

        return Chain(chunks);
    }

    /// <summary>Builds a sequence with one segment per byte.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data)
    {
        var chunks = new List<byte[]>();
        foreach (byte b in data)
        {
            chunks.Add([b]);
        }

        return chunks.Count == 0 ? ReadOnlySequence<byte>.Empty : Chain(chunks);
    }

    /// <summary>Links arrays into a multi-segment sequence (each segment is its own array).</summary>
    public static ReadOnlySequence<byte> Chain(IReadOnlyList<byte[]> chunks)
    {
        var first = new Segment(chunks[0], 0);
        var last = first;
        for (int i = 1; i < chunks.Count; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
