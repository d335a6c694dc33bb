using System.Buffers.Binary;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>Every network's magic prints one way, the hex of its wire bytes, wherever it is printed.</summary>
public class MagicFormatTests
{
    [Theory]
    [InlineData("mainnet", "f9beb4d9")]
    [InlineData("testnet3", "0b110907")]
    [InlineData("testnet4", "1c163f28")]
    [InlineData("signet", "0a03cf40")]
    [InlineData("regtest", "fabfb5da")]
    public void Magic_prints_as_the_first_four_bytes_of_a_frame(string name, string expected)
    {
        Assert.True(BitcoinNetwork.TryGet(name, out var network));
        var frame = Frame.ToArray(network.Magic, new VerAckMessage());

        Assert.Equal(expected, network.MagicHex);
        Assert.Equal(Convert.ToHexStringLower(frame.AsSpan(0, 4)), network.MagicHex);
        Assert.Equal(network.MagicHex, BitcoinNetwork.FormatMagic(network.Magic));
        Assert.Equal(network.MagicHex, WireHex.OfUInt32LittleEndian(network.Magic));
        Assert.Same(network, BitcoinNetwork.FindByMagic(BinaryPrimitives.ReadUInt32LittleEndian(frame)));
    }

    [Fact]
    public void An_unknown_magic_is_found_nowhere()
    {
        Assert.Null(BitcoinNetwork.FindByMagic(0x12345678));
    }

    [Fact]
    public void Blk_file_and_frame_errors_print_magics_like_the_networks_do()
    {
        var blk = TestData.Read("blocks1-255.blk");
        var blkError = Assert.Throws<ProtocolException>(() => BlockFile.Split(blk, BitcoinNetwork.Regtest.Magic));
        Assert.Contains($"magic {BitcoinNetwork.Mainnet.MagicHex}, expected {BitcoinNetwork.Regtest.MagicHex}", blkError.Message, StringComparison.Ordinal);

        var frame = Frame.ToArray(BitcoinNetwork.Testnet4.Magic, new VerAckMessage());
        var frameError = Assert.Throws<ProtocolException>(() => FrameHeader.Parse(frame, BitcoinNetwork.Signet.Magic));
        Assert.Contains($"wrong network magic {BitcoinNetwork.Testnet4.MagicHex} (expected {BitcoinNetwork.Signet.MagicHex})", frameError.Message, StringComparison.Ordinal);
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
