using System.Globalization;
using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests.Diagnostics;

/// <summary>PGEN0201-PGEN0205: commands and listener names, within the assembly and against referenced message sets.</summary>
public sealed class CommandDiagnosticTests : DiagnosticTestBase
{
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
}
