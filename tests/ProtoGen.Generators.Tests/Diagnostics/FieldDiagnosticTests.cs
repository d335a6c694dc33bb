using System.Globalization;

namespace ProtoGen.Generators.Tests.Diagnostics;

/// <summary>PGEN0101-PGEN0105: a field's type, its limit, optional fields and field codecs.</summary>
public sealed class FieldDiagnosticTests : DiagnosticTestBase
{
    [Fact]
    public void PGEN0101_UnsupportedFieldType() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                public int Fine { get; init; }

                public System.DateTime When { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0101", "When"));

    [Fact]
    public void PGEN0101_ClrArrayIsNotSupported() =>
        Verify(
            """
            [WireType]
            public partial record struct BadType
            {
                [MaxCount(4)]
                public int[] Values { get; init; }
            }
            """,
            invalidType: "BadType",
            ("PGEN0101", "Values"),
            ("PGEN0106", "Values"));

    [Fact]
    public void PGEN0101_ArrayOfArrays() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxCount(4)]
                public WireArray<WireArray<int>> Rows { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0101", "Rows"));

    [Fact]
    public void PGEN0102_MissingLimit_String() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                public string Name { get; init; } = "";
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0102", "Name"));

    [Fact]
    public void PGEN0102_MissingLimit_Bytes() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                public WireBytes Data { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0102", "Data"));

    [Fact]
    public void PGEN0102_MissingLimit_Array() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                public WireArray<Hash256> Hashes { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0102", "Hashes"));

    [Fact]
    public void PGEN0102_MissingLimit_ArrayElement()
    {
        var diagnostics = Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxCount(4)]
                public WireArray<string> Names { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0102", "Names"));
        Assert.Contains("[MaxLength]", diagnostics[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0103_OptionalBeforeRequired()
    {
        var diagnostics = Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [Optional]
                public int? First { get; init; }

                public int Second { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0103", "Second"));
        Assert.Equal(
            "Field 'Second' of 'BadMessage' is required but follows the optional field 'First'; optional fields must come last",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0104_FieldCodecWithoutGetEncodedSize() =>
        Verify(
            """
            public static class HalfCodec
            {
                public static int Read(ref WireReader reader) => reader.ReadInt32();

                public static void Write(ref WireWriter writer, int value) => writer.WriteInt32(value);
            }

            [Message("bad")]
            public sealed partial record BadMessage
            {
                [WireCodec(typeof(HalfCodec))]
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0104", "WireCodec(typeof(HalfCodec))"));

    [Fact]
    public void PGEN0104_FieldCodecForAnotherType() =>
        Verify(
            """
            public static class LongCodec
            {
                public static long Read(ref WireReader reader) => reader.ReadInt64();

                public static void Write(ref WireWriter writer, long value) => writer.WriteInt64(value);

                public static int GetEncodedSize(long value, WireContext context) => 8;
            }

            [Message("bad")]
            public sealed partial record BadMessage
            {
                [WireCodec(typeof(LongCodec))]
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0104", "WireCodec(typeof(LongCodec))"));

    [Fact]
    public void PGEN0104_TypeCodecWithPrivateMethods() =>
        Verify(
            """
            public static class HiddenCodec
            {
                private static BadMessage Read(ref WireReader reader) => new();

                private static void Write(ref WireWriter writer, BadMessage value)
                {
                }

                private static int GetEncodedSize(BadMessage value, WireContext context) => 0;
            }

            [Message("bad")]
            [WireCodec(typeof(HiddenCodec))]
            public sealed partial record BadMessage;
            """,
            invalidType: "BadMessage",
            ("PGEN0104", "WireCodec(typeof(HiddenCodec))"));

    [Fact]
    public void PGEN0105_OptionalNotNullable() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [Optional]
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0105", "Value"));
}
