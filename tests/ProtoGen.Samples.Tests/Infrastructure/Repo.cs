using System.Reflection;

namespace ProtoGen.Samples.Tests.Infrastructure;

/// <summary>The repository the tests were built from (recorded at build time; the output may be under an artifacts path).</summary>
internal static class Repo
{
    public static string Root { get; } = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value
        ?? throw new InvalidOperationException("RepoRoot is not recorded");

    public static string File(string relativePath) => Path.Combine(Root, relativePath);
}
