using System.Reflection;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// Where each descriptor's <see cref="MessageDescriptor.MaxPayloadLength"/> comes from: the message's own limit or its
/// fixed size, never above its set's declared <c>MaxPayloadLength</c>; the runtime's
/// <see cref="MessageSetAttribute.DefaultMaxPayloadLength"/> when the set declares none or the assembly has no set.
/// </summary>
public sealed class PayloadLimitTests
{
    [Fact]
    public void TheRuntimeDefault_IsGeneric_NotAProtocolsLimit()
    {
        Assert.Equal((int)CompactSize.MaxSize, MessageSetAttribute.DefaultMaxPayloadLength);
        Assert.Equal(MessageSetAttribute.DefaultMaxPayloadLength, new MessageSetAttribute("X").MaxPayloadLength);
    }

    [Fact]
    public void ASetThatDeclaresALimit_CapsEveryMessage()
    {
        // Basic declares MaxPayloadLength = 5000.
        var run = ScenarioRun.Get(Scenarios.Basic);
        Assert.Equal(5000, Limit(run, "Scenarios.Basic.HelloMessage"));  // variable length: the set's limit
        Assert.Equal(1000, Limit(run, "Scenarios.Basic.ItemsMessage"));  // its own, smaller limit
        Assert.Equal(8, Limit(run, "Scenarios.Basic.PingMessage"));      // fixed size
    }

    [Fact]
    public void ASetThatDeclaresNoLimit_GetsTheRuntimeDefault()
    {
        var run = ScenarioRun.Get(Scenarios.Shapes);
        Assert.Equal(MessageSetAttribute.DefaultMaxPayloadLength, Limit(run, "Scenarios.Shapes.PointMessage"));
        Assert.Equal(MessageSetAttribute.DefaultMaxPayloadLength, Limit(run, "Scenarios.Shapes.Outer+Middle+NestedMessage"));
        Assert.Equal(5, Limit(run, "Scenarios.Shapes.StructMessage"));
        Assert.Equal(2, Limit(run, "GlobalMessage"));
    }

    [Fact]
    public void AnAssemblyWithoutASet_GetsTheRuntimeDefault()
    {
        var assembly = Compile("""
            using ProtoGen;

            namespace L
            {
                [Message("text")]
                public sealed partial record TextMessage
                {
                    [MaxLength(10)]
                    public string Text { get; init; } = "";
                }

                [Message("fixed")]
                public sealed partial record FixedMessage
                {
                    public long Value { get; init; }
                }
            }
            """);
        Assert.Equal(MessageSetAttribute.DefaultMaxPayloadLength, Limit(assembly, "L.TextMessage"));
        Assert.Equal(8, Limit(assembly, "L.FixedMessage"));
    }

    [Fact]
    public void NoDescriptor_IsAboveTheSetsLimit()
    {
        var assembly = Compile("""
            using ProtoGen;

            namespace L
            {
                [MessageSet("L", MaxPayloadLength = 6)]
                public static partial class LMessages
                {
                }

                [Message("big", MaxPayloadLength = 100)]
                public sealed partial record BigMessage
                {
                    [MaxLength(10)]
                    public string Text { get; init; } = "";
                }

                [Message("fixed")]
                public sealed partial record FixedMessage
                {
                    public long Value { get; init; }
                }

                [Message("small", MaxPayloadLength = 3)]
                public sealed partial record SmallMessage
                {
                    [MaxLength(2)]
                    public string Text { get; init; } = "";
                }
            }
            """);
        Assert.Equal(6, Limit(assembly, "L.BigMessage"));
        Assert.Equal(6, Limit(assembly, "L.FixedMessage"));
        Assert.Equal(3, Limit(assembly, "L.SmallMessage"));
    }

    private static int Limit(ScenarioRun run, string typeName) => Limit(run.Assembly, typeName);

    private static int Limit(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return ((MessageDescriptor)type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).MaxPayloadLength;
    }

    private static Assembly Compile(string source)
    {
        var compilation = CompilationHelper.CreateCompilation(("L.cs", source));
        Assert.Empty(CompilationHelper.RunAnalyzer(compilation));
        var (_, result, output) = CompilationHelper.RunGenerator(compilation);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(CompilationHelper.CompilerProblems(output));
        return CompilationHelper.EmitAndLoad(output);
    }
}
