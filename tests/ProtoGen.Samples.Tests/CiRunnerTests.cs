using System.Diagnostics;
using ProtoGen.Samples.Tests.Infrastructure;

namespace ProtoGen.Samples.Tests;

/// <summary>
/// .ci/steps.sh, the step runner of .ci/run: a step whose script is missing or not executable fails the run like a
/// failing step (it used to be skipped), the line before the last names every failed step, and the last line is the
/// test count.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CiRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("protogen-ci-").FullName;

    [Fact]
    public void MissingOrNonExecutableStepsFailTheRunAndAreNamedBeforeTheTestCount()
    {
        Script("passes.sh", "echo fine", executable: true);
        Script("plain.sh", "echo never runs", executable: false);
        Script("fails.sh", "exit 3", executable: true);
        Script("tests.sh", "echo 'running tests'; echo '7 passed, 0 failed'", executable: true);

        var (exitCode, lines) = Run(
            "step \"passes\" ./passes.sh",
            "step \"missing script\" ./no-such-step.sh",
            "step \"not executable\" ./plain.sh",
            "step \"no such program\" protogen-no-such-program",
            "step \"fails\" ./fails.sh",
            "test_step \"tests\" ./tests.sh",
            "finish");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("::: ./no-such-step.sh is missing", lines);
        Assert.Contains("::: missing script FAILED", lines);
        Assert.Contains("::: ./plain.sh is not an executable file", lines);
        Assert.Contains("::: protogen-no-such-program: command not found", lines);
        Assert.DoesNotContain("never runs", lines);
        Assert.DoesNotContain("::: passes FAILED", lines);
        Assert.Equal("failed steps: missing script, not executable, no such program, fails", lines[^2]);
        Assert.Equal("7 passed, 0 failed", lines[^1]);
    }

    [Fact]
    public void AllStepsPassingExitsZeroWithTheTestCountLast()
    {
        Script("tests.sh", "echo '12 passed, 0 failed'", executable: true);

        var (exitCode, lines) = Run("step \"true\" true", "test_step \"tests\" ./tests.sh", "finish");

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(lines, line => line.StartsWith("failed steps", StringComparison.Ordinal));
        Assert.Equal("12 passed, 0 failed", lines[^1]);
    }

    [Fact]
    public void AMissingTestScriptFailsAndStillEndsWithACount()
    {
        var (exitCode, lines) = Run("test_step \"tests\" ./no-tests.sh", "finish");

        Assert.NotEqual(0, exitCode);
        Assert.Equal("failed steps: tests", lines[^2]);
        Assert.Equal("0 passed, 1 failed", lines[^1]);
    }

    [Fact]
    public void FailingTestsFailTheRunWithTheirCount()
    {
        Script("tests.sh", "echo '5 passed, 2 failed'; exit 1", executable: true);

        var (exitCode, lines) = Run("test_step \"tests\" ./tests.sh", "finish");

        Assert.NotEqual(0, exitCode);
        Assert.Equal("failed steps: tests", lines[^2]);
        Assert.Equal("5 passed, 2 failed", lines[^1]);
    }

    [Fact]
    public void CiRunUsesTheRunnerForEveryStepAndNamesExistingExecutableScripts()
    {
        var run = File.ReadAllLines(Repo.File(".ci/run"));

        Assert.Contains(run, line => line.Trim() == "source .ci/steps.sh");
        Assert.Equal("finish", run.Last(line => line.Trim().Length > 0).Trim());
        // No step guarded by a test that skips it when its script is absent.
        Assert.DoesNotContain(run, line => line.Contains("[ -x", StringComparison.Ordinal) || line.Contains("[[ -x", StringComparison.Ordinal));
        var scripts = run.SelectMany(line => line.Split(' ')).Where(word => word.StartsWith("scripts/", StringComparison.Ordinal)).ToArray();
        Assert.Contains("scripts/test.sh", scripts);
        Assert.All(scripts, script => Assert.True(File.Exists(Repo.File(script)), script + " is missing"));
    }

    [Fact]
    public void CiRunPacksWithTheCallersPackageFolderSetElsewhere()
    {
        // Many CI systems set NUGET_PACKAGES; the packaging checks must pass with it set, so CI runs them that way, and
        // the consumer build in pack.sh uses a package folder of its own whatever the caller's is.
        var run = File.ReadAllLines(Repo.File(".ci/run"));
        foreach (var script in new[] { "scripts/pack.sh", "scripts/pack-tool.sh" })
        {
            var line = Assert.Single(run, l => l.Contains(script, StringComparison.Ordinal));
            Assert.StartsWith("NUGET_PACKAGES=\"$(mktemp -d)\" step ", line.Trim(), StringComparison.Ordinal);
        }

        Assert.Contains(File.ReadAllLines(Repo.File("scripts/pack.sh")), l => l.Trim() == "export NUGET_PACKAGES=\"$consumer_packages\"");
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

    private void Script(string name, string body, bool executable)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private (int ExitCode, string[] Lines) Run(params string[] body)
    {
        var ci = Path.Combine(_directory, "ci.sh");
        File.WriteAllLines(ci, ["exec 2>&1", "set -uo pipefail", $"source '{Repo.File(".ci/steps.sh")}'", .. body]);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory };
        start.ArgumentList.Add(ci);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A hang guard only: the scripts above finish at once.
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "the runner did not finish");
        process.WaitForExit();
        Assert.Equal(string.Empty, stderr.Result);
        return (process.ExitCode, stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
