using ProtoGen.Samples.Tests.Infrastructure;

namespace ProtoGen.Samples.Tests;

/// <summary>
/// The setup docs/hosting.md tells users to copy is code that compiles and runs: each of its registrations is a line of
/// the hosted sample (samples/ProtoGen.Samples.HostedNode), which CI builds, publishes with NativeAOT and runs.
/// </summary>
public class HostingDocTests
{
    [Fact]
    public void The_five_lines_of_hosting_md_are_lines_of_the_hosted_sample()
    {
        var doc = File.ReadAllLines(Repo.File("docs/hosting.md"));
        int heading = Array.FindIndex(doc, line => line.Trim() == "## The five lines");
        Assert.True(heading >= 0, "docs/hosting.md has no \"## The five lines\" section");
        int open = Array.FindIndex(doc, heading, line => line.StartsWith("```csharp", StringComparison.Ordinal));
        int close = Array.FindIndex(doc, open + 1, line => line.StartsWith("```", StringComparison.Ordinal));
        var code = doc[(open + 1)..close].Select(Code).Where(line => line.Length > 0).ToList();
        Assert.Equal(5, code.Count(line => line.StartsWith("builder.", StringComparison.Ordinal) || line.StartsWith("var builder", StringComparison.Ordinal)) - 1);

        var sample = File.ReadAllLines(Repo.File("samples/ProtoGen.Samples.HostedNode/Program.cs")).Select(Code).ToHashSet(StringComparer.Ordinal);
        foreach (var line in code.Where(line => line.StartsWith("builder.Services.", StringComparison.Ordinal) || line.StartsWith("var builder", StringComparison.Ordinal)))
        {
            Assert.Contains(line, sample);
        }
    }

    /// <summary>
    /// A line without its comment and surrounding space; the listener's type (the doc's <c>MyListener</c>, the
    /// sample's <c>BlockLog</c>) is the user's own, so it reads as <c>LISTENER</c>.
    /// </summary>
    private static string Code(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        string code = (comment < 0 ? line : line[..comment]).Trim();
        return System.Text.RegularExpressions.Regex.Replace(code, @"IBitcoinListener<Peer>, \w+>", "IBitcoinListener<Peer>, LISTENER>");
    }
}
