using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;
using Xunit.Abstractions;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Statistics, metrics and logging — leak test: 200 peer pairs over loopback TCP leave nothing behind once disconnected
/// (scheduler registrations and timer, pooled buffers, streams, loop tasks).
/// </summary>
[Collection(Peer1SequentialCollection.Name)]
public class LeakTests(ITestOutputHelper output)
{
    private const int Pairs = 200;

    [Fact]
    public async Task Two_hundred_peer_pairs_over_loopback_leave_nothing_behind()
    {
        var clock = Stopwatch.StartNew();
        using var scheduler = new PeerScheduler(TimeProvider.System);
        var pool = new CountingMemoryPool();
        var streams = new StreamCounter();
        int addressesReceived = 0;
        int invsReceived = 0;

        var clientListener = new BitcoinListeners<Peers.Peer>
        {
            OnAddrV2 = (_, _) => Interlocked.Increment(ref addressesReceived),
        };
        var serverListener = new BitcoinListeners<Peers.Peer>
        {
            OnGetAddr = (peer, _) => peer.PushAddr([new NetworkAddressV2 { Timestamp = 1, Services = ServiceFlags.Network, Address = new AddrV2Address(AddressNetwork.IPv4, new byte[] { 10, 1, 2, 3 }), Port = 8333 }]),
            OnInv = (_, _) => Interlocked.Increment(ref invsReceived),
        };

        // Clients share one nonce cache and servers another (one shared cache would look like self-connections).
        var clientConfig = TestConfig.Create(clientListener) with { Scheduler = scheduler, MemoryPool = pool, NonceCache = new NonceCache() };
        var serverConfig = TestConfig.Create(serverListener) with { Scheduler = scheduler, MemoryPool = pool, NonceCache = new NonceCache() };

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(Pairs);
        var pairs = new List<TrackedPair>(Pairs);
        try
        {
            for (int i = 0; i < Pairs; i++)
            {
                pairs.Add(await TrackedPair.ConnectAsync(clientConfig, serverConfig, streams, listener));
            }

            Assert.Equal(2 * Pairs, scheduler.Count);
            await Task.WhenAll(pairs.Select(p => p.HandshakeAsync())).WaitAsync(PeerPair.Timeout);
            output.WriteLine($"{Pairs} handshakes after {clock.ElapsedMilliseconds} ms");

            // A few messages on each: getaddr/addrv2, an inventory, and a ping round trip.
            foreach (var pair in pairs)
            {
                Assert.True(pair.Client.QueueMessage(new GetAddrMessage()));
                Assert.True(pair.Client.QueueMessage(new InvMessage { Inventory = new[] { new InventoryVector(InventoryType.Block, Hash256.Parse(new string('a', 64))) } }));
            }

            await Task.WhenAll(pairs.Select(p => p.Client.PingAsync())).WaitAsync(PeerPair.Timeout);
            await Poll.UntilAsync(() => Volatile.Read(ref addressesReceived) == Pairs && Volatile.Read(ref invsReceived) == Pairs, "every pair exchanged its messages");
            Assert.True(pool.Rented > 0);

            // Disconnect from either side.
            for (int i = 0; i < pairs.Count; i++)
            {
                (i % 2 == 0 ? pairs[i].Client : pairs[i].Server).Disconnect();
            }

            var peers = pairs.SelectMany(p => new[] { p.Client, p.Server }).ToList();
            await Task.WhenAll(peers.Select(p => p.WaitForDisconnectAsync())).WaitAsync(PeerPair.Timeout);
            output.WriteLine($"all {peers.Count} peers stopped after {clock.ElapsedMilliseconds} ms");

            Assert.All(peers, p => Assert.True(p.WaitForDisconnectAsync().IsCompletedSuccessfully));
            Assert.All(peers, p => Assert.True(PeerLoops.Stopped(p), $"{p} still has a loop running"));
            Assert.All(peers, p => Assert.NotNull(p.DisconnectReason));
            Assert.All(pairs.Where((_, i) => i % 2 == 0).Select(p => p.Client).Concat(pairs.Where((_, i) => i % 2 == 1).Select(p => p.Server)), p => Assert.Equal(DisconnectKind.Requested, p.DisconnectReason!.Kind));

            Assert.Equal(0, scheduler.Count);
            Assert.False(scheduler.IsTimerActive);
            Assert.Equal(0, pool.Outstanding);
            Assert.Equal(0, pool.DoubleReturns);
            Assert.Equal(2 * Pairs, streams.Created);
            Assert.Equal(2 * Pairs, streams.Disposed);
            Assert.Equal(0, streams.ActiveOperations);
            output.WriteLine($"{pool.Rented} pooled blocks rented and returned; done after {clock.ElapsedMilliseconds} ms");
        }
        finally
        {
            foreach (var pair in pairs)
            {
                await pair.DisposeAsync();
            }
        }
    }
}
