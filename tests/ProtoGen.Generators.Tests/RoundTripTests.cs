using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// Compile-and-run: each scenario is compiled with its generated code, loaded, and its generated Read, Write and
/// GetEncodedSize are driven through <see cref="WireSerializer"/> against hand-computed golden bytes. This class covers
/// the field rules of the Basic scenario; <see cref="CodecAndShapeRoundTripTests"/> the codecs and type shapes.
/// </summary>
public sealed class RoundTripTests
{
    private const string Ns = "Scenarios.Basic.";

    private static Generated Basic => new(ScenarioRun.Get(Scenarios.Basic));

    // ---- version gate ------------------------------------------------------------------------------------------

    [Fact]
    public void Since_FieldAbsentBelowItsVersion()
    {
        var ping = Basic.Create(Ns + "PingMessage", ("Nonce", 0x0102030405060708UL));
        var below = new WireContext(60000);

        Assert.Empty(Generated.Encode(ping, below));
        Assert.Equal(0, Generated.GetEncodedSize(ping, below));
        Assert.Equal(0UL, Generated.Get(Basic.Decode(Ns + "PingMessage", [], below), "Nonce"));

        // Below the gate the nonce is not read, so its bytes are left over.
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "PingMessage", Convert.FromHexString("0807060504030201"), below));
        Assert.Equal(ProtocolError.InvalidValue, e.Error);
    }

    [Theory]
    [InlineData(60001)]
    [InlineData(70016)]
    [InlineData(0)]
    public void Since_FieldPresentAtAndAboveItsVersion(int version)
    {
        var context = new WireContext(version);
        var ping = Basic.Create(Ns + "PingMessage", ("Nonce", 0x0102030405060708UL));
        byte[] golden = Convert.FromHexString("0807060504030201");

        Assert.Equal(golden, Generated.Encode(ping, context));
        Assert.Equal(8, Generated.GetEncodedSize(ping, context));
        Assert.Equal(ping, Basic.Decode(Ns + "PingMessage", golden, context));
    }

    [Fact]
    public void Since_GatedArray_FollowsTheContext()
    {
        var items = NewItems(extras: [(ushort)1, (ushort)0x0203]);
        byte[] all = Generated.Encode(items);
        byte[] below = Generated.Encode(items, new WireContext(70001));

        Assert.Equal(ItemsGolden + "02" + "0100" + "0302", Convert.ToHexString(all));
        Assert.Equal(ItemsGolden, Convert.ToHexString(below));
        Assert.Equal(items, Basic.Decode(Ns + "ItemsMessage", all));

        var decodedBelow = Basic.Decode(Ns + "ItemsMessage", below, new WireContext(70001));
        Assert.Equal(0, ExtrasCount(decodedBelow));
    }

    // ---- optional trailing fields ------------------------------------------------------------------------------

    private const string HelloHead = "80110100" + "02" + "7F000001" + "208D";

    [Fact]
    public void Optional_Absent_DecodesAsNull_AndIsNotWritten()
    {
        var hello = NewHello();
        Assert.Equal(HelloHead, Convert.ToHexString(Generated.Encode(hello)));
        Assert.Equal(11, Generated.GetEncodedSize(hello));

        var decoded = Basic.Decode(Ns + "HelloMessage", Convert.FromHexString(HelloHead));
        Assert.Null(Generated.Get(decoded, "Nonce"));
        Assert.Null(Generated.Get(decoded, "Agent"));
        Assert.Null(Generated.Get(decoded, "Relay"));
        Assert.Equal(hello, decoded);
        Assert.Equal(HelloHead, Convert.ToHexString(Generated.Encode(decoded)));
    }

    [Fact]
    public void Optional_Present_RoundTrips()
    {
        var hello = NewHello(("Nonce", (ulong?)1UL), ("Agent", "pg"), ("Relay", (bool?)true));
        string golden = HelloHead + "0100000000000000" + "027067" + "01";

        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(hello)));
        Assert.Equal(golden.Length / 2, Generated.GetEncodedSize(hello));
        Assert.Equal(hello, Basic.Decode(Ns + "HelloMessage", Convert.FromHexString(golden)));
    }

    [Fact]
    public void Optional_Prefix_StopsAtTheFirstAbsentField()
    {
        // Relay after a missing Agent cannot be expressed on the wire, so it is not written.
        var hello = NewHello(("Nonce", (ulong?)1UL), ("Relay", (bool?)true));
        string golden = HelloHead + "0100000000000000";

        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(hello)));
        Assert.Equal(golden.Length / 2, Generated.GetEncodedSize(hello));
        var decoded = Basic.Decode(Ns + "HelloMessage", Convert.FromHexString(golden));
        Assert.Equal(1UL, Generated.Get(decoded, "Nonce"));
        Assert.Null(Generated.Get(decoded, "Relay"));
    }

    [Fact]
    public void Optional_Truncated_IsRejected()
    {
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "HelloMessage", Convert.FromHexString(HelloHead + "010000")));
        Assert.Equal(ProtocolError.Truncated, e.Error);
    }

    [Fact]
    public void Required_Truncated_IsRejected()
    {
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "HelloMessage", Convert.FromHexString(HelloHead[..^2])));
        Assert.Equal(ProtocolError.Truncated, e.Error);
    }

    // ---- nested wire types, fixed bytes, big-endian port -------------------------------------------------------

    [Fact]
    public void BigEndianPort_AndFixedBytes()
    {
        var endpoint = NewEndpoint([10, 0, 0, 1], 0x1234);
        Assert.Equal("0A000001" + "1234", Convert.ToHexString(Generated.Encode(endpoint)));
        Assert.Equal(endpoint, Basic.Decode(Ns + "Endpoint", Convert.FromHexString("0A0000011234")));
        Assert.Equal((ushort)0x3412, Generated.Get(Basic.Decode(Ns + "Endpoint", Convert.FromHexString("0A0000013412")), "Port"));
    }

    [Fact]
    public void FixedBytes_OfTheWrongLength_CannotBeEncoded()
    {
        var e = Assert.Throws<ProtocolException>(() => Generated.Encode(NewEndpoint([10, 0, 1], 1)));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, e.Error);
    }

    // ---- arrays, limits, CompactSize ---------------------------------------------------------------------------

    private static readonly string ItemsGolden =
        "02" + "01" + new string('1', 64) + "03" + new string('2', 64) // Items
        + "02" + "026162" + "03636465" // Tags
        + "FD2C01" // Index 300
        + "FDE803" // Kind 1000
        + "03010203"; // Blob

    [Fact]
    public void Arrays_RoundTrip()
    {
        var items = NewItems(extras: []);
        byte[] golden = Convert.FromHexString(ItemsGolden + "00");

        Assert.Equal(golden, Generated.Encode(items));
        Assert.Equal(golden.Length, Generated.GetEncodedSize(items));
        Assert.Equal(items, Basic.Decode(Ns + "ItemsMessage", golden));
    }

    [Fact]
    public void Array_CountOverMaxCount_IsRejectedOnDecode()
    {
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "ItemsMessage", Convert.FromHexString("04" + new string('0', 4 * 66))));
        Assert.Equal(ProtocolError.CountTooLarge, e.Error);
        Assert.Contains("Items", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Array_CountOverBytesLeft_IsRejectedBeforeAllocating()
    {
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "ItemsMessage", Convert.FromHexString("03" + "01" + new string('1', 64))));
        Assert.Equal(ProtocolError.Truncated, e.Error);
    }

    [Fact]
    public void Array_OverMaxCount_CannotBeEncoded()
    {
        var item = NewItem(1, 0x11);
        var items = NewItems(extras: [], items: [item, item, item, item]);
        var e = Assert.Throws<ProtocolException>(() => Generated.Encode(items));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, e.Error);
        Assert.Contains("Items", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArrayElement_OverMaxLength_IsRejectedBothWays()
    {
        var items = NewItems(extras: [], tags: ["abcdef"]);
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => Generated.Encode(items)).Error);

        string wire = "00" + "01" + "06616263646566" + "00" + "00" + "00" + "00";
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "ItemsMessage", Convert.FromHexString(wire)));
        Assert.Equal(ProtocolError.LengthTooLarge, e.Error);
        Assert.Contains("Tags", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VarBytes_OverMaxLength_IsRejectedBothWays()
    {
        var items = NewItems(extras: [], blob: new byte[9]);
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => Generated.Encode(items)).Error);

        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "ItemsMessage", Convert.FromHexString("00" + "00" + "00" + "00" + "09" + new string('0', 18))));
        Assert.Equal(ProtocolError.LengthTooLarge, e.Error);
    }

    [Theory]
    [InlineData("FE00000080", "Index")] // 2^31 does not fit an int
    [InlineData("00" + "FF0000000001000000", "Kind")] // 2^32 does not fit the uint-based enum
    public void CompactSize_OutOfTheFieldsRange_IsRejected(string fields, string name)
    {
        string wire = "00" + "00" + fields + (name == "Index" ? "00" : string.Empty) + "00" + "00";
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "ItemsMessage", Convert.FromHexString(wire)));
        Assert.Equal(ProtocolError.ValueOutOfRange, e.Error);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompactSize_NonCanonical_IsRejected()
    {
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "ItemsMessage", Convert.FromHexString("00" + "00" + "FD0500" + "00" + "00" + "00")));
        Assert.Equal(ProtocolError.NonCanonicalCompactSize, e.Error);
    }

    [Fact]
    public void CompactSize_LargestValues_RoundTrip()
    {
        var items = NewItems(extras: [], index: int.MaxValue, kind: uint.MaxValue);
        byte[] bytes = Generated.Encode(items);
        Assert.Equal(bytes.Length, Generated.GetEncodedSize(items));
        Assert.Equal(items, Basic.Decode(Ns + "ItemsMessage", bytes));
    }

    [Fact]
    public void CompactSize_NegativeSignedValue_CannotBeEncoded()
    {
        var e = Assert.Throws<ProtocolException>(() => Generated.Encode(NewItems(extras: [], index: -1)));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, e.Error);
        Assert.Equal("Index: a negative value cannot be encoded as a CompactSize", e.Message);
    }

    // ---- OnDecoded hook ----------------------------------------------------------------------------------------

    [Fact]
    public void OnDecoded_Throwing_RejectsTheValue()
    {
        var e = Assert.Throws<ProtocolException>(() => Basic.Decode(Ns + "CheckedMessage", [0, 0, 0, 0]));
        Assert.Equal(ProtocolError.InvalidValue, e.Error);
        Assert.Equal("Value must not be zero", e.Message);

        Assert.Equal(5u, Generated.Get(Basic.Decode(Ns + "CheckedMessage", [5, 0, 0, 0]), "Value"));
    }

    // ---- MinEncodedSize and IMessage ---------------------------------------------------------------------------

    [Theory]
    [InlineData("PingMessage", 0)]
    [InlineData("HelloMessage", 11)]
    [InlineData("ItemsMessage", 5)]
    [InlineData("CheckedMessage", 4)]
    [InlineData("Endpoint", 6)]
    [InlineData("Item", 33)]
    public void MinEncodedSize_CountsRequiredUngatedFields(string type, int expected) =>
        Assert.Equal(expected, Basic.Static<int>(Ns + type, "MinEncodedSize"));

    [Fact]
    public void IMessage_WritesTheSameBytes()
    {
        var message = (IMessage)NewHello(("Nonce", (ulong?)7UL));
        Assert.Equal(MessageCommand.Parse("hello"), message.Command);
        int size = message.GetEncodedSize(default);
        var buffer = new byte[size];
        var writer = new WireWriter(buffer);
        message.WriteTo(ref writer);
        Assert.Equal(size, writer.BytesWritten);
        Assert.Equal(Generated.Encode(message), buffer);
    }

    // ---- builders ----------------------------------------------------------------------------------------------

    private static object NewEndpoint(byte[] address, ushort port) =>
        Basic.Create(Ns + "Endpoint", ("Address", new WireBytes(address)), ("Port", port));

    private static object NewHello(params (string Name, object? Value)[] optional) =>
        Basic.Create(
            Ns + "HelloMessage",
            new (string, object?)[]
            {
                ("Version", 70016),
                ("Color", Basic.Enum(Ns + "Color", 2)),
                ("Receiver", NewEndpoint([127, 0, 0, 1], 8333)),
            }.Concat(optional).ToArray());

    private static object NewItem(int color, byte fill) =>
        Basic.Create(Ns + "Item", ("Color", Basic.Enum(Ns + "Color", color)), ("Hash", new Hash256(Enumerable.Repeat(fill, 32).ToArray())));

    private static object NewItems(ushort[] extras, object[]? items = null, string[]? tags = null, byte[]? blob = null, int index = 300, uint kind = 1000) =>
        Basic.Create(
            Ns + "ItemsMessage",
            ("Items", Basic.WireArrayOf(Ns + "Item", items ?? [NewItem(1, 0x11), NewItem(3, 0x22)])),
            ("Tags", Generated.WireArrayOf(typeof(string), tags ?? ["ab", "cde"])),
            ("Index", index),
            ("Kind", Basic.Enum(Ns + "Kind", kind)),
            ("Blob", new WireBytes(blob ?? [1, 2, 3])),
            ("Extras", Generated.WireArrayOf(typeof(ushort), extras.Cast<object?>().ToArray())));

    private static int ExtrasCount(object items) => ((WireArray<ushort>)Generated.Get(items, "Extras")!).Count;
}
