namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// The Bitcoin set's catalogue values. The set declares its payload limit (<see cref="ProtocolLimits.MaxMessagePayload"/>)
/// and the generator takes every descriptor's limit from it; these are the values Bitcoin Core's rules give, pinned so
/// that a change in how limits are derived cannot move any of them.
/// </summary>
public class DescriptorTests
{
    /// <summary>Command → (minimum protocol version, largest payload).</summary>
    private static readonly Dictionary<string, (int MinProtocolVersion, int MaxPayloadLength)> Expected = new(StringComparer.Ordinal)
    {
        ["addr"] = (0, ProtocolLimits.MaxMessagePayload),
        ["addrv2"] = (0, ProtocolLimits.MaxMessagePayload),
        ["block"] = (0, ProtocolLimits.MaxMessagePayload),
        ["blocktxn"] = (70014, ProtocolLimits.MaxMessagePayload),
        ["cfcheckpt"] = (0, ProtocolLimits.MaxMessagePayload),
        ["cfheaders"] = (0, ProtocolLimits.MaxMessagePayload),
        ["cfilter"] = (0, ProtocolLimits.MaxMessagePayload),
        ["cmpctblock"] = (70014, ProtocolLimits.MaxMessagePayload),
        ["feature"] = (70017, ProtocolLimits.MaxMessagePayload),
        ["feefilter"] = (70013, 8),
        ["filteradd"] = (70001, ProtocolLimits.MaxMessagePayload),
        ["filterclear"] = (70001, 0),
        ["filterload"] = (70001, ProtocolLimits.MaxMessagePayload),
        ["getaddr"] = (0, 0),
        ["getblocks"] = (0, ProtocolLimits.MaxMessagePayload),
        ["getblocktxn"] = (70014, ProtocolLimits.MaxMessagePayload),
        ["getcfcheckpt"] = (0, 33),
        ["getcfheaders"] = (0, 37),
        ["getcfilters"] = (0, 37),
        ["getdata"] = (0, ProtocolLimits.MaxMessagePayload),
        ["getheaders"] = (0, ProtocolLimits.MaxMessagePayload),
        ["headers"] = (0, ProtocolLimits.MaxMessagePayload),
        ["inv"] = (0, ProtocolLimits.MaxMessagePayload),
        ["mempool"] = (60002, 0),
        ["merkleblock"] = (70001, ProtocolLimits.MaxMessagePayload),
        ["notfound"] = (0, ProtocolLimits.MaxMessagePayload),
        ["ping"] = (0, 8),
        ["pong"] = (60001, 8),
        ["reject"] = (70002, ProtocolLimits.MaxMessagePayload),
        ["sendaddrv2"] = (0, 0),
        ["sendcmpct"] = (70014, 9),
        ["sendheaders"] = (70012, 0),
        ["sendtxrcncl"] = (70016, 12),
        ["tx"] = (0, ProtocolLimits.MaxMessagePayload),
        ["verack"] = (0, 0),
        ["version"] = (0, ProtocolLimits.MaxMessagePayload),
        ["wtxidrelay"] = (70016, 0),
    };

    [Fact]
    public void The_set_declares_Bitcoin_Cores_payload_limit()
    {
        Assert.Equal(4_000_000, ProtocolLimits.MaxMessagePayload);
        var declared = Assert.Single(typeof(BitcoinMessages).GetCustomAttributes(typeof(MessageSetAttribute), inherit: false));
        Assert.Equal(ProtocolLimits.MaxMessagePayload, ((MessageSetAttribute)declared).MaxPayloadLength);
        Assert.NotEqual(MessageSetAttribute.DefaultMaxPayloadLength, ProtocolLimits.MaxMessagePayload);
    }

    [Fact]
    public void Every_descriptor_keeps_its_version_and_payload_limit()
    {
        var actual = BitcoinMessages.Messages.ToDictionary(m => m.Command, m => (m.MinProtocolVersion, m.MaxPayloadLength), StringComparer.Ordinal);
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(Expected, e => Assert.True(e.Value == actual[e.Key], $"{e.Key}: expected {e.Value}, got {actual[e.Key]}"));
    }

    [Fact]
    public void No_payload_limit_exceeds_the_protocol_maximum() =>
        Assert.All(BitcoinMessages.Messages, m => Assert.InRange(m.MaxPayloadLength, 0, ProtocolLimits.MaxMessagePayload));
}
