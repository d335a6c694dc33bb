using System;
using System.Buffers.Binary;
using System.Text;

namespace ProtoGen;

/// <summary>
/// The 12-byte command field of a message header: printable ASCII padded with NUL bytes. Held as two integers so
/// that comparing and switching on it costs two integer compares and never builds a string.
/// </summary>
public readonly struct MessageCommand : IEquatable<MessageCommand>
{
    /// <summary>The command field's size in bytes.</summary>
    public const int Size = 12;

    /// <summary>Creates a command from its raw little-endian parts (bytes 0-7 and 8-11); used by generated code.</summary>
    /// <param name="head">Bytes 0 to 7, little-endian.</param>
    /// <param name="tail">Bytes 8 to 11, little-endian.</param>
    public MessageCommand(ulong head, uint tail)
    {
        Head = head;
        Tail = tail;
    }

    /// <summary>Bytes 0 to 7 as a little-endian integer.</summary>
    public ulong Head { get; }

    /// <summary>Bytes 8 to 11 as a little-endian integer.</summary>
    public uint Tail { get; }

    /// <summary>Reads a command field from 12 bytes without validating it.</summary>
    /// <param name="bytes">At least 12 bytes.</param>
    public static MessageCommand FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(8)));

    /// <summary>Creates a command from its name.</summary>
    /// <param name="name">1 to 12 printable ASCII characters.</param>
    /// <exception cref="ArgumentException">The name is empty, too long or not printable ASCII.</exception>
    public static MessageCommand Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > Size)
        {
            throw new ArgumentException("a command name has 1 to 12 characters", nameof(name));
        }

        Span<byte> bytes = stackalloc byte[Size];
        bytes.Clear();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException("a command name is printable ASCII", nameof(name));
            }

            bytes[i] = (byte)c;
        }

        return FromBytes(bytes);
    }

    /// <summary>
    /// Whether the field is well formed as Bitcoin Core checks it: printable ASCII characters, then only NUL bytes.
    /// An all-NUL field is not valid.
    /// </summary>
    public bool IsValid
    {
        get
        {
            Span<byte> bytes = stackalloc byte[Size];
            WriteTo(bytes);
            int i = 0;
            while (i < Size && bytes[i] != 0)
            {
                if (bytes[i] is < 0x20 or > 0x7E)
                {
                    return false;
                }

                i++;
            }

            if (i == 0)
            {
                return false;
            }

            for (; i < Size; i++)
            {
                if (bytes[i] != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Writes the 12 bytes.</summary>
    /// <param name="destination">At least 12 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Head);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(8), Tail);
    }

    /// <summary>The command name (the bytes up to the first NUL; non-printable bytes shown as '?').</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        int length = bytes.IndexOf((byte)0);
        if (length < 0)
        {
            length = Size;
        }

        var text = new StringBuilder(length);
        foreach (byte b in bytes.Slice(0, length))
        {
            text.Append(b is >= 0x20 and <= 0x7E ? (char)b : '?');
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(MessageCommand other) => Head == other.Head && Tail == other.Tail;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MessageCommand other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Head, Tail);

    /// <summary>Equality.</summary>
    public static bool operator ==(MessageCommand left, MessageCommand right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MessageCommand left, MessageCommand right) => !left.Equals(right);
}
