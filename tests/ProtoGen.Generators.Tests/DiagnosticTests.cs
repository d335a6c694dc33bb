using System.Globalization;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// One test per diagnostic ID (and per variant): the analyzer reports exactly the expected IDs, each located on the
/// expected source text, and the generator emits no serializer for the invalid type while the valid rest of the
/// assembly is still generated and compiles.
/// </summary>
public sealed class DiagnosticTests
{
    /// <summary>A valid set and message that every case compiles alongside.</summary>
    private const string ValidRest = """
        using ProtoGen;

        namespace D
        {
            [MessageSet("D")]
            public static partial class DMessages
            {
            }

            [Message("ok")]
            public sealed partial record OkMessage
            {
                public int Value { get; init; }
            }
        }
        """;

    /// <summary>The same without the set, for the set-shape cases.</summary>
    private const string ValidMessageOnly = """
        using ProtoGen;

        namespace D
        {
            [Message("ok")]
            public sealed partial record OkMessage
            {
                public int Value { get; init; }
            }
        }
        """;

    [Fact]
    public void PGEN0001_MessageMustBePartial()
    {
        var diagnostics = Verify(
            """
            [Message("bad")]
            public sealed record BadMessage
            {
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0001", "BadMessage"));
        Assert.Equal(
            "'BadMessage' must be declared partial (and so must every type containing it) so that ProtoGen can add its codec",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0001_WireTypeMustBePartial() =>
        Verify(
            """
            [WireType]
            public struct BadType
            {
                public int Value { get; set; }
            }
            """,
            invalidType: "BadType",
            ("PGEN0001", "BadType"));

    [Fact]
    public void PGEN0001_ContainingTypeMustBePartial()
    {
        var diagnostics = Verify(
            """
            public static class Holder
            {
                [Message("bad")]
                public sealed partial record BadMessage
                {
                    public int Value { get; init; }
                }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0001", "Holder"));
        Assert.StartsWith("'Holder' must be declared partial", diagnostics[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0002_MessageCannotBeGeneric() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage<T>
            {
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0002", "BadMessage"));

    [Fact]
    public void PGEN0002_ContainingTypeCannotBeGeneric() =>
        Verify(
            """
            public partial class Holder<T>
            {
                [WireType]
                public partial struct BadType
                {
                    public int Value { get; set; }
                }
            }
            """,
            invalidType: "BadType",
            ("PGEN0002", "BadType"));

    [Fact]
    public void PGEN0003_MessageSetMustBeStatic() =>
        VerifySet(
            """
            [MessageSet("D")]
            public partial class DMessages
            {
            }
            """,
            ("PGEN0003", "DMessages"));

    [Fact]
    public void PGEN0003_MessageSetMustBePartial() =>
        VerifySet(
            """
            [MessageSet("D")]
            public static class DMessages
            {
            }
            """,
            ("PGEN0003", "DMessages"));

    [Fact]
    public void PGEN0003_MessageSetCannotBeGeneric() =>
        VerifySet(
            """
            [MessageSet("D")]
            public static partial class DMessages<T>
            {
            }
            """,
            ("PGEN0003", "DMessages"));

    [Fact]
    public void PGEN0004_OnlyOneMessageSetPerAssembly()
    {
        var (diagnostics, run) = Analyze(
            """
            [MessageSet("Other")]
            public static partial class OtherMessages
            {
            }
            """,
            ValidRest);
        AssertDiagnostics(diagnostics, ("PGEN0004", "OtherMessages"));
        Assert.Equal("Invalid.cs", diagnostics[0].Location.SourceTree!.FilePath);

        // The first set by name keeps the dispatcher; the second gets nothing, so the two cannot collide.
        var hints = HintNames(run);
        Assert.Contains("D.DMessages.Dispatcher.g.cs", hints);
        Assert.Contains("D.DMessages.Listeners.g.cs", hints);
        Assert.Contains("D.DMessages.ListenerGroup.g.cs", hints);
        Assert.DoesNotContain(hints, h => h.Contains("OtherMessages", StringComparison.Ordinal));
        Assert.Empty(Errors(run));
    }

    [Fact]
    public void PGEN0004_SameSetNameTwice_StillCompiles()
    {
        // Two sets with the same listener name would declare IDListener twice; only the first is generated.
        var (diagnostics, run) = Analyze(
            """
            [MessageSet("D")]
            public static partial class ZMessages
            {
            }
            """,
            ValidRest);
        AssertDiagnostics(diagnostics, ("PGEN0004", "ZMessages"));
        Assert.DoesNotContain(HintNames(run), h => h.Contains("ZMessages", StringComparison.Ordinal));
        Assert.Empty(Errors(run));
    }

    [Fact]
    public void PGEN0005_PrivateMessage() =>
        Verify(
            """
            public partial class Holder
            {
                [Message("bad")]
                private sealed partial record BadMessage
                {
                    public int Value { get; init; }
                }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0005", "BadMessage"));

    [Fact]
    public void PGEN0005_MessageInsideAPrivateType() =>
        Verify(
            """
            public partial class Holder
            {
                private partial class Inner
                {
                    [Message("bad")]
                    public sealed partial record BadMessage
                    {
                        public int Value { get; init; }
                    }
                }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0005", "BadMessage"));

    [Fact]
    public void PGEN0006_NoParameterlessConstructor() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial class BadMessage
            {
                public BadMessage(int value) => Value = value;

                public int Value { get; set; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0006", "BadMessage"));

    [Fact]
    public void PGEN0006_ClassWithPrimaryConstructor() =>
        Verify(
            """
            [WireType]
            public sealed partial class BadType(int value)
            {
                public int Value { get; set; } = value;
            }
            """,
            invalidType: "BadType",
            ("PGEN0006", "BadType"));

    [Fact]
    public void PGEN0006_Abstract()
    {
        var diagnostics = Verify(
            """
            [WireType]
            public abstract partial class BadType
            {
                public int Value { get; set; }
            }
            """,
            invalidType: "BadType",
            ("PGEN0006", "BadType"));
        Assert.Equal("'BadType' cannot be created by the generated decoder: it is abstract", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0007_SetPayloadLimitMustBePositive()
    {
        var (diagnostics, run) = Analyze(
            """
            [MessageSet("Z", MaxPayloadLength = 0)]
            public static partial class ZMessages
            {
            }
            """,
            ValidMessageOnly);
        AssertDiagnostics(diagnostics, ("PGEN0007", "MaxPayloadLength = 0"));
        Assert.Equal("Message set 'ZMessages' declares MaxPayloadLength = 0; the payload limit must be a positive number of bytes", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));

        // No dispatcher for the set; the message's codec is generated with the runtime's default limit and compiles.
        Assert.Equal(["D.OkMessage.Serializer.g.cs"], HintNames(run));
        Assert.Empty(Errors(run));
    }

    [Fact]
    public void PGEN0007_NegativeSetPayloadLimit() =>
        VerifySet(
            """
            [MessageSet("Z", MaxPayloadLength = -1)]
            public static partial class ZMessages
            {
            }
            """,
            ("PGEN0007", "MaxPayloadLength = -1"));

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

    [Fact]
    public void PGEN0106_BigEndianOnUInt32() =>
        Verify(
            """
            [WireType]
            public partial record struct BadType
            {
                [BigEndian]
                public uint Port { get; init; }
            }
            """,
            invalidType: "BadType",
            ("PGEN0106", "Port"));

    [Fact]
    public void PGEN0106_MaxCountOnScalar() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxCount(3)]
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0106", "Value"));

    [Fact]
    public void PGEN0106_CompactSizeOnBool() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [CompactSize]
                public bool Flag { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0106", "Flag"));

    [Fact]
    public void PGEN0106_CompactSizeOnString() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [CompactSize]
                [MaxLength(10)]
                public string Name { get; init; } = "";
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0106", "Name"));

    [Fact]
    public void PGEN0106_NegativeSince() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [Since(-1)]
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0106", "Value"));

    [Fact]
    public void PGEN0107_ZeroLimit() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxLength(0)]
                public string Name { get; init; } = "";
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0107", "Name"));

    [Fact]
    public void PGEN0107_LimitAboveProtocolMaximum()
    {
        var diagnostics = Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxCount(33554433)]
                public WireArray<byte> Data { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0107", "Data"));
        Assert.Contains("33554433", diagnostics[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0106_MinLengthAboveMaxLength()
    {
        var diagnostics = Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxLength(4, MinLength = 5)]
                public WireBytes Id { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0106", "Id"));
        Assert.Contains("MinLength", diagnostics[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0106_MinLengthOnACollection() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                [MaxCount(4)]
                [MaxLength(8, MinLength = 1)]
                public WireArray<string> Names { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0106", "Names"));

    [Fact]
    public void PGEN0108_PropertyNamedLikeAGeneratedMember()
    {
        var diagnostics = Verify(
            """
            [Message("bad")]
            public sealed partial record BadMessage
            {
                public int Command { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0108", "Command"));
        Assert.Equal("'BadMessage' declares 'Command', which ProtoGen generates for this type; rename the member", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0108_MethodNamedLikeAGeneratedMember() =>
        Verify(
            """
            [WireType]
            public partial struct BadType
            {
                public int Value { get; set; }

                public static BadType Read(string text) => default;
            }
            """,
            invalidType: "BadType",
            ("PGEN0108", "Read"));

    [Fact]
    public void PGEN0109_RequiredSelfReference()
    {
        var diagnostics = Verify(
            """
            [WireType]
            public sealed partial class BadNode
            {
                public int Value { get; set; }

                public BadNode Next { get; set; } = null!;
            }
            """,
            invalidType: "BadNode",
            ("PGEN0109", "Next"));
        Assert.Equal(
            "Field 'Next' of 'BadNode' is a required 'BadNode', which always contains another 'BadNode': the value has no finite encoding; make the field [Optional] or a WireArray",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0109_RequiredCycleThroughTwoTypes() =>
        Verify(
            """
            [WireType]
            public sealed partial class BadLeft
            {
                public BadRight Right { get; set; } = null!;
            }

            [WireType]
            public sealed partial class BadRight
            {
                public long Value { get; set; }

                public BadLeft Left { get; set; } = null!;
            }
            """,
            invalidType: "BadLeft",
            ("PGEN0109", "Right"),
            ("PGEN0109", "Left"));

    [Fact]
    public void PGEN0109_OptionalGatedOrArraySelfReference_IsFine()
    {
        var (diagnostics, run) = Analyze(
            """
            [WireType]
            public sealed partial class Tree
            {
                [MaxCount(4)]
                public WireArray<Tree> Children { get; set; }

                [Since(70000)]
                public Tree? Gated { get; set; }

                [Optional]
                public Tree? Next { get; set; }
            }
            """,
            ValidRest);
        Assert.Empty(diagnostics);
        Assert.Contains("D.Tree.Serializer.g.cs", HintNames(run));
        Assert.Empty(CompilationHelper.CompilerProblems(run.Output));
    }

    [Fact]
    public void PGEN0201_DuplicateCommand()
    {
        var (diagnostics, run) = Analyze(
            """
            [Message("ok")]
            public sealed partial record ZDuplicateMessage
            {
                public long Other { get; init; }
            }
            """,
            ValidRest);
        AssertDiagnostics(diagnostics, ("PGEN0201", "\"ok\""));
        Assert.Equal("Invalid.cs", diagnostics[0].Location.SourceTree!.FilePath);
        Assert.Equal("Command 'ok' of 'ZDuplicateMessage' is already used by 'OkMessage' in this assembly", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));

        // Both codecs are fine on their own; the dispatcher keeps the first by name, and everything compiles.
        Assert.Empty(Errors(run));
        string dispatcher = run.Results.Single().GeneratedSources.Single(s => s.HintName == "D.DMessages.Dispatcher.g.cs").SourceText.ToString();
        Assert.Contains("global::D.OkMessage.Read", dispatcher, StringComparison.Ordinal);
        Assert.DoesNotContain("ZDuplicateMessage", dispatcher, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-1)]
    public void PGEN0206_V2ShortIdOutOfRange(int id)
    {
        var diagnostics = Verify(
            $$"""
            [Message("bad", V2ShortId = {{id}})]
            public sealed partial record BadMessage
            {
                public int Value { get; init; }
            }
            """,
            invalidType: "BadMessage",
            ("PGEN0206", $"V2ShortId = {id}"));
        Assert.Equal($"V2ShortId {id} of 'BadMessage' is out of range: a BIP324 one-byte message type is 1 to 255 (0 introduces the long form); leave it out for none", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0206_V2ShortIdAtTheEdgesIsValid()
    {
        var (diagnostics, run) = Analyze(
            """
            [Message("one", V2ShortId = 1)]
            public sealed partial record OneMessage
            {
            }

            [Message("last", V2ShortId = 255)]
            public sealed partial record LastMessage
            {
            }
            """,
            ValidRest);
        Assert.Empty(diagnostics);
        Assert.Empty(Errors(run));
        string one = run.Results.Single().GeneratedSources.Single(s => s.HintName == "D.OneMessage.Serializer.g.cs").SourceText.ToString();
        Assert.Contains("\"\", 1);", one, StringComparison.Ordinal);
        string ok = run.Results.Single().GeneratedSources.Single(s => s.HintName == "D.OkMessage.Serializer.g.cs").SourceText.ToString();
        Assert.DoesNotContain("V2ShortId", ok, StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0207_DuplicateV2ShortId()
    {
        var (diagnostics, run) = Analyze(
            """
            [Message("first", V2ShortId = 7)]
            public sealed partial record AFirstMessage
            {
            }

            [Message("second", V2ShortId = 7)]
            public sealed partial record BSecondMessage
            {
            }
            """,
            ValidRest);
        AssertDiagnostics(diagnostics, ("PGEN0207", "V2ShortId = 7"));
        Assert.Equal("V2ShortId 7 of 'BSecondMessage' is already used by 'AFirstMessage' in this assembly; a one-byte message type names one message", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Empty(Errors(run));
    }

    [Fact]
    public void PGEN0202_InvalidCommand_Empty()
    {
        var diagnostics = Verify(
            """
            [Message("")]
            public sealed partial record BadMessage;
            """,
            invalidType: "BadMessage",
            ("PGEN0202", "\"\""));
        Assert.Equal("Command '' of 'BadMessage' is invalid: it is empty", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0202_InvalidCommand_NonAscii()
    {
        var diagnostics = Verify(
            """
            [Message("pïng")]
            public sealed partial record BadMessage;
            """,
            invalidType: "BadMessage",
            ("PGEN0202", "\"pïng\""));
        Assert.EndsWith("it must be printable ASCII", diagnostics[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0202_InvalidCommand_LongerThan12Bytes()
    {
        var diagnostics = Verify(
            """
            [Message("thirteenbytes")]
            public sealed partial record BadMessage;
            """,
            invalidType: "BadMessage",
            ("PGEN0202", "\"thirteenbytes\""));
        Assert.EndsWith("it is 13 bytes long; the header holds at most 12", diagnostics[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PGEN0202_InvalidCommand_ControlCharacter() =>
        Verify(
            """
            [Message("a\tb")]
            public sealed partial record BadMessage;
            """,
            invalidType: "BadMessage",
            ("PGEN0202", "\"a\\tb\""));

    [Fact]
    public void PGEN0203_ListenerNameNotAnIdentifier()
    {
        var diagnostics = Verify(
            """
            [Message("bad", ListenerName = "Not Valid")]
            public sealed partial record BadMessage;
            """,
            invalidType: "BadMessage",
            ("PGEN0203", "ListenerName = \"Not Valid\""));
        Assert.Equal("Listener name 'Not Valid' of 'BadMessage' is invalid: 'OnNot Valid' is not a C# identifier", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void PGEN0203_ListenerNameUnknownIsReserved() =>
        Verify(
            """
            [Message("bad")]
            public sealed partial record UnknownMessage;
            """,
            invalidType: "UnknownMessage",
            ("PGEN0203", "UnknownMessage"));

    [Fact]
    public void PGEN0204_DuplicateListenerName()
    {
        var (diagnostics, run) = Analyze(
            """
            [Message("zz", ListenerName = "Ok")]
            public sealed partial record ZMessage
            {
                public int Other { get; init; }
            }
            """,
            ValidRest);
        AssertDiagnostics(diagnostics, ("PGEN0204", "ListenerName = \"Ok\""));
        Assert.Equal("Listener name 'Ok' of 'ZMessage' is already used by 'OkMessage' in this assembly; set a different ListenerName", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        AssertDroppedFromDispatch(run, "ZMessage");
    }

    [Fact]
    public void PGEN0204_SameTypeNameInTwoPlaces()
    {
        var (diagnostics, run) = Analyze(
            """
            public static partial class Inner
            {
                [Message("zz")]
                public sealed partial record OkMessage
                {
                    public long Other { get; init; }
                }
            }
            """,
            ValidRest);
        AssertDiagnostics(diagnostics, ("PGEN0204", "OkMessage"));
        Assert.Equal("Invalid.cs", diagnostics[0].Location.SourceTree!.FilePath);
        AssertDroppedFromDispatch(run, "Inner.OkMessage");
    }

    /// <summary>A library with a message set, as a user's project sees ProtoGen.Bitcoin or another set it references.</summary>
    private const string Library = """
        using ProtoGen;

        namespace Lib
        {
            [MessageSet("Lib")]
            public static partial class LibMessages
            {
            }

            [Message("ping")]
            public sealed partial record PingMessage
            {
                public ulong Nonce { get; init; }
            }

            [Message("hidden")]
            internal sealed partial record HiddenMessage;

            public static partial class Outer
            {
                [Message("nested")]
                public sealed partial record NestedMessage;
            }
        }
        """;

    [Fact]
    public void PGEN0205_CommandOfAReferencedMessageSet()
    {
        var library = CompilationHelper.BuildLibrary(CompilationHelper.CreateCompilation("Lib", [], ("Lib.cs", Library)));
        var (diagnostics, run) = Analyze(
            """
            [Message("ping")]
            public sealed partial record MyPingMessage
            {
                public ulong Nonce { get; init; }
            }

            [Message("hidden")]
            public sealed partial record MyHiddenMessage;

            [Message("nested")]
            public sealed partial record MyNestedMessage;

            [Message("pong")]
            public sealed partial record MyPongMessage;
            """,
            ValidRest,
            library);
        AssertDiagnostics(diagnostics, ("PGEN0205", "\"ping\""), ("PGEN0205", "\"hidden\""), ("PGEN0205", "\"nested\""));
        Assert.All(diagnostics, d => Assert.Equal("Invalid.cs", d.Location.SourceTree!.FilePath));
        Assert.Equal(
            "Command 'ping' of 'MyPingMessage' is already declared by 'Lib.PingMessage' in the message set 'Lib.LibMessages' of the referenced assembly 'Lib'; a peer that composes both sets delivers the command to one of them only (it asks the Bitcoin set first), so choose another command",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.EndsWith("'Lib.Outer.NestedMessage' in the message set 'Lib.LibMessages' of the referenced assembly 'Lib'; a peer that composes both sets delivers the command to one of them only (it asks the Bitcoin set first), so choose another command", diagnostics[2].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // The declarations are valid on their own: everything is generated and compiles (the error stops the build).
        Assert.Contains("D.MyPingMessage.Serializer.g.cs", HintNames(run));
        Assert.Empty(Errors(run));
    }

    [Fact]
    public void PGEN0205_ReferencedMessagesWithoutASet_AreNoConflict()
    {
        const string setless = """
            using ProtoGen;

            namespace Lib
            {
                [Message("ping")]
                public sealed partial record PingMessage;
            }
            """;
        var library = CompilationHelper.BuildLibrary(CompilationHelper.CreateCompilation("Lib", [], ("Lib.cs", setless)));
        var (diagnostics, _) = Analyze(
            """
            [Message("ping")]
            public sealed partial record MyPingMessage;
            """,
            ValidRest,
            library);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void PGEN0205_ASourceReferenceCountsToo()
    {
        // An IDE sees a project reference as a compilation, not as a built assembly.
        var library = CompilationHelper.RunGenerator(CompilationHelper.CreateCompilation("Lib", [], ("Lib.cs", Library))).Output.ToMetadataReference();
        var (diagnostics, _) = Analyze(
            """
            [Message("ping")]
            public sealed partial record MyPingMessage;
            """,
            ValidRest,
            library);
        AssertDiagnostics(diagnostics, ("PGEN0205", "\"ping\""));
    }

    [Fact]
    public void ValidDeclarations_HaveNoDiagnostics()
    {
        foreach (var scenario in Scenarios.All)
        {
            // As a real build runs it: after the generator, whose members the analyzer must not take for the user's.
            Assert.Equal(Describe(CompilationHelper.RunAnalyzer(ScenarioRun.Get(scenario).Compilation)), Describe(CompilationHelper.RunAnalyzer(ScenarioRun.Get(scenario).Output)));
            var diagnostics = CompilationHelper.RunAnalyzer(ScenarioRun.Get(scenario).Output);
            if (scenario == Scenarios.Basic)
            {
                // Basic deliberately contains one non-partial message.
                AssertDiagnostics(diagnostics, ("PGEN0001", "BrokenMessage"));
            }
            else
            {
                Assert.Empty(diagnostics);
            }
        }
    }

    [Fact]
    public void EveryDescriptor_HasATest()
    {
        var ids = typeof(ProtoGenGenerator).Assembly.GetType("ProtoGen.Generators.Diagnostics.DiagnosticDescriptors", throwOnError: true)!
            .GetFields()
            .Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        var tested = typeof(DiagnosticTests).GetMethods().Select(m => m.Name.Split('_')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(id, tested));

        // The analyzer declares every descriptor, and the release notes list every ID.
        var supported = new Diagnostics.Analyzers.DeclarationAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), supported.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Compiles <paramref name="invalid"/> (inside namespace D, as Invalid.cs) with the valid rest, checks the
    /// analyzer's diagnostics and that the generator skipped <paramref name="invalidType"/> but nothing else.
    /// </summary>
    private static List<Diagnostic> Verify(string invalid, string invalidType, params (string Id, string Text)[] expected)
    {
        var (diagnostics, run) = Analyze(invalid, ValidRest);
        AssertDiagnostics(diagnostics, expected);
        Assert.All(diagnostics, d => Assert.Equal("Invalid.cs", d.Location.SourceTree!.FilePath));

        var hints = HintNames(run);
        Assert.Equal(["D.DMessages.Dispatcher.g.cs", "D.DMessages.ListenerGroup.g.cs", "D.DMessages.Listeners.g.cs", "D.OkMessage.Serializer.g.cs"], hints);
        Assert.DoesNotContain(run.Results.Single().GeneratedSources, s => s.SourceText.ToString().Contains(invalidType, StringComparison.Ordinal));
        Assert.Empty(run.Diagnostics);
        Assert.Empty(Errors(run));
        return diagnostics;
    }

    /// <summary>The message's codec is generated (it is valid on its own) but the dispatcher leaves it out, and everything compiles.</summary>
    private static void AssertDroppedFromDispatch(Run run, string typeName)
    {
        Assert.Empty(Errors(run));
        Assert.Contains(HintNames(run), h => h.EndsWith(typeName.Replace('.', '-') + ".Serializer.g.cs", StringComparison.Ordinal));
        string dispatcher = run.Results.Single().GeneratedSources.Single(s => s.HintName == "D.DMessages.Dispatcher.g.cs").SourceText.ToString();
        Assert.DoesNotContain("global::D." + typeName + ".", dispatcher, StringComparison.Ordinal);
        Assert.Contains("global::D.OkMessage.Read", dispatcher, StringComparison.Ordinal);
    }

    private static void VerifySet(string invalidSet, params (string Id, string Text)[] expected)
    {
        var (diagnostics, run) = Analyze(invalidSet, ValidMessageOnly);
        AssertDiagnostics(diagnostics, expected);

        // No dispatcher for the malformed set; the message's codec is still generated and compiles.
        Assert.Equal(["D.OkMessage.Serializer.g.cs"], HintNames(run));
        Assert.Empty(Errors(run));
    }

    private static (List<Diagnostic> Diagnostics, Run Run) Analyze(string invalid, string rest, params MetadataReference[] references)
    {
        string source = "using ProtoGen;\n\nnamespace D\n{\n" + Indent(invalid) + "}\n";
        var compilation = CompilationHelper.CreateCompilation("ProtoGen.Scenario", references, ("Valid.cs", rest), ("Invalid.cs", source));
        var diagnostics = CompilationHelper.RunAnalyzer(compilation).ToList();
        var (_, result, output) = CompilationHelper.RunGenerator(compilation);

        // A real build analyzes the compilation with the generator's output in it: the same diagnostics, in the same places.
        Assert.Equal(Describe(diagnostics), Describe(CompilationHelper.RunAnalyzer(output)));
        return (diagnostics, new Run(result, output));
    }

    private static List<(string Id, string File, string Text)> Describe(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => (d.Id, d.Location.SourceTree?.FilePath ?? string.Empty, CompilationHelper.GetLocationText(d))).ToList();

    private static List<Diagnostic> Errors(Run run) =>
        run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    private static List<string> HintNames(Run run) =>
        run.Results.Single().GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal).ToList();

    /// <summary>A generator run and the compilation with its output.</summary>
    private sealed record Run(GeneratorDriverRunResult Result, Compilation Output)
    {
        public System.Collections.Immutable.ImmutableArray<GeneratorRunResult> Results => Result.Results;

        public System.Collections.Immutable.ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;
    }

    private static void AssertDiagnostics(IReadOnlyList<Diagnostic> actual, params (string Id, string Text)[] expected)
    {
        var got = actual.Select(d => (d.Id, CompilationHelper.GetLocationText(d))).ToList();
        Assert.Equal(expected.ToList(), got);
        Assert.All(actual, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    private static string Indent(string text) =>
        string.Concat(text.Split('\n').Select(l => (l.Length == 0 ? string.Empty : "    " + l) + "\n"));
}
