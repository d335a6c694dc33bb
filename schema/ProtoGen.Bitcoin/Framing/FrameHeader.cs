using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ProtoGen.Bitcoin.Framing;

/// <summary>
/// The 24-byte v1 message header: network magic (4 bytes), command (12 bytes), payload length (4 bytes,
/// little-endian) and checksum (the first 4 bytes of the payload's double SHA-256).
/// </summary>
/// <param name="Magic">The network magic, as the little-endian integer of its 4 wire bytes.</param>
/// <param name="Command">The command field.</param>
/// <param name="PayloadLength">The payload length in bytes.</param>
/// <param name="Checksum">The checksum, as the little-endian integer of its 4 wire bytes.</param>
public readonly record struct FrameHeader(uint Magic, MessageCommand Command, int PayloadLength, uint Checksum)
{
    /// <summary>The header size in bytes.</summary>
    public const int Size = 24;

    /// <summary>Writes the 24 bytes.</summary>
    /// <param name="destination">At least 24 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        Command.WriteTo(destination.Slice(4));
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(16), PayloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(20), Checksum);
    }

    /// <summary>
    /// Parses and validates a header: the magic must be <paramref name="expectedMagic"/> and the length at most
    /// <paramref name="maxPayloadLength"/> (both fatal for the connection, as in Bitcoin Core). The command is not
    /// checked here: see <see cref="MessageCommand.IsValid"/>. Nothing is allocated.
    /// </summary>
    /// <param name="source">At least 24 bytes.</param>
    /// <param name="expectedMagic">The network's magic.</param>
    /// <param name="maxPayloadLength">The largest payload accepted.</param>
    /// <exception cref="ProtocolException">The header is invalid.</exception>
    public static FrameHeader Parse(ReadOnlySpan<byte> source, uint expectedMagic, int maxPayloadLength = ProtocolLimits.MaxMessagePayload)
    {
        if (source.Length < Size)
        {
            WireThrow.Truncated(Size, source.Length);
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (magic != expectedMagic)
        {
            throw new ProtocolException(ProtocolError.BadMagic, $"wrong network magic {WireHex.OfUInt32LittleEndian(magic)} (expected {WireHex.OfUInt32LittleEndian(expectedMagic)})");
        }

        var command = MessageCommand.FromBytes(source.Slice(4));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(16));
        if (length > (uint)maxPayloadLength)
        {
            throw new ProtocolException(ProtocolError.PayloadTooLarge, string.Create(CultureInfo.InvariantCulture, $"{command}: payload length {length} exceeds the limit {maxPayloadLength}"));
        }

        return new FrameHeader(magic, command, (int)length, BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(20)));
    }

    // ToString: the magic and checksum as their wire bytes (f9beb4d9), as everywhere else, not as decimal integers.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Magic = {WireHex.OfUInt32LittleEndian(Magic)}, Command = {Command}, PayloadLength = {PayloadLength}, Checksum = {WireHex.OfUInt32LittleEndian(Checksum)}");
        return true;
    }
}
