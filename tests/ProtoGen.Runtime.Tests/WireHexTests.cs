using System.Buffers.Binary;

namespace ProtoGen.Runtime.Tests;

/// <summary>Four-byte wire fields (magics, checksums) print as their bytes in wire order, in every message.</summary>
public class WireHexTests
{
    [Theory]
    [InlineData(new byte[] { 0xf9, 0xbe, 0xb4, 0xd9 }, "f9beb4d9")]
    [InlineData(new byte[] { 0xfa, 0xbf, 0xb5, 0xda }, "fabfb5da")]
    [InlineData(new byte[] { 0x0b, 0x11, 0x09, 0x07 }, "0b110907")]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x01 }, "00000001")]
    public void A_little_endian_field_prints_as_its_wire_bytes(byte[] wire, string expected)
    {
        Assert.Equal(expected, WireHex.OfUInt32LittleEndian(BinaryPrimitives.ReadUInt32LittleEndian(wire)));
        Assert.Equal(Convert.ToHexStringLower(wire), WireHex.OfUInt32LittleEndian(BinaryPrimitives.ReadUInt32LittleEndian(wire)));
    }
}
