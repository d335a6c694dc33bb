using System.Diagnostics;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.HostileDriver;

/// <summary>The attacks that make the node hold bytes: incomplete messages, and requests whose replies are never read.</summary>
internal static partial class Program
{
    /// <summary>How long the attackers hold on after sending (past the budget's 30 s deadline).</summary>
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(45);

    /// <summary>
    /// <paramref name="count"/> connections that each declare a block of <paramref name="declared"/> bytes, send
    /// <paramref name="sent"/> of it and hold on, reading what the node sends; the node's memory over <see cref="Hold"/>,
    /// how many it closes, and whether a fresh peer is served meanwhile.
    /// </summary>
    private static async Task PartialAsync(ListenNode node, int count, int declared, int sent)
    {
        long before = node.Rss();
        using var end = new CancellationTokenSource();
        var message = RawPeer.PartialMessage(declared, sent);
        var completed = 0;
        var watch = Stopwatch.StartNew();
        var holders = Enumerable.Range(0, count).Select(async Task<TimeSpan?> (int _) =>
        {
            try
            {
                using var socket = await RawPeer.ConnectAsync(node.Port, end.Token);
                await RawPeer.HandshakeAsync(socket, end.Token);
                var closed = RawPeer.DrainUntilClosedAsync(socket, end.Token);
                await RawPeer.SendAsync(socket, message, end.Token);
                Interlocked.Increment(ref completed);
                return await closed ? watch.Elapsed : null;
            }
            catch (SocketException)
            {
                return watch.Elapsed; // refused or reset by the node
            }
            catch (OperationCanceledException)
            {
                return null; // still held (or blocked in the send) when the hold ended
            }
        }).ToList();

        var (peak, fresh) = await WatchAsync(node, Hold);
        await end.CancelAsync();
        var ends = await Task.WhenAll(holders);
        var closedAt = ends.Where(t => t is not null).Select(t => t!.Value.TotalSeconds).Order().ToList();
        Console.WriteLine(
            $"partial {count} x {declared} ({sent} sent): {completed} sends completed (the rest held back by TCP backpressure); {closedAt.Count} closed by the node within {Hold.TotalSeconds:0} s" +
            (closedAt.Count > 0 ? $" (first at {closedAt[0]:0.0} s, last at {closedAt[^1]:0.0} s)" : string.Empty) +
            $"; RSS {Mib(before)} -> peak {Mib(peak)} MiB (+{Mib(peak - before)} MiB; VmHWM {Mib(node.PeakRss())}); {fresh}");
    }

    /// <summary>
    /// <paramref name="count"/> connections with small receive buffers that send getdata (the genesis block
    /// <paramref name="perGetData"/> times) and a ping over and over for <see cref="Hold"/> and never read.
    /// </summary>
    private static async Task SlowReadersAsync(ListenNode node, int count, int perGetData)
    {
        long before = node.Rss();
        using var end = new CancellationTokenSource();
        var requests = RawPeer.Requests(perGetData);
        long written = 0;
        var readers = Enumerable.Range(0, count).Select(async _ =>
        {
            try
            {
                using var socket = await RawPeer.ConnectAsync(node.Port, end.Token, receiveBuffer: 4096);
                await RawPeer.HandshakeAsync(socket, end.Token);
                while (true)
                {
                    await RawPeer.SendAsync(socket, requests, end.Token);
                    Interlocked.Add(ref written, requests.Length);
                    await Task.Delay(100, end.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return false; // still connected (blocked in a send, or between two)
            }
            catch (SocketException)
            {
                return true; // closed by the node
            }
        }).ToList();

        var (peak, fresh) = await WatchAsync(node, Hold);
        await end.CancelAsync();
        var closed = (await Task.WhenAll(readers)).Count(c => c);
        Console.WriteLine(
            $"slow readers {count} (getdata x {perGetData} + ping every 100 ms, never reading): {Interlocked.Read(ref written) / 1e6:0.0} MB of requests written in {Hold.TotalSeconds:0} s, {closed} closed by the node; " +
            $"RSS {Mib(before)} -> peak {Mib(peak)} MiB (+{Mib(peak - before)} MiB; VmHWM {Mib(node.PeakRss())}); {fresh}");
    }

    /// <summary>Samples the node's RSS every half second for <paramref name="duration"/> while a fresh peer connects, handshakes and pings every second.</summary>
    private static async Task<(long PeakRss, string FreshPeer)> WatchAsync(ListenNode node, TimeSpan duration)
    {
        using var end = new CancellationTokenSource(duration);
        var fresh = FreshPeerAsync(node.Port, end.Token);
        long peak = 0;
        while (!end.IsCancellationRequested)
        {
            peak = Math.Max(peak, node.Rss());
            try
            {
                await Task.Delay(500, end.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (peak, await fresh);
    }

    /// <summary>A well-behaved peer that joins after the attack has started: how long its handshake took, its pings' round trips.</summary>
    private static async Task<string> FreshPeerAsync(int port, CancellationToken end)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), end);
            var watch = Stopwatch.StartNew();
            var peer = await Peer.ConnectAsync(Config("fresh"), "127.0.0.1", port, end);
            await peer.WaitForHandshakeAsync(end);
            var handshake = watch.Elapsed;
            var pings = new List<double>();
            try
            {
                while (!end.IsCancellationRequested)
                {
                    pings.Add((await peer.PingAsync(end).WaitAsync(TimeSpan.FromSeconds(30), end)).TotalMilliseconds);
                    await Task.Delay(1000, end);
                }
            }
            catch (OperationCanceledException)
            {
                // The watch ended.
            }

            string result = pings.Count == 0
                ? $"fresh peer: handshake in {handshake.TotalMilliseconds:0} ms, no pong"
                : $"fresh peer: handshake in {handshake.TotalMilliseconds:0} ms, {pings.Count} pings answered (median {Percentile(pings, 0.5):0.0} ms, max {pings.Max():0.0} ms)";
            peer.Disconnect();
            await peer.WaitForDisconnectAsync();
            return result;
        }
        catch (Exception e) when (e is PeerDisconnectedException or SocketException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return $"fresh peer NOT served: {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The configuration of the driver's own well-behaved peers.</summary>
    internal static PeerConfig Config(string name) => new() { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache(), UserAgentName = "HostileDriver-" + name };

    /// <summary>The <paramref name="fraction"/> percentile of <paramref name="values"/> (nearest rank).</summary>
    internal static double Percentile(IReadOnlyList<double> values, double fraction)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
