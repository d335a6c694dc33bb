using ProtoGen.Bitcoin.Framing;
using static ProtoGen.Bitcoin.Tests.GoldenVectors.GoldenData;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>
/// Golden byte vectors for whole frames (header and payload). Each vector is assembled field by field from the
/// documented layout (Bitcoin Core's serialization, the BIPs' examples, btcd's wire tests as facts), and each test
/// asserts both the frame's bytes and the header parsed back from them.
/// </summary>
public sealed class FrameGoldenTests
{
    [Fact]
    public void Frame_verack()
        => AssertFrame(new VerAckMessage(), "f9beb4d9" + "76657261636b000000000000" + "00000000" + "5df6e0e2");

    [Fact]
    public void Frame_ping()
        => AssertFrame(new PingMessage { Nonce = 0x0123456789abcdef }, "f9beb4d9" + "70696e670000000000000000" + "08000000" + "33bc15e5" + "efcdab8967452301");

    [Fact]
    public void Frame_sendcmpct()
        => AssertFrame(new SendCmpctMessage { HighBandwidth = true, Version = 2 }, "f9beb4d9" + "73656e64636d706374000000" + "09000000" + "5f09f00d" + "010200000000000000");

    [Fact]
    public void Frame_feature()
        => AssertFrame(new FeatureMessage { FeatureId = "BIP434"u8.ToArray() }, "f9beb4d9" + "666561747572650000000000" + "08000000" + "f6290655" + "06" + "424950343334" + "00");

    [Fact]
    public void Frame_feefilter()
        => AssertFrame(new FeeFilterMessage { FeeRate = 1000 }, "f9beb4d9" + "66656566696c746572000000" + "08000000" + "e80fd19f" + "e803000000000000");

    [Fact]
    public void Frame_version()
        => AssertFrame(
            VersionAt(4),
            "f9beb4d9" + "76657273696f6e0000000000" + "66000000" + "e0ea1114"
            + VersionToAddrRecv + VersionAddrFromAndNonce + VersionUserAgent + VersionStartHeight + VersionRelay);

    private static void AssertFrame(IMessage message, string hex)
    {
        var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, message);
        Assert.Equal(hex, Convert.ToHexStringLower(frame));
        var header = FrameHeader.Parse(frame, BitcoinNetwork.Mainnet.Magic);
        Assert.Equal(message.Command, header.Command);
        Assert.Equal(frame.Length - FrameHeader.Size, header.PayloadLength);
        Assert.Equal(DoubleSha256.Checksum(frame.AsSpan(FrameHeader.Size)), header.Checksum);
    }
}
