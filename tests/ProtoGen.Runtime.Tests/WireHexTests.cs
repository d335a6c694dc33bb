using System.Buffers.Binary;
using ProtoGen.Framing;

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

    [Fact]
    public void Wrong_magic_error_prints_both_magics_in_wire_order()
    {
        var header = new byte[FrameHeader.Size];
        new FrameHeader(0xDAB5BFFA, MessageCommand.Parse("ping"), 0, 0).WriteTo(header);
        Assert.Equal("fabfb5da", Convert.ToHexStringLower(header.AsSpan(0, 4)));

        var error = Assert.Throws<ProtocolException>(() => FrameHeader.Parse(header, 0xD9B4BEF9));

        Assert.Equal(ProtocolError.BadMagic, error.Error);
        Assert.Contains("wrong network magic fabfb5da (expected f9beb4d9)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frame_header_prints_magic_and_checksum_as_wire_bytes()
    {
        var text = new FrameHeader(0xD9B4BEF9, MessageCommand.Parse("verack"), 0, 0xE2E0F65D).ToString();

        Assert.Equal("FrameHeader { Magic = f9beb4d9, Command = verack, PayloadLength = 0, Checksum = 5df6e0e2 }", text);
    }
}
