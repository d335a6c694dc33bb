using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Tests;

/// <summary>Bounds for the network tests: generous for a shared, noisy machine, yet every wait ends.</summary>
internal static class Limits
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
}

/// <summary>A thread-safe text writer that collects lines and lets a test wait for one.</summary>
internal sealed class LineCapture : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private int _lineStart;

    public LineCapture() => NewLine = "\n";

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
            if (value == '\n')
            {
                string line = _text.ToString(_lineStart, _text.Length - _lineStart - 1);
                _lineStart = _text.Length;
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(line))
                    {
                        _waiters[i].Found.TrySetResult(line);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    /// <summary>The first line (already written or still to come) matching <paramref name="match"/>.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        lock (_lock)
        {
            foreach (var line in _text.ToString(0, _lineStart).Split('\n'))
            {
                if (match(line))
                {
                    return Task.FromResult(line);
                }
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(Limits.Wait);
        }
    }
}

/// <summary>protogen running in-process on a task, with captured output and a cancellation token for a stop request.</summary>
internal sealed class InProcessRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public InProcessRun(params string[] args)
    {
        var context = new CommandContext(Out, Error, () => new MemoryStream(), cancellation: _stop.Token);
        Exit = Task.Run(() => CommandLineApp.Run(args, context));
    }

    public LineCapture Out { get; } = new();

    public LineCapture Error { get; } = new();

    public Task<int> Exit { get; }

    /// <summary>Waits for the "listening on ADDRESS:PORT" line and returns the port.</summary>
    public async Task<int> WaitForListeningPortAsync()
    {
        var listening = Out.WaitForLineAsync(line => line.Contains("listening on ", StringComparison.Ordinal));
        var first = await Task.WhenAny(listening, Exit).WaitAsync(Limits.Wait);
        if (first != listening)
        {
            throw new InvalidOperationException($"protogen exited with {await Exit} before listening: {Error.Text}");
        }

        return Listening.Port(await listening);
    }

    /// <summary>Asks the command to stop (as SIGTERM does) and waits for its exit code.</summary>
    public async Task<int> StopAsync()
    {
        _stop.Cancel();
        return await Exit.WaitAsync(Limits.Wait);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await Exit.WaitAsync(Limits.Wait);
        }
        finally
        {
            _stop.Dispose();
            Out.Dispose();
            Error.Dispose();
        }
    }
}

/// <summary>Reads the port of a "listening on 127.0.0.1:PORT" line.</summary>
internal static partial class Listening
{
    public static int Port(string line)
    {
        var match = ListeningRegex().Match(line);
        Assert.True(match.Success, "no listening address in: " + line);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+) ")]
    private static partial Regex ListeningRegex();
}

/// <summary>protogen started as a long-running child process (`dotnet protogen.dll ...`), read line by line.</summary>
internal sealed class RunningChild : IDisposable
{
    private readonly Process _process;
    private readonly Task _pump;

    public RunningChild(params string[] args)
        : this(Redirected(ChildProcess.DotnetHost(), [ChildProcess.ProtogenDll, .. args]))
    {
    }

    private RunningChild(ProcessStartInfo start)
    {
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        _process.StandardInput.Close();
        _pump = Task.WhenAll(Pump(_process.StandardOutput, Out), Pump(_process.StandardError, Error));
    }

    public LineCapture Out { get; } = new();

    public LineCapture Error { get; } = new();

    public bool HasExited => _process.HasExited;

    /// <summary>protogen as a child of <c>/bin/sh</c>, which lowers the descriptor limit first (<c>ulimit -n</c>) and then execs it.</summary>
    public static RunningChild WithDescriptorLimit(int descriptors, params string[] args) =>
        new(Redirected("/bin/sh", ["-c", $"ulimit -n {descriptors} && exec \"$0\" \"$@\"", ChildProcess.DotnetHost(), ChildProcess.ProtogenDll, .. args]));

    public int Id => _process.Id;

    public Task<string> WaitForLineAsync(Func<string, bool> match) => Out.WaitForLineAsync(match);

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        Assert.True(kill.WaitForExit(Limits.Wait), "kill did not finish");
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<RunResult> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Limits.Wait);
        await _pump.WaitAsync(Limits.Wait);
        return new RunResult(_process.ExitCode, Out.Text, Error.Text);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(Limits.Wait);
        }

        _process.Dispose();
    }

    private static ProcessStartInfo Redirected(string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static async Task Pump(StreamReader reader, LineCapture capture)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            capture.Write(new string(buffer, 0, read).ReplaceLineEndings("\n"));
        }
    }
}

/// <summary>Ports for tests: free ones, held ones and closed ones, all on 127.0.0.1.</summary>
internal static class Ports
{
    /// <summary>A port nothing listens on (bound and released again; connecting to it is refused).</summary>
    public static int Closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
