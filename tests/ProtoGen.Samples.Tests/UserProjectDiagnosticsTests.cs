using System.Text.RegularExpressions;
using ProtoGen.Samples.Tests.Infrastructure;

namespace ProtoGen.Samples.Tests;

/// <summary>
/// The generator's diagnostics fire in a user's own project, built by <c>dotnet build</c> outside the repository: the
/// ID, the file and the line and column of the offending declaration appear in the build output, as a user sees them.
/// </summary>
public sealed partial class UserProjectDiagnosticsTests : IDisposable
{
    private const string Source = """
        using ProtoGen;

        namespace User.Protocol;

        [MessageSet("Demo")]
        public static partial class DemoMessages;

        [Message("hello")]
        public sealed partial record HelloMessage
        {
            public ulong Nonce { get; init; }
        }

        [Message("blob")]
        public sealed partial record BlobMessage
        {
            public WireBytes Data { get; init; }
        }

        [Message("plain")]
        public sealed record PlainMessage
        {
            public int Value { get; init; }
        }

        // Valid on its own, so the generator emits its codec before the analyzer runs: the analyzer must still see it.
        [Message("hello")]
        public sealed partial record SecondHelloMessage;

        // ProtoGen.Bitcoin, which this project references, already declares "ping".
        [Message("ping")]
        public sealed partial record MyPingMessage
        {
            public ulong Nonce { get; init; }
        }

        // Compiles only if the generator ran for this project: the listener interface of the Demo set.
        public sealed class Handler : IDemoListener<int>
        {
            public void OnHello(int peer, HelloMessage message)
            {
            }
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("protogen-user-").FullName;

    [Fact]
    public async Task MistakesInAUserProjectAreReportedWithIdFileAndLine()
    {
        var project = WriteProject();
        var (exitCode, output) = await DotNet.RunAsync(_directory, TimeSpan.FromMinutes(4),
            "build", project, "--artifacts-path", Path.Combine(_directory, "artifacts"), "-nodeReuse:false", "-v:q", "-clp:NoSummary");

        Assert.NotEqual(0, exitCode);
        var errors = ErrorLine().Matches(output).Select(m => (File: m.Groups["file"].Value, Line: int.Parse(m.Groups["line"].Value), Column: int.Parse(m.Groups["column"].Value), Id: m.Groups["id"].Value, Text: m.Groups["text"].Value)).Distinct().ToList();

        // Exactly the four mistakes: no CS error, so the rest (including the generated IDemoListener) compiled.
        var source = Path.Combine(_directory, "Messages.cs");
        var (dataLine, dataColumn) = Find("WireBytes Data", "Data");
        var (plainLine, plainColumn) = Find("record PlainMessage", "PlainMessage");
        var (pingLine, pingColumn) = Find("[Message(\"ping\")]", "\"ping\"");
        var (helloLine, helloColumn) = Find("[Message(\"hello\")]\npublic sealed partial record SecondHelloMessage", "\"hello\"");
        Assert.True(errors.Count == 4, output);
        Assert.Contains(errors, e => e.Id == "PGEN0102" && e.File == source && e.Line == dataLine && e.Column == dataColumn && e.Text.Contains("'Data' of 'BlobMessage'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "PGEN0001" && e.File == source && e.Line == plainLine && e.Column == plainColumn && e.Text.Contains("'PlainMessage' must be declared partial", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "PGEN0201" && e.File == source && e.Line == helloLine && e.Column == helloColumn && e.Text.Contains("Command 'hello' of 'SecondHelloMessage' is already used by 'HelloMessage'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "PGEN0205" && e.File == source && e.Line == pingLine && e.Column == pingColumn && e.Text.Contains("Command 'ping' of 'MyPingMessage' is already declared by 'ProtoGen.Bitcoin.PingMessage' in the message set 'ProtoGen.Bitcoin.BitcoinMessages' of the referenced assembly 'ProtoGen.Bitcoin'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The 1-based line and column of <paramref name="name"/> inside the first occurrence of <paramref name="context"/>.</summary>
    private static (int Line, int Column) Find(string context, string name)
    {
        int index = Source.IndexOf(context, StringComparison.Ordinal) + context.IndexOf(name, StringComparison.Ordinal);
        int line = Source[..index].Count(c => c == '\n') + 1;
        int column = index - (Source.LastIndexOf('\n', index - 1) + 1) + 1;
        return (line, column);
    }

    /// <summary>A user-style project outside the repository: the runtime and the Bitcoin set as references, the generator as an analyzer.</summary>
    private string WriteProject()
    {
        var runtime = typeof(WireReader).Assembly.Location;
        var bitcoin = typeof(ProtoGen.Bitcoin.BitcoinMessages).Assembly.Location;
        var generator = Path.Combine(AppContext.BaseDirectory, "generator", "ProtoGen.Generators.dll");
        Assert.True(File.Exists(generator), $"{generator} is missing (the test project copies it at build time)");

        // Stop MSBuild and NuGet from picking up anything above the temp directory.
        File.WriteAllText(Path.Combine(_directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(_directory, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(_directory, "Messages.cs"), Source.ReplaceLineEndings("\n"));
        var project = Path.Combine(_directory, "User.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="ProtoGen.Runtime" HintPath="{runtime}" />
                <Reference Include="ProtoGen.Bitcoin" HintPath="{bitcoin}" />
                <Analyzer Include="{generator}" />
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    [GeneratedRegex(@"^(?<file>[^\r\n]+?)\((?<line>\d+),(?<column>\d+)\): error (?<id>[A-Z]+\d+): (?<text>[^\r\n]*?)(?: \[[^\r\n]*\])?\r?$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
