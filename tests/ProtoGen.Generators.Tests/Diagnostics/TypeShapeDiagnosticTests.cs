using System.Globalization;

namespace ProtoGen.Generators.Tests.Diagnostics;

/// <summary>PGEN0001-PGEN0007: the shape of a message, wire type or message set (partial, generic, accessible, constructible, its payload limit).</summary>
public sealed class TypeShapeDiagnosticTests : DiagnosticTestBase
{
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
}
