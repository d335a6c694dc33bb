using System;

namespace ProtoGen;

/// <summary>
/// One message for <see cref="DoubleSha256.HashMany(ReadOnlySpan{HashInput}, Span{Hash256})"/>: the concatenation of
/// up to three runs of bytes, hashed without copying them together (as
/// <see cref="DoubleSha256.HashConcat(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> does for one message).
/// </summary>
public readonly struct HashInput
{
    /// <summary>A message of up to three runs.</summary>
    /// <param name="first">The first run.</param>
    /// <param name="second">The second run (may be empty).</param>
    /// <param name="third">The third run (may be empty).</param>
    public HashInput(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second = default, ReadOnlyMemory<byte> third = default)
    {
        First = first;
        Second = second;
        Third = third;
    }

    /// <summary>The first run.</summary>
    public ReadOnlyMemory<byte> First { get; }

    /// <summary>The second run.</summary>
    public ReadOnlyMemory<byte> Second { get; }

    /// <summary>The third run.</summary>
    public ReadOnlyMemory<byte> Third { get; }

    /// <summary>The message length in bytes.</summary>
    public int Length => First.Length + Second.Length + Third.Length;

    /// <summary>A message of one run.</summary>
    /// <param name="bytes">The bytes.</param>
    public static implicit operator HashInput(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>A message of one run.</summary>
    /// <param name="bytes">The bytes.</param>
    public static HashInput FromMemory(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>Run 0, 1 or 2.</summary>
    internal ReadOnlyMemory<byte> Run(int index) => index switch
    {
        0 => First,
        1 => Second,
        _ => Third,
    };
}
