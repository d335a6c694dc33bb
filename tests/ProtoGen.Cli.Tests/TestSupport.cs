using System.Diagnostics;
using System.Text;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Tests;

/// <summary>The outcome of one protogen run.</summary>
internal sealed record RunResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Asserts a failure reported the house way: the exit code, one line on stderr, nothing on stdout.</summary>
    public void AssertFailure(int exitCode, string expectedInError)
    {
        Assert.Equal(string.Empty, Out);
        AssertError(exitCode, expectedInError);
    }

    /// <summary>Asserts a failure after some output (connect prints what it learnt before a sync fails): the exit code and one line on stderr.</summary>
    public void AssertError(int exitCode, string expectedInError)
    {
        Assert.True(exitCode == ExitCode, $"exit code {ExitCode}, expected {exitCode}; stderr: {Error}");
        var line = Assert.Single(ErrorLines);
        Assert.StartsWith("protogen: ", line, StringComparison.Ordinal);
        Assert.Contains(expectedInError, line, StringComparison.Ordinal);
    }
}

/// <summary>Runs protogen in-process through its real entry point, with captured standard streams.</summary>
internal static class Cli
{
    public static RunResult Run(params string[] args) => RunWithInput([], args);

    /// <summary>Runs with <paramref name="standardInput"/> behind a terminal's standard input (not redirected).</summary>
    public static RunResult RunWithInput(byte[] standardInput, params string[] args) => Run(standardInput, inputRedirected: false, args);

    /// <summary>Runs with standard input redirected from <paramref name="standardInput"/> (a pipe or a file, not a terminal).</summary>
    public static RunResult RunWithRedirectedInput(byte[] standardInput, params string[] args) => Run(standardInput, inputRedirected: true, args);

    private static RunResult Run(byte[] standardInput, bool inputRedirected, string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var context = new CommandContext(output, error, () => new MemoryStream(standardInput, writable: false), isInputRedirected: inputRedirected);
        int exitCode = CommandLineApp.Run(args, context);
        return new RunResult(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>Runs the built protogen.dll as a child process with `dotnet`, as a user would.</summary>
internal static class ChildProcess
{
    public static string ProtogenDll => Path.Combine(AppContext.BaseDirectory, "protogen.dll");

    /// <summary>Runs protogen with <paramref name="standardInput"/> written to its standard input (a pipe; empty when null).</summary>
    public static RunResult Run(byte[]? standardInput, params string[] args) => Start(standardInput ?? [], [DotnetHost(), ProtogenDll, .. args]);

    /// <summary>
    /// Runs protogen with its standard input redirected from <paramref name="inputFile"/> by the shell
    /// (<c>protogen ARGS &lt; FILE</c>), as a user's shell does: a file, not a pipe.
    /// </summary>
    public static RunResult RunWithInputFile(string inputFile, params string[] args) =>
        Start(null, ["/bin/sh", "-c", "file=$1; shift; exec \"$@\" < \"$file\"", "sh", inputFile, DotnetHost(), ProtogenDll, .. args]);

    private static RunResult Start(byte[]? standardInput, string[] commandLine)
    {
        var start = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in commandLine.AsSpan(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + commandLine[0]);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.BaseStream.Write(standardInput);
            process.StandardInput.Close();
        }

        // A hang guard only (not a timing assertion): a hung child fails the test instead of the whole run.
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("protogen did not exit");
        }

        return new RunResult(process.ExitCode, output.GetAwaiter().GetResult().ReplaceLineEndings("\n"), error.GetAwaiter().GetResult().ReplaceLineEndings("\n"));
    }

    internal static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (dotnet test); otherwise rely on PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}

/// <summary>The data files copied next to the test assembly from tests/data, and facts about them.</summary>
internal static class TestData
{
    public const string Blocks1To255 = "blocks1-255.blk";
    public const string Block413567 = "block413567.raw";
    public const string Block413567Hash = "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069";
    public const string SegwitBlock1Hash = "0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2";
    public const string SegwitBlock2Hash = "00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab";
    public const string MegaTx = "megatx.bin";
    public const string MegaTxId = "bb41a757f405890fb0f5856228e23b715702d714d59bf2b1feb70d8b2b4e3e08";
    public const string Block1Hash = "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048";
    public const string Block170Hash = "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee";
    public const string TipHash = "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c";

    // Counted independently of ProtoGen (a short Python parser over the same files).
    public const string ShippedTotalLine = "total: 255 blocks, 262 transactions, 56691 bytes, all merkle roots valid, tip " + TipHash;

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static string SegwitBlockFile(string hash) => "block-" + hash + ".raw";
}

/// <summary>A temporary file deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[] contents)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "protogen-cli-test-" + Guid.NewGuid().ToString("N") + ".bin");
        File.WriteAllBytes(Path, contents);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
