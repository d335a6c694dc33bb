using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ProtoGen.Interop.Tests.Infrastructure;

namespace ProtoGen.Interop.Tests.Bcoin;

/// <summary>Runs tests/interop/bcoin/setup.sh once per test run (idempotent: under a few seconds when bcoin is installed).</summary>
internal static class BcoinSetup
{
    /// <summary>A cold install takes 12-50 s on the 2-core machine; allow much more before calling it hung.</summary>
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(5);

    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static bool s_installed;

    public static async Task EnsureInstalledAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_installed)
            {
                return;
            }

            string nodeVersion = await RunAsync("node", ["--version"], TimeSpan.FromSeconds(30), "Node.js (node) is needed by the bcoin interop tests");
            var setup = Path.Combine(RepoPaths.BcoinDir, "setup.sh");
            await RunAsync("bash", [setup], SetupTimeout, $"installing bcoin with {setup} (node {nodeVersion.Trim()})");
            s_installed = true;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Runs a program to completion (bounded), returning its standard output; throws with everything it printed when it fails.</summary>
    private static async Task<string> RunAsync(string program, string[] arguments, TimeSpan timeout, string purpose)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.BcoinDir,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{purpose}, but '{program}' cannot be started ({e.Message}). Install Node.js >= 18 with npm, python3, make and g++ " +
                "(e.g. apt-get install nodejs npm python3 make g++), or run scripts/interop.sh, which checks and installs what the interop tests need.", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = new StringBuilder();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{purpose}: '{program} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:0} s"));
            }

            output.Append(await stdout).Append(await stderr);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{purpose}: '{program} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s:\n{output}"));
            }

            return await stdout;
        }
    }
}
