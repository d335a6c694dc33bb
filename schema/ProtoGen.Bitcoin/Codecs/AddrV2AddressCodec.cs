using System.Globalization;

namespace ProtoGen.Bitcoin;

/// <summary>
/// The escape hatch for BIP155 addresses: a network id byte, then a CompactSize length (at most 512) and the bytes,
/// whose length must match the network when the network is known. Unknown networks keep their bytes (Bitcoin Core
/// skips them without failing the message). Tor v2 (id 3) counts as unknown here, as in Bitcoin Core since it dropped
/// Tor v2: its length is not checked.
/// </summary>
public static class AddrV2AddressCodec
{
    /// <summary>Reads one address.</summary>
    /// <param name="reader">The reader.</param>
    public static AddrV2Address Read(ref WireReader reader)
    {
        var network = (AddressNetwork)reader.ReadByte();
        int length = reader.ReadLength(ProtocolLimits.MaxAddrV2AddressLength, "Address");
        int expected = network == AddressNetwork.TorV2 ? -1 : AddrV2Address.ExpectedLength(network);
        if (expected >= 0 && length != expected)
        {
            throw new ProtocolException(ProtocolError.InvalidValue, string.Create(CultureInfo.InvariantCulture, $"BIP155 {network} address with length {length} (should be {expected})"));
        }

        return new AddrV2Address(network, reader.ReadBytes(length));
    }

    /// <summary>Writes one address.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The address.</param>
    public static void Write(ref WireWriter writer, AddrV2Address value)
    {
        writer.WriteByte((byte)value.Network);
        writer.WriteVarBytes(value.Bytes.Span, ProtocolLimits.MaxAddrV2AddressLength, "Address");
    }

    /// <summary>The encoded size of one address.</summary>
    /// <param name="value">The address.</param>
    /// <param name="context">The encoding context.</param>
    public static int GetEncodedSize(AddrV2Address value, WireContext context) => 1 + WireWriter.GetVarBytesSize(value.Bytes.Length);
}
