using System.Buffers;

namespace ProtoGen.Bitcoin.Tests.Framing;

/// <summary>Helpers for the framing tests: hex with spaces, and byte sequences split into chosen segments.</summary>
internal static class FramingTestSupport
{
    /// <summary>Parses hex, ignoring spaces.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

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

        var first = new Segment(chunks[0], 0);
        var last = first;
        for (int i = 1; i < chunks.Count; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Builds a sequence with one segment per byte.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var sizes = new int[data.Length];
        Array.Fill(sizes, 1);
        return Segmented(data, sizes);
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

/// <summary>
/// A buffer writer that honours the <see cref="IBufferWriter{T}"/> contract as tightly as possible: every span is a new
/// array of exactly the size asked for (at least one byte) plus 0 to <c>maxExtra</c> bytes, so the writer runs out of
/// room constantly. It checks that no caller advances past the span it was given.
/// </summary>
internal sealed class StingyBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private readonly Random _random;
    private readonly int _maxExtra;
    private byte[] _current = [];

    public StingyBufferWriter(int seed = 1, int maxExtra = 6)
    {
        _random = new Random(seed);
        _maxExtra = maxExtra;
    }

    public int GetSpanCalls { get; private set; }

    public int AdvanceCalls { get; private set; }

    public byte[] WrittenBytes => [.. _written];

    public void Advance(int count)
    {
        if (count < 0 || count > _current.Length)
        {
            throw new InvalidOperationException($"advanced {count} bytes past a span of {_current.Length}");
        }

        _written.AddRange(_current.AsSpan(0, count).ToArray());
        _current = [];
        AdvanceCalls++;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpanCalls++;
        _current = new byte[Math.Max(sizeHint, 1) + _random.Next(_maxExtra + 1)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
