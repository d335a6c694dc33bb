using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ProtoGen.Bitcoin;
using ProtoGen.Interop.Tests.Infrastructure;

namespace ProtoGen.Interop.Tests.Bcoin;

/// <summary>An RPC call bcoin answered with an error.</summary>
internal sealed class BcoinRpcException(string method, string message) : Exception($"bcoin RPC {method}: {message}");

/// <summary>
/// One throw-away in-memory regtest bcoin (tests/interop/bcoin/launcher.js) on free loopback ports, and its JSON-RPC.
/// The launcher runs with <c>--exit-on-stdin-close</c> and stdin is a pipe from this process: closing it stops the node,
/// and if the test host dies, even by SIGKILL, the pipe closes and the node exits by itself. A process-exit guard
/// kills whatever is still running as a last resort.
/// </summary>
internal sealed class BcoinNode : IAsyncDisposable
{
    private const string ApiKey = "protogen";
    private const int LogLines = 400;

    private static readonly ConcurrentDictionary<int, Process> s_running = new();
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(120) };

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private int _stopped;

    static BcoinNode()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in s_running.Values)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }
            }
        };
    }

    private BcoinNode(string name, Process process, int p2pPort, int rpcPort)
    {
        Name = name;
        _process = process;
        P2PPort = p2pPort;
        RpcPort = rpcPort;
    }

    public string Name { get; }

    public int P2PPort { get; }

    public int RpcPort { get; }

    public int Pid => _process.Id;

    /// <summary>Starts a node on free ports and waits for its READY line (retries when a port was taken meanwhile).</summary>
    public static async Task<BcoinNode> StartAsync(string name)
    {
        string? lastFailure = null;
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var ports = FreePorts.Take(2);
            var (node, failure) = await TryStartAsync(name, ports[0], ports[1]);
            if (node is not null)
            {
                return node;
            }

            lastFailure = failure;
            if (!failure.Contains("port in use", StringComparison.Ordinal))
            {
                break;
            }
        }

        throw new InvalidOperationException($"bcoin '{name}' did not start: {lastFailure}");
    }

    private static async Task<(BcoinNode? Node, string Failure)> TryStartAsync(string name, int p2pPort, int rpcPort)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.BcoinDir,
        };
        foreach (var argument in new[]
        {
            Path.Combine(RepoPaths.BcoinDir, "launcher.js"),
            "--p2p-port", p2pPort.ToString(CultureInfo.InvariantCulture),
            "--rpc-port", rpcPort.ToString(CultureInfo.InvariantCulture),
            "--api-key", ApiKey,
            "--log-level", "info",
            "--exit-on-stdin-close",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        s_running[process.Id] = process;
        var node = new BcoinNode(name, process, p2pPort, rpcPort);
        process.ErrorDataReceived += (_, e) => node.AddLog(e.Data);
        process.BeginErrorReadLine();
        string? line;
        try
        {
            // The launcher prints exactly one line: READY or FAILED (2-4 s on a busy machine).
            line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            line = "(no READY line within 60 s)";
        }

        if (line is not null && line.StartsWith("READY ", StringComparison.Ordinal))
        {
            _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
            return (node, string.Empty);
        }

        await node.StopAsync();
        return (null, $"{line ?? "(launcher exited without output)"}\n{node.LogTail(40)}");
    }

    /// <summary>Stops the node: closes its stdin lifeline, waits up to 10 s, then kills it; always waits for the process to exit.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // the launcher is already gone
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            s_running.TryRemove(_process.Id, out _);
            _process.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>The last <paramref name="lines"/> lines of the node's log (for failure messages).</summary>
    public string LogTail(int lines = 60)
    {
        var all = _log.ToArray();
        return $"--- last {Math.Min(lines, all.Length)} lines of bcoin '{Name}' log ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private void AddLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > LogLines && _log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Calls a JSON-RPC method; throws <see cref="BcoinRpcException"/> when bcoin answers with an error (it does so with HTTP 200).</summary>
    public async Task<JsonElement> RpcAsync(string method, params object?[] parameters)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["jsonrpc"] = "1.0", ["id"] = 1, ["method"] = method, ["params"] = parameters });
        using var response = await PostAsync(body);
        using var document = JsonDocument.Parse(response);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            throw new BcoinRpcException(method, error.GetRawText());
        }

        return root.GetProperty("result").Clone();
    }

    /// <summary>Many calls of one method in one HTTP request (bcoin accepts JSON-RPC batches).</summary>
    public async Task<JsonElement[]> RpcBatchAsync(string method, IEnumerable<object?[]> calls)
    {
        var requests = calls.Select((parameters, i) => new Dictionary<string, object?> { ["jsonrpc"] = "1.0", ["id"] = i, ["method"] = method, ["params"] = parameters }).ToArray();
        using var response = await PostAsync(JsonSerializer.Serialize(requests));
        using var document = JsonDocument.Parse(response);
        var results = new JsonElement[requests.Length];
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
            {
                throw new BcoinRpcException(method, error.GetRawText());
            }

            results[item.GetProperty("id").GetInt32()] = item.GetProperty("result").Clone();
        }

        return results;
    }

    private async Task<Stream> PostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{RpcPort.ToString(CultureInfo.InvariantCulture)}/"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("x:" + ApiKey)));
        var response = await s_http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new BcoinRpcException("(http)", $"HTTP {(int)response.StatusCode} from bcoin '{Name}'");
        }

        var content = new MemoryStream();
        await response.Content.CopyToAsync(content);
        response.Dispose();
        content.Position = 0;
        return content;
    }

    public async Task<int> GetBlockCountAsync() => (await RpcAsync("getblockcount")).GetInt32();

    public async Task<Hash256> GetBestBlockHashAsync() => Hash256.Parse((await RpcAsync("getbestblockhash")).GetString()!);

    public async Task<Hash256> GetBlockHashAsync(int height) => Hash256.Parse((await RpcAsync("getblockhash", height)).GetString()!);

    /// <summary>The hashes at heights <paramref name="from"/> to <paramref name="to"/>, in one batch.</summary>
    public async Task<Hash256[]> GetBlockHashesAsync(int from, int to)
    {
        var results = await RpcBatchAsync("getblockhash", Enumerable.Range(from, to - from + 1).Select(h => new object?[] { h }));
        return results.Select(r => Hash256.Parse(r.GetString()!)).ToArray();
    }

    /// <summary>The block's serialization as bcoin returns it (<c>getblock hash false</c>: with witness data).</summary>
    public async Task<byte[]> GetRawBlockAsync(Hash256 hash) => Convert.FromHexString((await RpcAsync("getblock", hash.ToString(), false)).GetString()!);

    public async Task<Block> GetBlockAsync(int height) => WireSerializer.Decode<Block>(await GetRawBlockAsync(await GetBlockHashAsync(height)));

    /// <summary>Mines <paramref name="count"/> blocks to <paramref name="address"/> and returns their hashes.</summary>
    public async Task<Hash256[]> GenerateAsync(int count, string address = Regtest.P2shAddress)
    {
        var result = await RpcAsync("generatetoaddress", count, address);
        return result.EnumerateArray().Select(e => Hash256.Parse(e.GetString()!)).ToArray();
    }

    public async Task<HashSet<Hash256>> GetRawMempoolAsync() =>
        (await RpcAsync("getrawmempool")).EnumerateArray().Select(e => Hash256.Parse(e.GetString()!)).ToHashSet();

    /// <summary>Submits a transaction. bcoin returns before its mempool has checked it: poll <see cref="GetRawMempoolAsync"/>.</summary>
    public Task SendRawTransactionAsync(Transaction transaction) =>
        RpcAsync("sendrawtransaction", Convert.ToHexStringLower(WireSerializer.Encode(transaction)));

    public async Task<JsonElement[]> GetPeerInfoAsync() => (await RpcAsync("getpeerinfo")).EnumerateArray().ToArray();

    /// <summary>bcoin's view of the connection whose user agent is <paramref name="subversion"/>, if connected.</summary>
    public async Task<JsonElement?> FindPeerAsync(string subversion)
    {
        foreach (var peer in await GetPeerInfoAsync())
        {
            if (peer.TryGetProperty("subver", out var subver) && subver.GetString() == subversion)
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>Waits until bcoin's tip is at <paramref name="height"/> or above.</summary>
    public Task<int> WaitForHeightAsync(int height, TimeSpan timeout) =>
        Poll.UntilAsync(GetBlockCountAsync, h => h >= height, timeout, $"bcoin '{Name}' height {height}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"bcoin '{Name}' pid {Pid} p2p {P2PPort} rpc {RpcPort}");
}
