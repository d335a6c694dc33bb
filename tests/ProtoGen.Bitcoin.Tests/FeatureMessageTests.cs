using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// BIP434's <c>feature</c> message: a CompactSize-prefixed id of 4 to 80 bytes and CompactSize-prefixed data of at most
/// 512 bytes. The lengths are the BIP's MUSTs, enforced by the generated decoder and encoder from the schema's
/// <c>[MaxLength(80, MinLength = 4)]</c> and <c>[MaxLength(512)]</c>; the boundaries are those Bitcoin Core's
/// p2p_bip434_feature test checks (ids of 0, 3, 4, 80 and 81 bytes, data of 0, 512 and 513 bytes).
/// </summary>
public class FeatureMessageTests
{
    private static string Ascii(string text) => Convert.ToHexStringLower(System.Text.Encoding.ASCII.GetBytes(text));

    private static string Repeat(string hex, int count) => string.Concat(Enumerable.Repeat(hex, count));

    [Fact]
    public void A_feature_without_data_is_the_id_then_an_empty_vector()
        => Golden(new FeatureMessage { FeatureId = "BIP434"u8.ToArray() }, Hex("06", Ascii("BIP434"), "00"));

    [Fact]
    public void A_feature_with_data_carries_it_length_prefixed()
        => Golden(new FeatureMessage { FeatureId = "BIP434v2"u8.ToArray(), Data = new byte[] { 1, 2, 3 } }, Hex("08", Ascii("BIP434v2"), "03", "010203"));

    [Fact]
    public void The_longest_id_and_the_largest_data_are_accepted()
    {
        var bytes = Hex("50", Repeat("61", 80), "fd0002", Repeat("00", 512));
        Golden(new FeatureMessage { FeatureId = Enumerable.Repeat((byte)'a', 80).ToArray(), Data = new byte[512] }, bytes);
    }

    [Fact]
    public void The_shortest_id_is_four_bytes()
        => Golden(new FeatureMessage { FeatureId = "BIP1"u8.ToArray() }, Hex("04", Ascii("BIP1"), "00"));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void An_id_shorter_than_four_bytes_is_rejected(int length)
    {
        var error = Rejects<FeatureMessage>(Hex(length.ToString("x2", System.Globalization.CultureInfo.InvariantCulture), Repeat("61", length), "00"), ProtocolError.ValueOutOfRange);
        Assert.Contains("FeatureId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_of_81_bytes_is_rejected_before_it_is_read()
        => Rejects<FeatureMessage>(Hex("51", Repeat("61", 81), "00"), ProtocolError.LengthTooLarge);

    [Fact]
    public void Data_of_513_bytes_is_rejected()
        => Rejects<FeatureMessage>(Hex("04", Ascii("abcd"), "fd0102", Repeat("00", 513)), ProtocolError.LengthTooLarge);

    [Fact]
    public void A_huge_announced_data_length_is_rejected_without_allocating()
        => Rejects<FeatureMessage>(Hex("04", Ascii("abcd"), "fe00000002"), ProtocolError.LengthTooLarge);

    [Fact]
    public void Truncated_ids_and_data_are_rejected()
    {
        Rejects<FeatureMessage>(Hex("0a", Ascii("abcde")), ProtocolError.Truncated);
        Rejects<FeatureMessage>(Hex("04", Ascii("abcd"), "0a", "7878"), ProtocolError.Truncated);
        Rejects<FeatureMessage>(Hex("04", Ascii("abcd")), ProtocolError.Truncated);
    }

    [Fact]
    public void A_non_ascii_id_decodes_byte_for_byte()
    {
        // BIP434 asks for printable ASCII with a SHOULD, and Bitcoin Core accepts other bytes: the message decodes,
        // and the peer core then ignores the feature (no feature of ours can have such an id).
        var message = WireSerializer.Decode<FeatureMessage>(Hex("04", "00ff017f", "00").AsSpan());
        Assert.Equal(new byte[] { 0x00, 0xff, 0x01, 0x7f }, message.FeatureId.ToArray());
    }

    [Fact]
    public void The_encoder_refuses_what_the_decoder_would_reject()
    {
        var shortId = Assert.Throws<ProtocolException>(() => WireSerializer.Encode(new FeatureMessage { FeatureId = "BIP"u8.ToArray() }));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, shortId.Error);
        var longId = Assert.Throws<ProtocolException>(() => WireSerializer.Encode(new FeatureMessage { FeatureId = new byte[81] }));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, longId.Error);
        var bigData = Assert.Throws<ProtocolException>(() => WireSerializer.Encode(new FeatureMessage { FeatureId = "abcd"u8.ToArray(), Data = new byte[513] }));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, bigData.Error);
    }

    [Fact]
    public void The_catalogue_records_version_70017_and_both_limits()
    {
        var descriptor = FeatureMessage.Descriptor;
        Assert.Equal(ProtocolVersions.Bip434, descriptor.MinProtocolVersion);
        Assert.Equal(70017, ProtocolVersions.Bip434);
        Assert.Equal("FeatureId: 4 to 80 bytes; Data: at most 512 bytes", descriptor.Limits);
    }
}
