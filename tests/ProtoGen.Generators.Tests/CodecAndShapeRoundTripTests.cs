using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// Compile-and-run, as <see cref="RoundTripTests"/>: the Codecs scenario's hand-written field and type codecs, and the
/// Shapes scenario's positional records, nested types, struct, global-namespace and empty messages, driven through
/// their generated Read, Write and GetEncodedSize against hand-computed golden bytes.
/// </summary>
public sealed class CodecAndShapeRoundTripTests
{
    private static Generated Codecs => new(ScenarioRun.Get(Scenarios.Codecs));

    private static Generated Shapes => new(ScenarioRun.Get(Scenarios.Shapes));

    // ---- codecs ------------------------------------------------------------------------------------------------

    [Fact]
    public void FieldAndTypeCodecs_RoundTrip()
    {
        var c = Codecs;
        var note = c.Create("Scenarios.Codecs.Note", ("Text", "hi"));
        var one = c.Create("Scenarios.Codecs.Note", ("Text", "a"));
        var amount = c.CreatePositional("Scenarios.Codecs.Amount", 300UL);
        var pay = c.Create(
            "Scenarios.Codecs.PayMessage",
            ("Amount", amount),
            ("Memo", note),
            ("Notes", c.WireArrayOf("Scenarios.Codecs.Note", one)));
        string golden = "FD2C01" + "01026869" + "01" + "010161";

        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(pay)));
        Assert.Equal(golden.Length / 2, Generated.GetEncodedSize(pay));
        var decoded = c.Decode("Scenarios.Codecs.PayMessage", Convert.FromHexString(golden));
        Assert.Equal(amount, Generated.Get(decoded, "Amount"));
        Assert.Equal("hi", Generated.Get(Generated.Get(decoded, "Memo")!, "Text"));
        Assert.Null(Generated.Get(decoded, "Tip"));
        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(decoded)));

        // The optional codec field.
        var tipped = c.Decode("Scenarios.Codecs.PayMessage", Convert.FromHexString(golden + "05"));
        Assert.Equal(c.CreatePositional("Scenarios.Codecs.Amount", 5UL), Generated.Get(tipped, "Tip"));
        Assert.Equal(golden + "05", Convert.ToHexString(Generated.Encode(tipped)));

        Assert.Equal(4, c.Static<int>("Scenarios.Codecs.PayMessage", "MinEncodedSize"));
        Assert.Equal(2, c.Static<int>("Scenarios.Codecs.Note", "MinEncodedSize"));
    }

    [Fact]
    public void TypeCodec_Errors_Propagate()
    {
        var e = Assert.Throws<ProtocolException>(() => Codecs.Decode("Scenarios.Codecs.PayMessage", Convert.FromHexString("01" + "0201" + "00")));
        Assert.Equal(ProtocolError.InvalidValue, e.Error);
        Assert.Equal("unknown note version", e.Message);
    }

    [Fact]
    public void TypeCodec_OnAMessage_ForwardsEverything()
    {
        var raw = Codecs.Create("Scenarios.Codecs.RawMessage", ("Data", new WireBytes([1, 2, 3])));
        Assert.Equal([1, 2, 3], Generated.Encode(raw));
        Assert.Equal(3, Generated.GetEncodedSize(raw));
        Assert.Equal(raw, Codecs.Decode("Scenarios.Codecs.RawMessage", [1, 2, 3]));
        Assert.Equal(0, Codecs.Static<int>("Scenarios.Codecs.RawMessage", "MinEncodedSize"));
        Assert.Equal(MessageCommand.Parse("raw"), Codecs.Static<MessageCommand>("Scenarios.Codecs.RawMessage", "Command"));
    }

    // ---- shapes ------------------------------------------------------------------------------------------------

    [Fact]
    public void PositionalRecord_RoundTrips()
    {
        var point = Shapes.CreatePositional("Scenarios.Shapes.PointMessage", -1, 0x1_0000_0000UL, "hi");
        string golden = "FFFFFFFF" + "FF0000000001000000" + "026869";
        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(point)));
        Assert.Equal(point, Shapes.Decode("Scenarios.Shapes.PointMessage", Convert.FromHexString(golden)));
        Assert.Equal(6, Shapes.Static<int>("Scenarios.Shapes.PointMessage", "MinEncodedSize"));

        var tooLong = Shapes.CreatePositional("Scenarios.Shapes.PointMessage", 0, 0UL, "hello world");
        Assert.Equal(ProtocolError.EncodeLimitExceeded, Assert.Throws<ProtocolException>(() => Generated.Encode(tooLong)).Error);
    }

    [Fact]
    public void NestedInClasses_WithClassAndStructWireTypes_RoundTrips()
    {
        var s = Shapes;
        var pair = s.Create("Scenarios.Shapes.Pair", ("A", (short)-2), ("B", (sbyte)-3), ("Ignored", 99));
        var box = s.Create(
            "Scenarios.Shapes.Box",
            ("Size", 1L),
            ("Pair", pair),
            ("event", (byte)9),
            ("Chunks", Generated.WireArrayOf(typeof(WireBytes), new WireBytes([1, 2]))));
        var nested = s.Create("Scenarios.Shapes.Outer+Middle+NestedMessage", ("Value", (byte)7), ("Box", box));
        string golden = "07" + "0100000000000000" + "FEFF" + "FD" + "09" + "01" + "0102";

        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(nested)));
        Assert.Equal(golden.Length / 2, Generated.GetEncodedSize(nested));
        var decoded = s.Decode("Scenarios.Shapes.Outer+Middle+NestedMessage", Convert.FromHexString(golden));
        var decodedBox = Generated.Get(decoded, "Box")!;
        var decodedPair = Generated.Get(decodedBox, "Pair")!;
        Assert.Equal((short)-2, Generated.Get(decodedPair, "A"));
        Assert.Equal(0, Generated.Get(decodedPair, "Ignored"));
        Assert.Equal((byte)9, Generated.Get(decodedBox, "event"));
        Assert.Equal(golden, Convert.ToHexString(Generated.Encode(decoded)));
        Assert.Equal(14, s.Static<int>("Scenarios.Shapes.Outer+Middle+NestedMessage", "MinEncodedSize"));
    }

    [Fact]
    public void StructGlobalAndEmptyMessages_RoundTrip()
    {
        var s = Shapes;
        var structMessage = s.Create("Scenarios.Shapes.StructMessage", ("A", 0xDEADBEEFu), ("B", true));
        Assert.Equal("EFBEADDE01", Convert.ToHexString(Generated.Encode(structMessage)));
        Assert.Equal(structMessage, s.Decode("Scenarios.Shapes.StructMessage", Convert.FromHexString("EFBEADDE01")));

        var global = s.Create("GlobalMessage", ("Value", (short)-2));
        Assert.Equal("FEFF", Convert.ToHexString(Generated.Encode(global)));
        Assert.Equal(global, s.Decode("GlobalMessage", Convert.FromHexString("FEFF")));

        var empty = s.Create("Scenarios.Shapes.EmptyMessage");
        Assert.Empty(Generated.Encode(empty));
        Assert.IsType(s.Type("Scenarios.Shapes.EmptyMessage"), s.Decode("Scenarios.Shapes.EmptyMessage", []));
        Assert.Throws<ProtocolException>(() => s.Decode("Scenarios.Shapes.EmptyMessage", [0]));
    }
}
