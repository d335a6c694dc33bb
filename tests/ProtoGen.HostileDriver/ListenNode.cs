using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ProtoGen.HostileDriver;

/// <summary>
/// <c>protogen listen</c> as a child process: its pid, port, memory (VmRSS now, VmHWM the peak), the disconnect
/// reasons its log gives by kind, and the counters line it prints when it stops. Its output is counted as it arrives,
/// never kept whole (a soak prints a line per peer for minutes).
/// </summary>
internal sealed partial class ListenNode : IDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly List<string> _summary = [];
    private readonly Queue<string> _errors = new();
    private readonly Dictionary<string, long> _disconnects = new(StringComparer.Ordinal);
    private long _errorCount;

    private ListenNode(Process process) => _process = process;

    public int Pid => _process.Id;

    public int Port { get; private set; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string LastError
    {
        get
        {
            lock (_errors)
            {
                return _errors.LastOrDefault() ?? "(nothing on standard error)";
            }
        }
    }

    /// <summary>Warning and error lines the node wrote to standard error so far.</summary>
    public long ErrorLines => Interlocked.Read(ref _errorCount);

    /// <summary>Starts the node, under <c>ulimit -n <paramref name="descriptors"/></c> when given (through <c>/bin/sh</c>).</summary>
    public static async Task<ListenNode> StartAsync(string dll, string[] options, int? descriptors)
    {
        var start = new ProcessStartInfo(descriptors is null ? "dotnet" : "/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (descriptors is { } limit)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"ulimit -n {limit} && exec dotnet \"$@\"");
            start.ArgumentList.Add("sh");
        }

        foreach (var arg in new[] { dll, "listen", "--port", "0", "--network", "regtest", "--log-level", "warning" }.Concat(options))
        {
            start.ArgumentList.Add(arg);
        }

        var node = new ListenNode(Process.Start(start)!);
        node._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Interlocked.Increment(ref node._errorCount);
                Keep(node._errors, e.Data);
            }
        };
        node._process.BeginErrorReadLine();
        var listening = new TaskCompletionSource<int>();
        node._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            node.Count(e.Data);
            if (ListeningRegex().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        node._process.BeginOutputReadLine();
        node.Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1)); // let start-up settle before the first RSS reading
        return node;
    }

    /// <summary>The node's resident set size (VmRSS), in bytes.</summary>
    public long Rss() => Status("VmRSS:");

    /// <summary>The node's peak resident set size so far (VmHWM), in bytes.</summary>
    public long PeakRss() => Status("VmHWM:");

    /// <summary>The disconnect lines of the node's log so far, by the kind of their reason.</summary>
    public IReadOnlyDictionary<string, long> DisconnectsByKind()
    {
        lock (_disconnects)
        {
            return new Dictionary<string, long>(_disconnects, StringComparer.Ordinal);
        }
    }

    /// <summary>The node's summary lines (counters, budget, peers served) once it has stopped.</summary>
    public IReadOnlyList<string> Summary()
    {
        lock (_summary)
        {
            return [.. _summary];
        }
    }

    /// <summary>Stops the node with SIGTERM; returns its counters line (or its last line: an older binary prints none).</summary>
    public async Task<string> StopAsync()
    {
        if (_process.HasExited)
        {
            return $"node: had already exited with code {_process.ExitCode}; last on standard error: {LastError}";
        }

        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            return "node: did not stop within 60 s of SIGTERM; killed";
        }

        string last;
        lock (_lines)
        {
            last = _lines.LastOrDefault() ?? "(no output)";
        }

        var summary = Summary();
        var counters = summary.FirstOrDefault(l => l.Contains(" counters: ", StringComparison.Ordinal)) ?? last;
        return "node: " + counters + $" (exit {_process.ExitCode}; {ErrorLines} warning lines, last: {LastError})";
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(60));
        }

        _process.Dispose();
    }

    private static void Keep(Queue<string> lines, string line)
    {
        lock (lines)
        {
            lines.Enqueue(line);
            if (lines.Count > KeptLines)
            {
                lines.Dequeue();
            }
        }
    }

    private void Count(string line)
    {
        Keep(_lines, line);
        if (DisconnectRegex().Match(line) is { Success: true } disconnect)
        {
            lock (_disconnects)
            {
                string kind = disconnect.Groups[1].Value;
                _disconnects[kind] = _disconnects.GetValueOrDefault(kind) + 1;
            }
        }
        else if (line.Contains(" counters: ", StringComparison.Ordinal) || line.Contains(" budget: ", StringComparison.Ordinal) || line.Contains(" stopped: ", StringComparison.Ordinal))
        {
            lock (_summary)
            {
                _summary.Add(line);
            }
        }
    }

    private long Status(string field)
    {
        if (_process.HasExited)
        {
            return 0;
        }

        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Exited between the check and the read.
        }

        return 0;
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+) ")]
    private static partial Regex ListeningRegex();

    // "disconnect peer 12 127.0.0.1:40000: ..., reason Kind: detail", or "reason connection closed" without a reason.
    [GeneratedRegex(@" disconnect peer \d+ .*, reason (\w+( closed)?)")]
    private static partial Regex DisconnectRegex();
}
