using System.Globalization;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests.Diagnostics;

/// <summary>PGEN0106-PGEN0109: attributes that do not fit their field, limits out of range, names the generator needs, required cycles.</summary>
public sealed class FieldAttributeDiagnosticTests : DiagnosticTestBase
{
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
}
