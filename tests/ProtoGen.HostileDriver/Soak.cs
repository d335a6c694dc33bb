using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.HostileDriver;

/// <summary>
/// The soak (scripts/soak.sh, docs/reliability.md): one node, <c>N</c> connections held for a duration, mixing
/// well-behaved peers (handshake, then a ping every few seconds, round trips recorded), slow readers (getdata and
/// pings, never read), partial-message holders (a 3,999,000-byte block declared, 3.9 MB of it sent), floods (inv,
/// addr, unconnecting headers, garbage) and churn (connect, maybe a version, close, again). Every slot that the node
/// closes reconnects a second later. Passes when the node stays up and exits 0 on SIGTERM, every well-behaved slot was
/// served (handshake and pongs) and still was near the end, and the peak RSS stays under the bound when one is given.
/// </summary>
/// <remarks>About 400 lines: the five roles are small loops that share the slot bookkeeping and the report; kept in one
/// file so that the mix a soak runs is read in one place.</remarks>
internal sealed class Soak
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private static readonly string[] FloodKinds = ["inv", "addr", "headers", "garbage"];

    private readonly ListenNode _node;
    private readonly TimeSpan _duration;
    private readonly int _wellBehaved;
    private readonly int _slowReaders;
    private readonly int _partialHolders;
    private readonly int _floods;
    private readonly int _churn;
    private readonly Stopwatch _clock = new();
    private readonly List<double> _roundTrips = [];
    private readonly TimeSpan[] _lastPong;
    private readonly ConcurrentDictionary<string, long> _observed = new(StringComparer.Ordinal);
    private long _pingTimeouts;
    private long _handshakes;
    private long _wellBehavedEnds;
    private long _slowSessions;
    private long _slowWritten;
    private long _partialSessions;
    private long _partialSent;
    private long _churnConnects;
    private long _churnFailures;
    private long _peakRss;

    private Soak(ListenNode node, TimeSpan duration, int connections)
    {
        _node = node;
        _duration = duration;
        _partialHolders = Math.Max(1, connections / 40);
        _wellBehaved = Math.Max(1, connections / 4);
        _slowReaders = connections * 3 / 20;
        _floods = connections * 3 / 20;
        _churn = Math.Max(0, connections - _partialHolders - _wellBehaved - _slowReaders - _floods);
        _lastPong = new TimeSpan[_wellBehaved];
        Array.Fill(_lastPong, TimeSpan.MinValue);
    }

    /// <summary>Runs the soak and prints its report; returns 0 when it passed, 1 when it failed.</summary>
    public static async Task<int> RunAsync(ListenNode node, TimeSpan duration, int connections, long? maxRss, string listenOptions)
    {
        var soak = new Soak(node, duration, connections);
        Console.WriteLine($"soak: {duration.TotalSeconds:0} s, {connections} connections ({soak._wellBehaved} well-behaved, {soak._slowReaders} slow readers, {soak._partialHolders} partial-message holders, {soak._floods} floods, {soak._churn} churn); listen {listenOptions}");
        return await soak.RunAsync(maxRss);
    }

    private async Task<int> RunAsync(long? maxRss)
    {
        long startRss = _node.Rss();
        using var end = new CancellationTokenSource(_duration);
        _clock.Start();
        var ramp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(20).Ticks, _duration.Ticks / 10));
        int total = _wellBehaved + _slowReaders + _partialHolders + _floods + _churn;
        var slots = new List<Task>(total);
        var partial = RawPeer.PartialMessage(RawPeer.DeclaredPartialSize, RawPeer.SentPartialSize);
        var requests = RawPeer.Requests(1000);
        var floods = FloodMessages();
        int slot = 0;
        Task Start(Func<Task> run) => Slot(slot++, total, ramp, run, end.Token);

        // Interleaved, so that every kind is present from the first seconds of the ramp.
        int[] left = [_wellBehaved, _slowReaders, _partialHolders, _floods, _churn];
        int[] started = new int[left.Length];
        while (slots.Count < total)
        {
            for (int kind = 0; kind < left.Length; kind++)
            {
                if (started[kind] == left[kind])
                {
                    continue;
                }

                int index = started[kind]++;
                slots.Add(kind switch
                {
                    0 => Start(() => WellBehavedAsync(index, end.Token)),
                    1 => Start(() => SlowReaderAsync(requests, end.Token)),
                    2 => Start(() => PartialHolderAsync(partial, end.Token)),
                    3 => Start(() => FloodAsync(FloodKinds[index % FloodKinds.Length], floods, end.Token)),
                    _ => Start(() => ChurnAsync(end.Token)),
                });
            }
        }

        var sampler = SampleAsync(end.Token);
        await sampler;
        long endRss = _node.Rss();
        var ended = Stopwatch.StartNew();
        await Task.WhenAll(slots);
        Console.WriteLine($"soak: every connection closed {ended.Elapsed.TotalSeconds:0.0} s after the end");
        long hwm = _node.PeakRss();
        bool alive = !_node.HasExited;
        var disconnects = _node.DisconnectsByKind();
        ended.Restart();
        string stop = await _node.StopAsync();
        Console.WriteLine($"soak: the node stopped {ended.Elapsed.TotalSeconds:0.0} s after SIGTERM");
        return Report(startRss, endRss, hwm, alive, disconnects, stop, maxRss);
    }

    private int Report(long startRss, long endRss, long hwm, bool alive, IReadOnlyDictionary<string, long> disconnects, string stop, long? maxRss)
    {
        var failures = new List<string>();
        Console.WriteLine($"node RSS: {Program.Mib(startRss)} MiB at start, peak {Program.Mib(hwm)} MiB (VmHWM; highest 1-s sample {Program.Mib(_peakRss)} MiB), {Program.Mib(endRss)} MiB at the end");
        double[] trips;
        lock (_roundTrips)
        {
            trips = [.. _roundTrips];
        }

        // Served until the end: a pong in the last 45 s (in the last half of a shorter soak).
        var recent = _duration - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(45).Ticks, _duration.Ticks / 2));
        int served = _lastPong.Count(t => t != TimeSpan.MinValue);
        int servedLate = _lastPong.Count(t => t >= recent);
        Console.WriteLine(
            $"well-behaved: {served} of {_wellBehaved} served (handshake and a pong), {servedLate} still answered after {recent.TotalSeconds:0} s; {Interlocked.Read(ref _handshakes)} handshakes, {Interlocked.Read(ref _wellBehavedEnds)} sessions ended by the node or failed; " +
            $"{trips.Length} pings, round trip median {Program.Percentile(trips, 0.5):0.00} ms, 99th percentile {Program.Percentile(trips, 0.99):0.00} ms, max {(trips.Length == 0 ? double.NaN : trips.Max()):0.0} ms; {Interlocked.Read(ref _pingTimeouts)} ping timeouts (30 s)");
        Console.WriteLine($"slow readers: {_slowSessions} sessions, {Interlocked.Read(ref _slowWritten) / 1e6:0.0} MB of getdata and pings written (never reading)");
        Console.WriteLine($"partial-message holders: {_partialSessions} sessions, {Interlocked.Read(ref _partialSent) / 1e6:0.0} MB sent of messages never finished");
        Console.WriteLine($"churn: {_churnConnects} connects, {_churnFailures} failed");
        Console.WriteLine("driver saw: " + Join(_observed));
        Console.WriteLine("node disconnects by kind: " + Join(disconnects));
        foreach (var line in _node.Summary())
        {
            Console.WriteLine("node: " + line);
        }

        Console.WriteLine(stop);
        if (!alive)
        {
            failures.Add($"the node exited during the soak (exit {_node.ExitCode}: {_node.LastError})");
        }
        else if (_node.ExitCode != 0)
        {
            failures.Add($"the node exited {_node.ExitCode} on SIGTERM");
        }

        if (served < _wellBehaved)
        {
            failures.Add($"{_wellBehaved - served} well-behaved peers were never served");
        }

        if (servedLate < _wellBehaved)
        {
            failures.Add($"{_wellBehaved - servedLate} well-behaved peers had no pong answered after {recent.TotalSeconds:0} s");
        }

        if (maxRss is { } bound && hwm > bound)
        {
            failures.Add($"peak RSS {Program.Mib(hwm)} MiB is over the bound {Program.Mib(bound)} MiB");
        }

        Console.WriteLine(failures.Count == 0 ? "soak: PASS" : "soak: FAIL: " + string.Join("; ", failures));
        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task Slot(int slot, int total, TimeSpan ramp, Func<Task> run, CancellationToken end)
    {
        try
        {
            await Task.Delay(ramp * slot / total, end);
            await run();
        }
        catch (OperationCanceledException)
        {
            // The soak ended.
        }
    }

    /// <summary>Handshakes, then pings every <see cref="PingInterval"/> (jittered) and records the round trips; reconnects when the node hangs up.</summary>
    private async Task WellBehavedAsync(int index, CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            Peer? peer = null;
            try
            {
                peer = await Peer.ConnectAsync(Program.Config("soak"), "127.0.0.1", _node.Port, end);
                await peer.WaitForHandshakeAsync(end).WaitAsync(TimeSpan.FromSeconds(60), end);
                Interlocked.Increment(ref _handshakes);
                while (!end.IsCancellationRequested)
                {
                    try
                    {
                        var trip = await peer.PingAsync(end).WaitAsync(TimeSpan.FromSeconds(30), end);
                        lock (_roundTrips)
                        {
                            _roundTrips.Add(trip.TotalMilliseconds);
                        }

                        _lastPong[index] = _clock.Elapsed;
                    }
                    catch (TimeoutException)
                    {
                        Interlocked.Increment(ref _pingTimeouts);
                    }

                    await Task.Delay(PingInterval * (0.5 + Random.Shared.NextDouble()), end);
                }
            }
            catch (Exception e) when (e is PeerDisconnectedException or SocketException or TimeoutException or InvalidOperationException)
            {
                Interlocked.Increment(ref _wellBehavedEnds);
                Observe("well-behaved", peer?.DisconnectReason?.Kind.ToString() ?? e.GetType().Name);
                await Task.Delay(Reconnect, end);
            }
            finally
            {
                if (peer is not null)
                {
                    peer.Disconnect();
                    await peer.WaitForDisconnectAsync();
                }
            }
        }
    }

    /// <summary>A small receive buffer, getdata (the genesis block 1,000 times) and a ping every 200 ms, never read.</summary>
    private async Task SlowReaderAsync(byte[] requests, CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            try
            {
                using var socket = await RawPeer.ConnectAsync(_node.Port, end, receiveBuffer: 4096);
                Interlocked.Increment(ref _slowSessions);
                await RawPeer.HandshakeAsync(socket, end);
                while (true)
                {
                    await RawPeer.SendAsync(socket, requests, end);
                    Interlocked.Add(ref _slowWritten, requests.Length);
                    await Task.Delay(200, end);
                }
            }
            catch (SocketException e)
            {
                Observe("slow reader", e.SocketErrorCode.ToString());
                await Task.Delay(Reconnect, end);
            }
        }
    }

    /// <summary>Declares a 3,999,000-byte block, sends 3.9 MB of it and holds on, reading whatever the node sends.</summary>
    private async Task PartialHolderAsync(byte[] partial, CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            try
            {
                using var socket = await RawPeer.ConnectAsync(_node.Port, end);
                Interlocked.Increment(ref _partialSessions);
                await RawPeer.HandshakeAsync(socket, end);
                var closed = RawPeer.DrainUntilClosedAsync(socket, end);
                await RawPeer.SendAsync(socket, partial, end);
                Interlocked.Add(ref _partialSent, partial.Length);
                if (await closed)
                {
                    Observe("partial holder", "closed after holding");
                    await Task.Delay(Reconnect, end);
                }
            }
            catch (SocketException e)
            {
                Observe("partial holder", e.SocketErrorCode.ToString());
                await Task.Delay(Reconnect, end);
            }
        }
    }

    /// <summary>One flood kind every 500 ms until the node hangs up, then again.</summary>
    private async Task FloodAsync(string kind, IReadOnlyDictionary<string, IMessage> messages, CancellationToken end)
    {
        var garbage = new byte[64 * 1024];
        Random.Shared.NextBytes(garbage);
        while (!end.IsCancellationRequested)
        {
            Peer? peer = null;
            try
            {
                if (kind == "garbage")
                {
                    using var socket = await RawPeer.ConnectAsync(_node.Port, end);
                    await RawPeer.HandshakeAsync(socket, end);
                    var closed = RawPeer.DrainUntilClosedAsync(socket, end);
                    await RawPeer.SendAsync(socket, garbage, end);
                    if (await closed)
                    {
                        Observe("garbage", "closed");
                    }
                }
                else
                {
                    peer = await Peer.ConnectAsync(Program.Config("flood"), "127.0.0.1", _node.Port, end);
                    await peer.WaitForHandshakeAsync(end).WaitAsync(TimeSpan.FromSeconds(60), end);
                    while (true)
                    {
                        await peer.SendAsync(messages[kind], end);
                        await Task.Delay(500, end);
                    }
                }
            }
            catch (Exception e) when (e is PeerDisconnectedException or SocketException or TimeoutException or InvalidOperationException)
            {
                Observe(kind, peer?.DisconnectReason?.Kind.ToString() ?? e.GetType().Name);
            }
            finally
            {
                if (peer is not null)
                {
                    peer.Disconnect();
                    await peer.WaitForDisconnectAsync();
                }
            }

            await Task.Delay(Reconnect, end);
        }
    }

    /// <summary>Connects, sends a version half of the time, waits 0.2-2 s, closes, waits 0.1-1 s, again.</summary>
    private async Task ChurnAsync(CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            try
            {
                using var socket = await RawPeer.ConnectAsync(_node.Port, end);
                Interlocked.Increment(ref _churnConnects);
                if (Random.Shared.Next(2) == 0)
                {
                    await RawPeer.SendAsync(socket, RawPeer.VersionFrame, end);
                }

                await Task.Delay(Random.Shared.Next(200, 2000), end);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _churnFailures);
            }

            await Task.Delay(Random.Shared.Next(100, 1000), end);
        }
    }

    private async Task SampleAsync(CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _peakRss, Math.Max(Interlocked.Read(ref _peakRss), _node.Rss()));
            try
            {
                await Task.Delay(1000, end);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static Dictionary<string, IMessage> FloodMessages()
    {
        var hashes = new InventoryVector[ProtocolLimits.MaxInventory];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i] = new InventoryVector(InventoryType.Tx, RegtestChain.UnknownHash(1_000_000 + i));
        }

        var now = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var addresses = new TimestampedNetworkAddress[ProtocolLimits.MaxAddresses];
        for (int i = 0; i < addresses.Length; i++)
        {
            var ip = new System.Net.IPAddress([(byte)(11 + (i % 200)), (byte)(i >> 8), (byte)i, 1]);
            addresses[i] = new TimestampedNetworkAddress { Timestamp = now, Address = NetworkAddress.FromEndPoint(new System.Net.IPEndPoint(ip, 8333), ServiceFlags.Network | ServiceFlags.Witness) };
        }

        return new Dictionary<string, IMessage>(StringComparer.Ordinal)
        {
            ["inv"] = new InvMessage { Inventory = new WireArray<InventoryVector>(hashes) },
            ["addr"] = new AddrMessage { Addresses = new WireArray<TimestampedNetworkAddress>(addresses) },
            ["headers"] = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(RegtestChain.UnknownHash(-1), 2000)) },
        };
    }

    private void Observe(string role, string what) => _observed.AddOrUpdate(role + " " + what, 1, (_, count) => count + 1);

    private static string Join(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var parts = counts.Where(c => c.Value > 0).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value}")).ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
