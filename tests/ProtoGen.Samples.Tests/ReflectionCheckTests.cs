using System.Diagnostics;
using ProtoGen.Samples.Tests.Infrastructure;

namespace ProtoGen.Samples.Tests;

/// <summary>
/// scripts/check-no-reflection.sh, which CI runs over src/, schema/ and the generated code: it must catch each banned
/// construct and name the file, line and rule, must not flag what is allowed, and the shipped sources must pass it.
/// </summary>
public sealed class ReflectionCheckTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("protogen-reflection-").FullName;

    [Fact]
    public void EachBannedConstructIsReportedWithFileLineAndRule()
    {
        var bad = Path.Combine(_directory, "Bad.cs");
        File.WriteAllLines(bad,
        [
            "using System.Reflection;",                                                        // 1
            "namespace X;",                                                                    // 2
            "class Bad",                                                                       // 3
            "{",                                                                               // 4
            "    dynamic D = 1;",                                                              // 5
            "    object A = System.Activator.CreateInstance(typeof(int))!;",                   // 6
            "    System.Type T = System.Type.GetType(\"System.Int32\")!;",                     // 7
            "    System.Type G = typeof(System.Collections.Generic.List<>).MakeGenericType(typeof(int));", // 8
            "    object? M = typeof(Bad).GetMethod(\"F\");",                                   // 9
            "    object? P = new Bad().GetType().GetProperties();",                            // 10
            "    System.Linq.Expressions.Expression<System.Func<int>> E = () => 1;",           // 11
            "    object R = new System.Text.RegularExpressions.Regex(\"a\", System.Text.RegularExpressions.RegexOptions.Compiled);", // 12
            "    object L = System.Reflection.Emit.OpCodes.Ret;",                              // 13
            "}",
        ]);

        var (exitCode, output) = Run(_directory);

        Assert.Equal(1, exitCode);
        Assert.Contains("FAILED", output, StringComparison.Ordinal);
        foreach (var (line, rule) in new[]
        {
            (1, "the reflection API"),
            (5, "dynamic binds members"),
            (6, "Activator"),
            (7, "looks types up by name"),
            (8, "builds types or methods"),
            (9, "member lookup on a Type"),
            (10, "member lookup on a Type"),
            (11, "expression trees"),
            (12, "compiles a regex"),
            (13, "the reflection API"),
        })
        {
            Assert.Contains($"{bad}:{line}: [{rule}", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AllowedCodeAndCommentsPass()
    {
        File.WriteAllLines(Path.Combine(_directory, "Fine.cs"),
        [
            "// using System.Reflection; is banned, and dynamic too: comments may say so",
            "/// <summary>Dynamic dispatch is generated, not reflected.</summary>",
            "class Fine",
            "{",
            "    string N(System.Exception e) => e.GetType().Name;",
            "    System.Type T = typeof(Fine);",
            "    bool Dynamically = true;",
            "}",
        ]);
        Directory.CreateDirectory(Path.Combine(_directory, "obj"));
        File.WriteAllText(Path.Combine(_directory, "obj", "Ignored.cs"), "using System.Reflection;\n");

        var (exitCode, output) = Run(_directory);

        Assert.True(exitCode == 0, output);
        Assert.Contains("check-no-reflection: ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedSourcesPass()
    {
        // The sources only; CI's run of the script without arguments also builds and scans the generated code.
        var (exitCode, output) = Run(Repo.File("src"), Repo.File("schema"));
        Assert.True(exitCode == 0, output);
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

    private static (int ExitCode, string Output) Run(params string[] paths)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Repo.File("scripts/check-no-reflection.sh"));
        foreach (var path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the check did not finish within a minute");
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
