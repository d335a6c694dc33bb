using Microsoft.CodeAnalysis;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>Regression tests for declaration shapes that once made the generated code fail to compile.</summary>
public sealed class EdgeCaseTests
{
    [Fact]
    public void InternalMessage_InAPublicSet_MakesTheListenersInternal()
    {
        var (generated, output) = Generate("""
            using ProtoGen;

            namespace E
            {
                [MessageSet("E")]
                public static partial class EMessages
                {
                }

                [Message("pub")]
                public sealed partial record PublicMessage;

                [Message("int")]
                internal sealed partial record InternalMessage;

                public static partial class Outer
                {
                    [Message("nested")]
                    internal sealed partial record NestedMessage;
                }
            }
            """);

        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Contains("internal partial interface IEListener<in TPeer>", generated["E.EMessages.Listeners.g.cs"], StringComparison.Ordinal);
        Assert.Contains("internal partial class EListeners<TPeer>", generated["E.EMessages.Listeners.g.cs"], StringComparison.Ordinal);
        Assert.Contains("internal sealed partial class EListenerGroup<TPeer>", generated["E.EMessages.ListenerGroup.g.cs"], StringComparison.Ordinal);
        string dispatcher = generated["E.EMessages.Dispatcher.g.cs"];
        Assert.Contains("internal static bool TryDispatch<TPeer>", dispatcher, StringComparison.Ordinal);
        Assert.Contains("internal static bool Deliver<TPeer>", dispatcher, StringComparison.Ordinal);
        Assert.Contains("public static bool TryHandle<TPeer, THandler>", dispatcher, StringComparison.Ordinal);
        Assert.Contains("public static global::ProtoGen.MessageDescriptor? FindMessage(", dispatcher, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicMessages_InAPublicSet_KeepPublicListeners()
    {
        var run = ScenarioRun.Get(Scenarios.Basic);
        Assert.Contains("public partial interface ITestListener<in TPeer>", run.Generated["Scenarios.Basic.TestMessages.Listeners.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public static bool TryDispatch<TPeer>", run.Generated["Scenarios.Basic.TestMessages.Dispatcher.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public static bool Deliver<TPeer>", run.Generated["Scenarios.Basic.TestMessages.Dispatcher.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public sealed partial class TestListenerGroup<TPeer>", run.Generated["Scenarios.Basic.TestMessages.ListenerGroup.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void CommandWithXmlCharacters_IsEscapedInDocComments()
    {
        var (generated, output) = Generate("""
            using ProtoGen;

            namespace E
            {
                [MessageSet("E")]
                public static partial class EMessages
                {
                }

                [Message("a<b&c>\"d")]
                public sealed partial record OddMessage;
            }
            """);

        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Contains("/// <summary>Called for each <c>a&lt;b&amp;c&gt;\"d</c> message.</summary>", generated["E.EMessages.Listeners.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public const string CommandName = \"a<b&c>\\\"d\";", generated["E.OddMessage.Serializer.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void SetInTheGlobalNamespace_NestedInAClass()
    {
        var (generated, output) = Generate("""
            using ProtoGen;

            public static partial class Container
            {
                [MessageSet("G")]
                public static partial class GMessages
                {
                }
            }

            [Message("g")]
            public sealed partial record GMessage
            {
                public int Value { get; init; }
            }
            """);

        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Contains("public partial interface IGListener<in TPeer>", generated["Container-GMessages.Listeners.g.cs"], StringComparison.Ordinal);
        Assert.Contains("global::IGListener<TPeer> listener", generated["Container-GMessages.Dispatcher.g.cs"], StringComparison.Ordinal);
        Assert.Contains("=> global::Container.GMessages.Messages;", generated["Container-GMessages.Dispatcher.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void KeywordNames_AreEscaped()
    {
        var (generated, output) = Generate("""
            using ProtoGen;

            namespace E.@event
            {
                public partial class @class
                {
                    [WireType]
                    public partial record struct @struct(int @int, [MaxLength(4)] string @string);
                }

                [WireType]
                public partial class Holder
                {
                    public @class.@struct @this { get; set; }

                    public long @base { get; set; }
                }
            }
            """);

        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Contains("namespace E.@event", generated["E.event.class-struct.Serializer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("partial class @class", generated["E.event.class-struct.Serializer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("writer.WriteInt64(value.@base);", generated["E.event.Holder.Serializer.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void HintNames_NeverCollide()
    {
        // A nested type B.C and a type named B_C, and a non-ASCII name: each gets its own file.
        var (generated, output) = Generate("""
            using ProtoGen;

            namespace E
            {
                public partial class B
                {
                    [WireType]
                    public partial struct C
                    {
                        public int Value { get; set; }
                    }
                }

                [WireType]
                public partial struct B_C
                {
                    public int Value { get; set; }
                }

                [WireType]
                public partial struct Größe
                {
                    public int Value { get; set; }
                }
            }
            """);

        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Equal(["E.B-C.Serializer.g.cs", "E.B_C.Serializer.g.cs", "E.Gr--00F6--00DFe.Serializer.g.cs"], generated.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WireTypeAndMessageOnOneType_IsEmittedOnceAsAMessage()
    {
        var (generated, output) = Generate("""
            using ProtoGen;

            namespace E
            {
                [WireType]
                [Message("both")]
                public sealed partial record BothMessage
                {
                    public int Value { get; init; }
                }
            }
            """);

        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Equal(["E.BothMessage.Serializer.g.cs"], generated.Keys);
        Assert.Contains("global::ProtoGen.IMessage<global::E.BothMessage>", generated["E.BothMessage.Serializer.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void UnusualButValidFieldShapes_CompileAndRoundTrip()
    {
        var (generated, output) = Generate("""
            using ProtoGen;

            namespace E
            {
                public enum Level : long
                {
                    Low = -1,
                    High = 5,
                }

                [WireType]
                public partial record struct Cell
                {
                    public byte Value { get; init; }
                }

                [WireType]
                public sealed partial record Leaf
                {
                    [MaxLength(4)]
                    public string Name { get; init; } = "";
                }

                [WireType]
                public sealed partial record Exotic
                {
                    [MaxCount(3)]
                    [CompactSize]
                    public WireArray<ulong> Sizes { get; init; }

                    [MaxCount(2)]
                    [BigEndian]
                    public WireArray<ushort> Ports { get; init; }

                    [MaxCount(2)]
                    public WireArray<Level> Levels { get; init; }

                    [MaxCount(2)]
                    public WireArray<bool> Flags { get; init; }

                    [Since(10)]
                    [MaxLength(3)]
                    public string Gated { get; init; } = "";

                    [Optional]
                    public Cell? Cell { get; init; }

                    [Optional]
                    public Leaf? Leaf { get; init; }

                    [Optional]
                    public Hash256? Hash { get; init; }

                    [Optional]
                    [MaxCount(2)]
                    public WireArray<Cell>? Cells { get; init; }

                    [Optional]
                    [CompactSize]
                    public Level? Compact { get; init; }
                }
            }
            """);
        Assert.Empty(CompilationHelper.CompilerProblems(output));
        Assert.Contains("E.Exotic.Serializer.g.cs", generated.Keys);

        var assembly = CompilationHelper.EmitAndLoad(output);
        var exotic = assembly.GetType("E.Exotic")!;
        var cell = assembly.GetType("E.Cell")!;
        var leaf = assembly.GetType("E.Leaf")!;
        var level = assembly.GetType("E.Level")!;
        object NewCell(byte b)
        {
            var c = Activator.CreateInstance(cell)!;
            cell.GetProperty("Value")!.SetValue(c, b);
            return c;
        }

        var value = Activator.CreateInstance(exotic)!;
        var leafValue = Activator.CreateInstance(leaf)!;
        leaf.GetProperty("Name")!.SetValue(leafValue, "ab");
        exotic.GetProperty("Sizes")!.SetValue(value, new WireArray<ulong>([1UL, 300UL]));
        exotic.GetProperty("Ports")!.SetValue(value, new WireArray<ushort>([0x0102]));
        exotic.GetProperty("Levels")!.SetValue(value, Generated.WireArrayOf(level, Enum.ToObject(level, -1L)));
        exotic.GetProperty("Flags")!.SetValue(value, new WireArray<bool>([true, false]));
        exotic.GetProperty("Gated")!.SetValue(value, "g");
        exotic.GetProperty("Cell")!.SetValue(value, NewCell(7));
        exotic.GetProperty("Leaf")!.SetValue(value, leafValue);
        exotic.GetProperty("Hash")!.SetValue(value, (Hash256?)new Hash256(new byte[32]));
        exotic.GetProperty("Cells")!.SetValue(value, Generated.WireArrayOf(cell, NewCell(1), NewCell(2)));
        exotic.GetProperty("Compact")!.SetValue(value, Enum.ToObject(level, 5L));

        byte[] bytes = Generated.Encode(value);
        string expected =
            "02" + "01" + "FD2C01" // Sizes
            + "01" + "0102" // Ports, big-endian
            + "01" + "FFFFFFFFFFFFFFFF" // Levels
            + "02" + "01" + "00" // Flags
            + "01" + "67" // Gated
            + "07" // Cell
            + "02" + "6162" // Leaf
            + new string('0', 64) // Hash
            + "02" + "01" + "02" // Cells
            + "05"; // Compact
        Assert.Equal(expected, Convert.ToHexString(bytes));
        Assert.Equal(bytes.Length, Generated.GetEncodedSize(value));
        var decodeMethod = typeof(WireSerializer).GetMethods().Single(m => m.Name == nameof(WireSerializer.Decode) && m.GetParameters()[0].ParameterType == typeof(ReadOnlyMemory<byte>));
        var decoded = decodeMethod.MakeGenericMethod(exotic).Invoke(null, [new ReadOnlyMemory<byte>(bytes), default(WireContext)])!;
        Assert.Equal(bytes, Generated.Encode(decoded));

        // Below the gate the string is skipped; the optional fields still follow.
        byte[] old = Generated.Encode(value, new WireContext(9));
        Assert.Equal(expected.Replace("01" + "67" + "07", "07", StringComparison.Ordinal), Convert.ToHexString(old));
    }

    [Fact]
    public void NullableReferenceFields_CompileWithoutWarnings_AndNullIsRejectedOnEncode()
    {
        var (_, output) = Generate("""
            using ProtoGen;

            namespace E
            {
                [WireType]
                public sealed partial record Leaf
                {
                    public byte Value { get; init; }
                }

                public sealed record Blob(byte Value);

                public static class BlobCodec
                {
                    public static Blob Read(ref WireReader reader) => new(reader.ReadByte());

                    public static void Write(ref WireWriter writer, Blob value) => writer.WriteByte(value.Value);

                    public static int GetEncodedSize(Blob value, WireContext context) => 1;
                }

                [WireType]
                public sealed partial record Holder
                {
                    [Since(70000)]
                    public Leaf? Gated { get; init; }

                    [WireCodec(typeof(BlobCodec))]
                    public Blob? Coded { get; init; }

                    [MaxCount(2)]
                    public WireArray<Leaf?> Leaves { get; init; }

                    [MaxLength(3)]
                    public string? Name { get; init; }

                    [MaxCount(2)]
                    [MaxLength(3)]
                    public WireArray<string?> Names { get; init; }
                }
            }
            """);
        Assert.Empty(CompilationHelper.CompilerProblems(output));

        var assembly = CompilationHelper.EmitAndLoad(output);
        var holder = assembly.GetType("E.Holder")!;
        var value = Activator.CreateInstance(holder)!;
        holder.GetProperty("Coded")!.SetValue(value, Activator.CreateInstance(assembly.GetType("E.Blob")!, (byte)1));

        // Below the gate the null is never touched; at the gate it cannot be encoded.
        Assert.Equal("01" + "00" + "00" + "00", Convert.ToHexString(Generated.Encode(value, new WireContext(60000))));
        var e = Assert.Throws<ProtocolException>(() => Generated.Encode(value));
        Assert.Equal(ProtocolError.EncodeLimitExceeded, e.Error);
        Assert.Equal("Gated: a required value is null and cannot be encoded", e.Message);
    }

    [Fact]
    public void WithoutTheRuntime_TheGeneratorDoesNothing()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "NoRuntime",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace ProtoGen { public sealed class MessageAttribute : System.Attribute { public MessageAttribute(string c) { } } } [ProtoGen.Message(\"x\")] public partial record X;", CompilationHelper.ParseOptions)],
            CompilationHelper.References.Where(r => !(r.Display ?? string.Empty).EndsWith("ProtoGen.Runtime.dll", StringComparison.Ordinal)),
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var (_, result, _) = CompilationHelper.RunGenerator(compilation);
        Assert.Empty(result.GeneratedTrees);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(CompilationHelper.RunAnalyzer(compilation));
    }

    private static (Dictionary<string, string> Generated, Compilation Output) Generate(string source)
    {
        var compilation = CompilationHelper.CreateCompilation(("E.cs", source));
        Assert.Empty(CompilationHelper.RunAnalyzer(compilation));
        var (_, result, output) = CompilationHelper.RunGenerator(compilation);
        Assert.Empty(result.Diagnostics);
        return (result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal), output);
    }
}
