using System;
using System.Buffers;
using System.Globalization;

namespace ProtoGen;

/// <summary>Encodes and decodes whole values of any <see cref="IWireSerializable{TSelf}"/> type, with no reflection.</summary>
public static class WireSerializer
{
    /// <summary>
    /// Decodes one value that must fill <paramref name="data"/> exactly, on the fast path of
    /// <see cref="Decode{T}(ReadOnlyMemory{byte}, WireContext)"/>: byte strings (scripts, witness items) are slices of
    /// the array, which the caller must not change afterwards. Without this overload a <c>byte[]</c> would bind to the
    /// span overload and every byte string would be copied. To get copies, pass <c>data.AsSpan()</c>.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="data">The encoded value.</param>
    /// <param name="context">The encoding context.</param>
    /// <exception cref="ProtocolException">The input is malformed, breaks a limit, or has bytes left over.</exception>
    public static T Decode<T>(byte[] data, WireContext context = default)
        where T : IWireSerializable<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        return Decode<T>(new ReadOnlyMemory<byte>(data), context);
    }

    /// <summary>
    /// Decodes one value that must fill <paramref name="data"/> exactly. Byte strings are copied out of the span (the
    /// slow path: prefer the <see cref="ReadOnlyMemory{T}"/> or <c>byte[]</c> overload when the bytes can be kept).
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="data">The encoded value.</param>
    /// <param name="context">The encoding context.</param>
    /// <exception cref="ProtocolException">The input is malformed, breaks a limit, or has bytes left over.</exception>
    public static T Decode<T>(ReadOnlySpan<byte> data, WireContext context = default)
        where T : IWireSerializable<T>
    {
        var reader = new WireReader(data, context);
        var value = T.Read(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>
    /// Decodes one value that must fill <paramref name="data"/> exactly. Byte strings (scripts, witness items) are
    /// slices of <paramref name="data"/>, which the caller must not change afterwards.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="data">The encoded value.</param>
    /// <param name="context">The encoding context.</param>
    /// <exception cref="ProtocolException">The input is malformed, breaks a limit, or has bytes left over.</exception>
    public static T Decode<T>(ReadOnlyMemory<byte> data, WireContext context = default)
        where T : IWireSerializable<T>
    {
        var reader = new WireReader(data, context, retainSlices: true);
        var value = T.Read(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>Encodes <paramref name="value"/> into a new array of exactly its size.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="context">The encoding context.</param>
    public static byte[] Encode<T>(T value, WireContext context = default)
        where T : IWireSerializable<T>
    {
        int size = T.GetEncodedSize(value, context);
        var bytes = new byte[size];
        var writer = new WireWriter(bytes, context);
        try
        {
            T.Write(ref writer, value);
        }
        catch (ArgumentException ex)
        {
            // The array is exactly the measured size: overflowing it means the size function under-measured.
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name}: encoded more than the {size} bytes measured"), ex);
        }

        Check<T>(writer.BytesWritten, size);
        return bytes;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="destination"/>, whose length is the size
    /// <see cref="IMessage.GetEncodedSize"/> measured in the same context: the way a transport writes a payload
    /// straight into its frame or packet. A size function that disagrees with the encoder throws rather than leave a
    /// frame whose length field lies.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">Exactly the measured number of bytes.</param>
    /// <param name="context">The encoding context.</param>
    /// <exception cref="InvalidOperationException">The message encoded more or fewer bytes than measured.</exception>
    public static void EncodeExactly(IMessage message, Span<byte> destination, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = new WireWriter(destination, context);
        try
        {
            message.WriteTo(ref writer);
        }
        catch (ArgumentException ex)
        {
            // The span is exactly the measured size: overflowing it means the size function under-measured.
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{message.Command}: encoded more than the {destination.Length} bytes measured"), ex);
        }

        if (writer.BytesWritten != destination.Length)
        {
            // A size function that disagrees with its encoder would desynchronise the stream: never send such a frame.
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{message.Command}: encoded {writer.BytesWritten} bytes but measured {destination.Length}"));
        }
    }

    /// <summary>Encodes <paramref name="value"/> onto <paramref name="output"/> and returns the bytes written.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="output">The destination.</param>
    /// <param name="context">The encoding context.</param>
    public static int Encode<T>(T value, IBufferWriter<byte> output, WireContext context = default)
        where T : IWireSerializable<T>
    {
        int size = T.GetEncodedSize(value, context);
        var writer = new WireWriter(output, context, size);
        T.Write(ref writer, value);
        writer.Flush();
        Check<T>(writer.BytesWritten, size);
        return size;
    }

    /// <summary>The exact encoded size of <paramref name="value"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="context">The encoding context.</param>
    public static int GetEncodedSize<T>(T value, WireContext context = default)
        where T : IWireSerializable<T> => T.GetEncodedSize(value, context);

    private static void Check<T>(long written, int measured)
    {
        if (written != measured)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name}: encoded {written} bytes but measured {measured}"));
        }
    }
}
