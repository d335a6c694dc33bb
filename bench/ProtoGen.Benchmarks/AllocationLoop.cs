using System.Diagnostics.Tracing;
using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Framing;

namespace ProtoGen.Benchmarks;

/// <summary>
/// What two peers allocate in the steady state besides the decoded messages (issue 13: "no steady-state allocation
/// beyond the decoded messages"), without BenchmarkDotNet, whose allocation column cannot resolve a few bytes per
/// message under 17 MB of decoded ones: <see cref="InvStreamBenchmarks"/>' pair moves the 10,000 inv eight times to
/// warm up, then <c>COUNT</c> times while the process's allocated bytes are counted (precise, every thread). The decoded
/// message's own size is measured, not assumed: the same stream read from memory by <see cref="MessageReader"/>,
/// which allocates nothing else (FramingAllocationTests). With <c>types</c>, a listener to the runtime's allocation
/// ticks (one event per ~100 KB allocated, naming the type that crossed it) names what was allocated; the listener
/// allocates too, so the total is printed from a second, unobserved run.
/// </summary>
internal static class AllocationLoop
{
    private const int WarmUpTransfers = 8;

    /// <summary>Prints the bytes per message beyond the decoded message, and with <paramref name="types"/> the sampled types.</summary>
    public static int Run(string transport, int count, bool types)
    {
        var messages = StreamCorpus.Messages("inv");
        double decoded = DecodedBytesPerMessage(StreamCorpus.Bytes("inv"), messages.Length);
        using var pair = new ProtoGenPeerPair(transport, counted => new BitcoinListeners<Peer> { OnInv = (_, _) => counted() });
        var timeout = TimeSpan.FromSeconds(60);
        for (int i = 0; i < WarmUpTransfers; i++)
        {
            Check.Equal(messages.Length, pair.Transfer(messages, timeout), "every inv delivered");
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < count; i++)
        {
            Check.Equal(messages.Length, pair.Transfer(messages, timeout), "every inv delivered");
        }

        double perMessage = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count / messages.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{transport}: {perMessage:F2} B allocated per inv over {count} transfers of {messages.Length:N0}, decoded inv {decoded:F2} B: {perMessage - decoded:F2} B per message beyond it"));
        if (types)
        {
            using var ticks = new AllocationTicks();
            for (int i = 0; i < count; i++)
            {
                pair.Transfer(messages, timeout);
            }

            ticks.Stop();
            Console.WriteLine("allocation ticks (one per ~100 KB allocated) by the type that crossed it, while observed:");
            foreach (var (type, ticksOfType) in ticks.ByType())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ticksOfType,8} {type}"));
            }
        }

        return 0;
    }

    /// <summary>The bytes a <see cref="MessageReader"/> allocates per message reading <paramref name="stream"/> from memory (warm).</summary>
    private static double DecodedBytesPerMessage(byte[] stream, int messages)
    {
        long allocated = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            using var memory = new MemoryStream(stream, writable: false);
            var reader = new MessageReader(memory, BitcoinNetwork.Mainnet);
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < messages; i++)
            {
                // Whole frames are in memory: every read completes synchronously (AsTask would allocate a task each).
                var read = reader.ReadAsync();
                Check.True(read.IsCompletedSuccessfully && read.Result is { Message: InvMessage }, "an inv read from memory");
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - start;
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return allocated / (double)messages;
    }

    /// <summary>Counts the runtime's GCAllocationTick events by type name.</summary>
    private sealed class AllocationTicks : EventListener
    {
        private readonly Dictionary<string, int> _byType = [];
        private volatile bool _on = true;

        public void Stop() => _on = false;

        public List<(string Type, int Ticks)> ByType()
        {
            lock (_byType)
            {
                var list = _byType.Select(pair => (pair.Key, pair.Value)).ToList();
                list.Sort((a, b) => b.Item2.CompareTo(a.Item2));
                return list;
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                // Keyword 0x1 (GC) at Verbose level carries GCAllocationTick.
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (!_on || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
            {
                return;
            }

            int index = eventData.PayloadNames.IndexOf("TypeName");
            string type = index >= 0 ? eventData.Payload?[index]?.ToString() ?? "?" : "?";
            lock (_byType)
            {
                _byType[type] = _byType.GetValueOrDefault(type) + 1;
            }
        }
    }
}
