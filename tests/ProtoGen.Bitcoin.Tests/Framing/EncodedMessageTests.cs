using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Bitcoin.Tests.Framing;

/// <summary>EncodedMessage: the same frames as the message it wraps, encoded once per context however many frames or threads ask.</summary>
public class EncodedMessageTests
{
    private static readonly uint Magic = BitcoinNetwork.Mainnet.Magic;

    [Fact]
    public void Frames_equal_those_of_the_wrapped_message_in_each_context_and_each_context_is_encoded_once()
    {
        var block = WireSerializer.Decode<Block>(TestData.Read(TestData.SegwitBlockFile("0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2")).AsMemory());
        var encoded = new EncodedMessage(block);
        Assert.Equal(0, encoded.EncodingCount);
        var witness = new WireContext(70016);
        var stripped = new WireContext(70016, WireFlags.NoWitness);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Frame.ToArray(Magic, block, witness), Frame.ToArray(Magic, encoded, witness));
            Assert.Equal(Frame.ToArray(BitcoinNetwork.Regtest.Magic, block, witness), Frame.ToArray(BitcoinNetwork.Regtest.Magic, encoded, witness));
        }

        Assert.Equal(1, encoded.EncodingCount);
        Assert.Equal(Frame.ToArray(Magic, block, stripped), Frame.ToArray(Magic, encoded, stripped));
        Assert.Equal(2, encoded.EncodingCount);
        Assert.True(encoded.GetEncodedSize(stripped) < encoded.GetEncodedSize(witness));
        Assert.Equal(WireSerializer.Encode(block, stripped), encoded.GetPayload(stripped).ToArray());
        Assert.Equal(Block.Command, encoded.Command);
        Assert.Same(block, new EncodedMessage(encoded).Message);
    }

    [Fact]
    public void Threads_asking_together_share_one_encoding()
    {
        var encoded = new EncodedMessage(new PingMessage { Nonce = 5 });
        var checksums = new uint[8];
        Parallel.For(0, checksums.Length, i => checksums[i] = encoded.GetChecksum(WireContext.Default));
        Assert.Equal(1, encoded.EncodingCount);
        Assert.All(checksums, c => Assert.Equal(DoubleSha256.Checksum(WireSerializer.Encode(new PingMessage { Nonce = 5 })), c));
    }

    [Fact]
    public void A_frame_measured_in_another_context_is_refused()
    {
        var block = WireSerializer.Decode<Block>(TestData.Read(TestData.SegwitBlockFile("0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2")).AsMemory());
        var encoded = new EncodedMessage(block);
        int strippedLength = encoded.GetEncodedSize(new WireContext(0, WireFlags.NoWitness));
        var destination = new byte[FrameHeader.Size + strippedLength];
        Assert.Throws<InvalidOperationException>(() => Frame.Write(destination, Magic, encoded, WireContext.Default, strippedLength));
    }
}
