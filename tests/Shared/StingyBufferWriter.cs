using System.Buffers;

namespace ProtoGen.Tests.Shared;

/// <summary>
/// A buffer writer that honours the <see cref="IBufferWriter{T}"/> contract as tightly as possible: every span is a new
/// array of exactly the size asked for (at least one byte) plus 0 to <c>maxExtra</c> bytes, so the writer runs out of
/// room constantly. It checks that no caller advances past the span it was given. Linked into the runtime and Bitcoin
/// test projects (tests/Shared).
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
