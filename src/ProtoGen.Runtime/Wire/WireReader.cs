using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace ProtoGen;

/// <summary>
/// A forward-only, bounds-checked reader of wire data. Every read checks the bytes left first and raises
/// <see cref="ProtocolException"/> on malformed input; every count and length read off the wire is checked against
/// the bytes left and a limit before anything is allocated.
/// </summary>
/// <remarks>
/// Created over a <see cref="ReadOnlyMemory{T}"/> that the caller hands over (<c>retainSlices</c>), byte strings are
/// returned as slices of it with no copy; over a span (or memory the caller will reuse) they are copied.
/// </remarks>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _span;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly bool _slices;
    private int _position;

    /// <summary>Reads from a span; byte strings are copied out of it.</summary>
    /// <param name="data">The input.</param>
    /// <param name="context">The encoding context (protocol version, flags).</param>
    public WireReader(ReadOnlySpan<byte> data, WireContext context = default)
    {
        _span = data;
        _memory = default;
        _slices = false;
        _position = 0;
        Context = context;
    }

    /// <summary>Reads from memory.</summary>
    /// <param name="data">The input.</param>
    /// <param name="context">The encoding context (protocol version, flags).</param>
    /// <param name="retainSlices">
    /// True when the decoded values may keep referring to <paramref name="data"/> (byte strings become slices of it);
    /// false when the caller will reuse the memory (byte strings are copied).
    /// </param>
    public WireReader(ReadOnlyMemory<byte> data, WireContext context = default, bool retainSlices = true)
    {
        _span = data.Span;
        _memory = data;
        _slices = retainSlices;
        _position = 0;
        Context = context;
    }

    /// <summary>
    /// Reads from a sequence. A single-segment sequence is read in place (no copy); a multi-segment one is copied
    /// once into a contiguous array.
    /// </summary>
    /// <param name="data">The input.</param>
    /// <param name="context">The encoding context (protocol version, flags).</param>
    /// <param name="retainSlices">True when decoded values may keep referring to the sequence's memory.</param>
    public WireReader(in ReadOnlySequence<byte> data, WireContext context = default, bool retainSlices = false)
    {
        if (data.IsSingleSegment)
        {
            _memory = data.First;
            _slices = retainSlices;
        }
        else
        {
            _memory = data.ToArray();
            _slices = true;
        }

        _span = _memory.Span;
        _position = 0;
        Context = context;
    }

    /// <summary>The encoding context.</summary>
    public WireContext Context { get; }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _span.Length - _position;

    /// <summary>Whether every byte has been consumed.</summary>
    public readonly bool End => _position >= _span.Length;

    /// <summary>Whether byte strings are returned as slices of the input rather than copies.</summary>
    public readonly bool RetainsSlices => _slices;

    /// <summary>The bytes not yet consumed.</summary>
    public readonly ReadOnlySpan<byte> UnreadSpan => _span.Slice(_position);

    /// <summary>The whole input.</summary>
    public readonly ReadOnlySpan<byte> Input => _span;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        int position = _position;
        if ((uint)count > (uint)(_span.Length - position))
        {
            WireThrow.Truncated(count, _span.Length - position);
        }

        _position = position + count;
        return _span.Slice(position, count);
    }

    /// <summary>Reads one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        int position = _position;
        if ((uint)position >= (uint)_span.Length)
        {
            WireThrow.Truncated(1, 0);
        }

        _position = position + 1;
        return _span[position];
    }

    /// <summary>Reads a signed byte.</summary>
    public sbyte ReadSByte() => (sbyte)ReadByte();

    /// <summary>Reads a boolean byte (any non-zero value is true, as Bitcoin Core reads it).</summary>
    public bool ReadBool() => ReadByte() != 0;

    /// <summary>Reads a little-endian 16-bit unsigned integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    /// <summary>Reads a little-endian 16-bit signed integer.</summary>
    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    /// <summary>Reads a big-endian 16-bit unsigned integer (the port of a network address).</summary>
    public ushort ReadUInt16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>Reads a little-endian 32-bit unsigned integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Reads a little-endian 32-bit signed integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>Reads a little-endian 64-bit unsigned integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a little-endian 64-bit signed integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>Reads a 32-byte hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Hash256 ReadHash256() => new(Take(Hash256.Size));

    /// <summary>
    /// Reads a CompactSize, rejecting non-canonical encodings and, with <paramref name="rangeCheck"/>, values over
    /// <see cref="CompactSize.MaxSize"/> (Bitcoin Core's behaviour).
    /// </summary>
    /// <param name="rangeCheck">Whether to apply the protocol maximum.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadCompactSize(bool rangeCheck = true)
    {
        int position = _position;
        if (position < _span.Length)
        {
            byte first = _span[position];
            if (first < 0xFD)
            {
                _position = position + 1;
                return first;
            }
        }

        return ReadCompactSizeSlow(rangeCheck);
    }

    private ulong ReadCompactSizeSlow(bool rangeCheck)
    {
        var rest = UnreadSpan;
        if (!CompactSize.TryRead(rest, out ulong value, out int consumed, rangeCheck))
        {
            int needed = rest.IsEmpty ? 1 : rest[0] switch { 0xFD => 3, 0xFE => 5, _ => 9 };
            WireThrow.Truncated(needed, rest.Length);
        }

        _position += consumed;
        return value;
    }

    /// <summary>Reads a CompactSize integer field that must not exceed <paramref name="max"/> (for example a 16-bit index).</summary>
    /// <param name="max">The largest value the field holds.</param>
    /// <param name="field">The field name, for the error message.</param>
    public ulong ReadCompactSize(ulong max, string field)
    {
        ulong value = ReadCompactSize(rangeCheck: false);
        if (value > max)
        {
            WireThrow.ValueOutOfRange(field, value);
        }

        return value;
    }

    /// <summary>
    /// Reads a collection's element count and checks it against <paramref name="maxCount"/> and against the bytes
    /// left (each element takes at least <paramref name="minElementSize"/> bytes) before the caller allocates.
    /// </summary>
    /// <param name="maxCount">The field's limit.</param>
    /// <param name="minElementSize">The fewest bytes one element takes (at least 1).</param>
    /// <param name="field">The field name, for the error message.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadCount(int maxCount, int minElementSize, string field)
    {
        ulong count = ReadCompactSize();
        if (count > (ulong)maxCount)
        {
            WireThrow.CountTooLarge(field, count, maxCount);
        }

        if (count * (ulong)Math.Max(minElementSize, 1) > (ulong)Remaining)
        {
            WireThrow.Truncated((int)Math.Min(count * (ulong)Math.Max(minElementSize, 1), int.MaxValue), Remaining);
        }

        return (int)count;
    }

    /// <summary>Reads a length prefix and checks it against <paramref name="maxLength"/> and the bytes left.</summary>
    /// <param name="maxLength">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadLength(int maxLength, string field)
    {
        ulong length = ReadCompactSize();
        if (length > (ulong)maxLength)
        {
            WireThrow.LengthTooLarge(field, length, maxLength);
        }

        if (length > (ulong)Remaining)
        {
            WireThrow.Truncated((int)length, Remaining);
        }

        return (int)length;
    }

    /// <summary>Reads a length prefix and checks it against <paramref name="minLength"/>, <paramref name="maxLength"/> and the bytes left.</summary>
    /// <param name="minLength">The field's smallest length.</param>
    /// <param name="maxLength">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    public int ReadLength(int minLength, int maxLength, string field)
    {
        int length = ReadLength(maxLength, field);
        if (length < minLength)
        {
            WireThrow.LengthTooSmall(field, length, minLength);
        }

        return length;
    }

    /// <summary>Reads <paramref name="length"/> raw bytes as a span of the input.</summary>
    /// <param name="length">The byte count.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadSpan(int length) => Take(length);

    /// <summary>Copies <paramref name="destination"/>.Length raw bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">The destination.</param>
    public void ReadExactly(Span<byte> destination) => Take(destination.Length).CopyTo(destination);

    /// <summary>Reads <paramref name="length"/> raw bytes as a byte string (a slice when the reader retains slices, else a copy).</summary>
    /// <param name="length">The byte count.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WireBytes ReadBytes(int length)
    {
        int start = _position;
        var span = Take(length);
        if (length == 0)
        {
            return WireBytes.Empty;
        }

        return _slices ? new WireBytes(_memory.Slice(start, length)) : new WireBytes(span.ToArray());
    }

    /// <summary>Reads a CompactSize length prefix (checked against <paramref name="maxLength"/>) and that many bytes.</summary>
    /// <param name="maxLength">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WireBytes ReadVarBytes(int maxLength, string field) => ReadBytes(ReadLength(maxLength, field));

    /// <summary>Reads a CompactSize length prefix (checked to lie within <paramref name="minLength"/> and <paramref name="maxLength"/>) and that many bytes.</summary>
    /// <param name="minLength">The field's smallest length.</param>
    /// <param name="maxLength">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    public WireBytes ReadVarBytes(int minLength, int maxLength, string field) => ReadBytes(ReadLength(minLength, maxLength, field));

    /// <summary>Reads a CompactSize length prefix (checked to lie within <paramref name="minLength"/> and <paramref name="maxLength"/>) and that many bytes as UTF-8 text, as <see cref="ReadVarString(int, string)"/> does.</summary>
    /// <param name="minLength">The field's smallest length in bytes.</param>
    /// <param name="maxLength">The field's limit in bytes.</param>
    /// <param name="field">The field name, for the error message.</param>
    public string ReadVarString(int minLength, int maxLength, string field)
    {
        int length = ReadLength(minLength, maxLength, field);
        return length == 0 ? string.Empty : WireText.Utf8.GetString(Take(length));
    }

    /// <summary>
    /// Reads a CompactSize length prefix (checked against <paramref name="maxLength"/>) and that many bytes as UTF-8
    /// text. Text from peers is only ever displayed, so invalid UTF-8 does not fail the message: each invalid sequence
    /// becomes one '?'. That is one byte for one or more, so the text always encodes again within
    /// <paramref name="maxLength"/> (U+FFFD would take three bytes for one: a 256-byte user agent of invalid bytes
    /// decoded to text that could not be encoded, found by fuzzing; docs/fuzzing.md).
    /// </summary>
    /// <param name="maxLength">The field's limit in bytes.</param>
    /// <param name="field">The field name, for the error message.</param>
    public string ReadVarString(int maxLength, string field)
    {
        int length = ReadLength(maxLength, field);
        return length == 0 ? string.Empty : WireText.Utf8.GetString(Take(length));
    }

    /// <summary>Returns the bytes consumed since <paramref name="start"/> (a slice when the reader retains slices, else a copy).</summary>
    /// <param name="start">An earlier <see cref="Position"/>.</param>
    public readonly WireBytes SliceFrom(int start)
    {
        int length = _position - start;
        return _slices ? new WireBytes(_memory.Slice(start, length)) : new WireBytes(_span.Slice(start, length).ToArray());
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    /// <param name="count">The byte count.</param>
    public void Skip(int count) => Take(count);

    /// <summary>Throws unless every byte has been consumed.</summary>
    public readonly void EnsureEnd()
    {
        if (!End)
        {
            WireThrow.Invalid($"{Remaining} unexpected trailing byte(s)");
        }
    }
}

/// <summary>The text encoding of peers' strings.</summary>
internal static class WireText
{
    /// <summary>UTF-8 that decodes each invalid sequence as one '?' (never longer than the bytes it replaces).</summary>
    public static readonly Encoding Utf8 = Encoding.GetEncoding(Encoding.UTF8.CodePage, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("?"));
}
