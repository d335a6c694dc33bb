using ProtoGen.Samples.Tests.Infrastructure;

namespace ProtoGen.Samples.Tests;

/// <summary>
/// <c>dotnet publish src/ProtoGen.Cli -c Release -r linux-x64 -p:PublishAot=true</c>, the form most NativeAOT guides
/// show, sets PublishAot as a global property of every project in the graph; the netstandard2.0 generator must not take
/// it (a netstandard2.0 project with PublishAot=true fails the restore with NETSDK1207). Checked here by evaluating the
/// projects with that global property (seconds); scripts/publish-aot.sh, a step of .ci/run, runs the publish itself.
/// </summary>
public sealed class AotPublishPropertiesTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_generator_keeps_its_own_publish_properties_under_a_global_PublishAot()
    {
        var properties = await EvaluateAsync("generators/ProtoGen.Generators/ProtoGen.Generators.csproj", "PublishAot", "PublishTrimmed", "IsAotCompatible", "TargetFramework");

        Assert.Equal("netstandard2.0", properties["TargetFramework"]);
        Assert.Equal("false", properties["PublishAot"]);
        Assert.Equal("false", properties["PublishTrimmed"]);
        Assert.Equal("false", properties["IsAotCompatible"]);
    }

    [Fact]
    public async Task The_cli_takes_the_global_PublishAot()
    {
        var properties = await EvaluateAsync("src/ProtoGen.Cli/ProtoGen.Cli.csproj", "PublishAot", "PublishTrimmed");

        Assert.Equal("true", properties["PublishAot"]);
        Assert.Equal("true", properties["PublishTrimmed"]);
    }

    /// <summary>Evaluates <paramref name="project"/> as <c>dotnet publish -p:PublishAot=true -p:PublishTrimmed=true</c> would, and returns the properties asked for.</summary>
    private static async Task<Dictionary<string, string>> EvaluateAsync(string project, params string[] names)
    {
        string[] arguments = ["msbuild", Repo.File(project), "-p:PublishAot=true", "-p:PublishTrimmed=true", "-p:Configuration=Release", .. names.Select(n => "-getProperty:" + n)];
        var (exitCode, output) = await DotNet.RunAsync(Repo.Root, Limit, arguments);
        Assert.True(exitCode == 0, output);

        // One property prints its value alone; several print {"Properties": {"Name": "value", ...}}.
        using var json = System.Text.Json.JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty);
    }
}
