using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Cli.Tests;

public class ErrorTests
{
    [Fact]
    public void Missing_file_exits_3_with_one_line()
    {
        string path = Path.Combine(Path.GetTempPath(), "protogen-no-such-file-" + Guid.NewGuid().ToString("N"));

        Cli.Run("decode", path).AssertFailure(3, $"cannot read '{path}': no such file");
    }

    [Fact]
    public void Directory_exits_3_with_one_line()
    {
        Cli.Run("decode", AppContext.BaseDirectory).AssertFailure(3, "is a directory");
    }

    [Fact]
    public void Block_cut_in_half_exits_4_with_one_line()
    {
        var block = TestData.Read(TestData.Block413567);
        using var file = new TempFile(block[..(block.Length / 2)]);

        var result = Cli.Run("decode", file.Path);

        result.AssertFailure(4, "not a blk file, P2P message, block or transaction (499943 bytes; as a block:");
    }

    [Fact]
    public void Block_with_a_trailing_byte_exits_4()
    {
        using var file = new TempFile([.. TestData.Read(TestData.Block413567), 0]);

        Cli.Run("decode", file.Path).AssertFailure(4, "trailing byte");
    }

    [Fact]
    public void Garbage_exits_4_with_one_line()
    {
        var garbage = new byte[4096];
        new Random(20240601).NextBytes(garbage);
        using var file = new TempFile(garbage);

        Cli.Run("decode", file.Path).AssertFailure(4, "not a blk file, P2P message, block or transaction");
    }

    [Fact]
    public void Empty_input_exits_4()
    {
        using var file = new TempFile([]);

        Cli.Run("decode", file.Path).AssertFailure(4, "input is empty");
        Cli.RunWithInput([], "decode", "-").AssertFailure(4, "<stdin>: input is empty");
    }

    [Fact]
    public void Truncated_blk_file_exits_4()
    {
        var blk = TestData.Read(TestData.Blocks1To255);
        using var file = new TempFile(blk[..^10]);

        Cli.Run("decode", file.Path).AssertFailure(4, "truncated");
    }

    [Fact]
    public void Blk_file_with_a_corrupt_block_names_the_block_and_offset()
    {
        var blk = TestData.Read(TestData.Blocks1To255);
        var records = BlockFile.Split(blk, BitcoinNetwork.Mainnet.Magic);
        int offset = 8 + records[0].Length;

        // Block 2's transaction count becomes 0xfd with no following bytes that fit: the record no longer decodes.
        blk[offset + 8 + 80] = 0xff;
        using var file = new TempFile(blk);

        Cli.Run("decode", file.Path).AssertFailure(4, $"block 2 at offset {offset}:");
    }

    [Fact]
    public void Framed_message_with_a_bad_checksum_exits_4()
    {
        var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, new PingMessage { Nonce = 1 });
        frame[^1] ^= 0x01;
        using var file = new TempFile(frame);

        Cli.Run("decode", file.Path).AssertFailure(4, "'ping' message at offset 0: checksum");
    }

    [Fact]
    public void Truncated_framed_message_exits_4()
    {
        var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, new PingMessage { Nonce = 1 });
        using var file = new TempFile(frame[..^3]);

        Cli.Run("decode", file.Path).AssertFailure(4, "payload truncated (5 of 8 bytes)");
    }

    [Fact]
    public void Framed_message_whose_payload_does_not_decode_exits_4()
    {
        // An inv claiming 3 items with none present, under a correct checksum.
        byte[] payload = [3];
        byte[] frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(BitcoinNetwork.Mainnet.Magic, InvMessage.Command, payload.Length, DoubleSha256.Checksum(payload)).WriteTo(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        using var file = new TempFile(frame);

        Cli.Run("decode", file.Path).AssertFailure(4, "'inv' message at offset 0:");
    }

    [Fact]
    public void Network_option_rejects_another_networks_magic()
    {
        using var file = new TempFile(Frame.ToArray(BitcoinNetwork.Testnet3.Magic, new VerAckMessage()));

        Cli.Run("decode", "--network", "mainnet", file.Path).AssertFailure(4, "starts with the testnet3 magic 0b110907, not the mainnet magic f9beb4d9");
    }

    [Fact]
    public void Every_single_byte_corruption_of_a_block_is_decoded_or_rejected_cleanly()
    {
        var records = BlockFile.Split(TestData.Read(TestData.Blocks1To255), BitcoinNetwork.Mainnet.Magic);
        var block170 = records[169].ToArray();
        for (int i = 0; i < block170.Length; i++)
        {
            var corrupt = (byte[])block170.Clone();
            corrupt[i] ^= 0xa5;
            var result = Cli.RunWithInput(corrupt, "decode", "-");
            if (result.ExitCode != 0)
            {
                result.AssertFailure(4, "<stdin>:");
            }
        }
    }

    [Fact]
    public void Every_prefix_of_a_block_is_rejected_cleanly()
    {
        var records = BlockFile.Split(TestData.Read(TestData.Blocks1To255), BitcoinNetwork.Mainnet.Magic);
        var block170 = records[169].ToArray();
        for (int length = 1; length < block170.Length; length++)
        {
            var result = Cli.RunWithInput(block170[..length], "decode", "-");
            Assert.NotEqual(1, result.ExitCode);
            if (result.ExitCode != 0)
            {
                result.AssertFailure(4, "<stdin>:");
            }
        }
    }
}
