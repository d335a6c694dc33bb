using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace ProtoGen;

/// <summary>
/// A forward-only writer of wire data onto an <see cref="IBufferWriter{T}"/> (or a fixed span). Integers are
/// little-endian through <see cref="BinaryPrimitives"/>; the fast path writes into the span already obtained from
/// the buffer writer and asks for more only when it runs out. Call <see cref="Flush"/> when done.
/// </summary>
public ref struct WireWriter
{
    private const int MinimumBufferSize = 256;

    private readonly IBufferWriter<byte>? _output;
    private Span<byte> _buffer;
    private int _buffered;
    private long _committed;

    /// <summary>Writes onto a buffer writer.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="context">The encoding context (protocol version, flags).</param>
    /// <param name="sizeHint">The number of bytes expected, so that the first buffer is large enough.</param>
    public WireWriter(IBufferWriter<byte> output, WireContext context = default, int sizeHint = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _buffer = sizeHint > 0 ? output.GetSpan(sizeHint) : default;
        _buffered = 0;
        _committed = 0;
        Context = context;
    }

    /// <summary>Writes into a fixed span; writing past its end throws <see cref="ArgumentException"/>.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="context">The encoding context (protocol version, flags).</param>
    public WireWriter(Span<byte> destination, WireContext context = default)
    {
        _output = null;
        _buffer = destination;
        _buffered = 0;
        _committed = 0;
        Context = context;
    }

    /// <summary>The encoding context.</summary>
    public WireContext Context { get; }

    /// <summary>Total bytes written.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    /// <summary>Commits buffered bytes to the buffer writer.</summary>
    public void Flush()
    {
        if (_output is not null && _buffered > 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
            _buffer = default;
            _buffered = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _buffered < count)
        {
            Grow(count);
        }

        var span = _buffer.Slice(_buffered, count);
        _buffered += count;
        return span;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        if (_output is null)
        {
            throw new ArgumentException("the destination span is too small for the encoded value");
        }

        Flush();
        _buffer = _output.GetSpan(Math.Max(count, MinimumBufferSize));
        if (_buffer.Length < count)
        {
            throw new InvalidOperationException("the buffer writer returned less memory than requested");
        }
    }

    /// <summary>Writes one byte.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value) => Reserve(1)[0] = value;

    /// <summary>Writes a signed byte.</summary>
    /// <param name="value">The value.</param>
    public void WriteSByte(sbyte value) => WriteByte((byte)value);

    /// <summary>Writes a boolean as one byte (0 or 1).</summary>
    /// <param name="value">The value.</param>
    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes a little-endian 16-bit unsigned integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    /// <summary>Writes a little-endian 16-bit signed integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), value);

    /// <summary>Writes a big-endian 16-bit unsigned integer (the port of a network address).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt16BigEndian(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    /// <summary>Writes a little-endian 32-bit unsigned integer.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    /// <summary>Writes a little-endian 32-bit signed integer.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    /// <summary>Writes a little-endian 64-bit unsigned integer.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    /// <summary>Writes a little-endian 64-bit signed integer.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    /// <summary>Writes a 32-byte hash.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteHash256(in Hash256 value) => value.WriteTo(Reserve(Hash256.Size));

    /// <summary>Writes a CompactSize in its canonical (shortest) form.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteCompactSize(ulong value)
    {
        if (value < 0xFD)
        {
            WriteByte((byte)value);
        }
        else
        {
            var span = Reserve(CompactSize.GetEncodedSize(value));
            CompactSize.Write(span, value);
        }
    }

    /// <summary>Writes raw bytes.</summary>
    /// <param name="value">The bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBytes(scoped ReadOnlySpan<byte> value)
    {
        if (value.Length <= _buffer.Length - _buffered)
        {
            value.CopyTo(_buffer.Slice(_buffered));
            _buffered += value.Length;
        }
        else
        {
            WriteBytesSlow(value);
        }
    }

    private void WriteBytesSlow(scoped ReadOnlySpan<byte> value)
    {
        while (!value.IsEmpty)
        {
            if (_buffered == _buffer.Length)
            {
                Grow(Math.Min(value.Length, 4096));
            }

            int chunk = Math.Min(value.Length, _buffer.Length - _buffered);
            value.Slice(0, chunk).CopyTo(_buffer.Slice(_buffered));
            _buffered += chunk;
            value = value.Slice(chunk);
        }
    }

    /// <summary>Writes a CompactSize length prefix and the bytes; throws when longer than <paramref name="maxLength"/>.</summary>
    /// <param name="value">The bytes.</param>
    /// <param name="maxLength">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    public void WriteVarBytes(scoped ReadOnlySpan<byte> value, int maxLength, string field)
    {
        if (value.Length > maxLength)
        {
            WireThrow.EncodeLimit(field, value.Length, maxLength);
        }

        WriteCompactSize((ulong)value.Length);
        WriteBytes(value);
    }

    /// <summary>Writes a CompactSize length prefix and the bytes; throws when shorter than <paramref name="minLength"/> or longer than <paramref name="maxLength"/>.</summary>
    /// <param name="value">The bytes.</param>
    /// <param name="minLength">The field's smallest length.</param>
    /// <param name="maxLength">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    public void WriteVarBytes(scoped ReadOnlySpan<byte> value, int minLength, int maxLength, string field)
    {
        if (value.Length < minLength)
        {
            WireThrow.EncodeBelowMinimum(field, value.Length, minLength);
        }

        WriteVarBytes(value, maxLength, field);
    }

    /// <summary>Writes exactly <paramref name="length"/> raw bytes; throws when <paramref name="value"/> has another length.</summary>
    /// <param name="value">The bytes.</param>
    /// <param name="length">The field's fixed length.</param>
    /// <param name="field">The field name, for the error message.</param>
    public void WriteFixedBytes(scoped ReadOnlySpan<byte> value, int length, string field)
    {
        if (value.Length != length)
        {
            WireThrow.EncodeLimit(field, value.Length, length);
        }

        WriteBytes(value);
    }

    /// <summary>Writes a count prefix for a collection; throws when larger than <paramref name="maxCount"/>.</summary>
    /// <param name="count">The element count.</param>
    /// <param name="maxCount">The field's limit.</param>
    /// <param name="field">The field name, for the error message.</param>
    public void WriteCount(int count, int maxCount, string field)
    {
        if (count > maxCount)
        {
            WireThrow.EncodeLimit(field, count, maxCount);
        }

        WriteCompactSize((ulong)count);
    }

    /// <summary>Writes UTF-8 text with a CompactSize length prefix; throws when longer than <paramref name="maxLength"/> bytes.</summary>
    /// <param name="value">The text.</param>
    /// <param name="maxLength">The field's limit in bytes.</param>
    /// <param name="field">The field name, for the error message.</param>
    public void WriteVarString(string? value, int maxLength, string field)
    {
        value ??= string.Empty;
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > maxLength)
        {
            WireThrow.EncodeLimit(field, length, maxLength);
        }

        WriteCompactSize((ulong)length);
        if (length > 0)
        {
            Encoding.UTF8.GetBytes(value, Reserve(length));
        }
    }

    /// <summary>Writes UTF-8 text with a CompactSize length prefix; throws when its byte length is below <paramref name="minLength"/> or above <paramref name="maxLength"/>.</summary>
    /// <param name="value">The text (null is written as empty).</param>
    /// <param name="minLength">The field's smallest length in bytes.</param>
    /// <param name="maxLength">The field's limit in bytes.</param>
    /// <param name="field">The field name, for the error message.</param>
    public void WriteVarString(string? value, int minLength, int maxLength, string field)
    {
        int length = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
        if (length < minLength)
        {
            WireThrow.EncodeBelowMinimum(field, length, minLength);
        }

        WriteVarString(value, maxLength, field);
    }

    /// <summary>The encoded size of UTF-8 text with its length prefix.</summary>
    /// <param name="value">The text.</param>
    public static int GetVarStringSize(string? value)
    {
        int length = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
        return CompactSize.GetEncodedSize((ulong)length) + length;
    }

    /// <summary>The encoded size of a byte string with its length prefix.</summary>
    /// <param name="length">The byte count.</param>
    public static int GetVarBytesSize(int length) => CompactSize.GetEncodedSize((ulong)length) + length;
}
