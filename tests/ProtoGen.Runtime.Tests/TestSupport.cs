using System.Buffers;

namespace ProtoGen.Runtime.Tests;

/// <summary>Reads values off a reader; a delegate type because a lambda cannot capture a ref struct.</summary>
internal delegate void ReadAction(ref WireReader reader);

/// <summary>Helpers shared by the runtime tests.</summary>
internal static class TestSupport
{
    /// <summary>Parses hex, ignoring spaces.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>Runs <paramref name="action"/> and returns the <see cref="ProtocolException"/> it must throw (exactly that type).</summary>
    public static ProtocolException ReadFails(byte[] input, ReadAction action) =>
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new WireReader(input);
            action(ref reader);
        });

    /// <summary>Asserts the error code of a read that must fail.</summary>
    public static void ReadFails(byte[] input, ProtocolError expected, ReadAction action) =>
        Assert.Equal(expected, ReadFails(input, action).Error);
}

/// <summary>A buffer writer that breaks the contract: it returns fewer bytes than asked for.</summary>
internal sealed class ShortChangingBufferWriter : IBufferWriter<byte>
{
    private readonly int _spanSize;

    public ShortChangingBufferWriter(int spanSize) => _spanSize = spanSize;

    public void Advance(int count)
    {
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => new byte[_spanSize];

    public Span<byte> GetSpan(int sizeHint = 0) => new byte[_spanSize];
}
