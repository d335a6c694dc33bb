using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ProtoGen.Bitcoin;
using ProtoGen.Interop.Tests.Infrastructure;
using ProtoGen.Node;
using ProtoGen.Peers;
using Xunit.Abstractions;

namespace ProtoGen.Interop.Tests.Bcoin;

/// <summary>
/// ProtoGen against bcoin 1.0.2 (JavaScript), on regtest over 127.0.0.1: handshake, ping, headers-first sync of bcoin's
/// chain (with segwit blocks), bcoin syncing from a ProtoGen listener with getblocks, and announcements both ways.
/// </summary>
[Collection(BcoinCollection.Name)]
[TestCaseOrderer(TestOrderer.TypeName, TestOrderer.AssemblyName)]
public sealed class BcoinInteropTests(BcoinFixture fixture, ITestOutputHelper output)
{
    private const string BcoinUserAgent = "/bcoin:v1.0.2/";
    private const ServiceFlags BcoinServices = ServiceFlags.Network | ServiceFlags.Witness;

    private BcoinNode Miner => fixture.Miner;

    [Fact]
    [TestOrder(1)]
    public async Task Handshake_negotiates_70015_and_reads_bcoins_version_services_and_features()
    {
        output.WriteLine(fixture.SetupTimings);
        var log = new MessageLog();
        var config = InteropConfig.Regtest("handshake", log);
        var peer = await InteropConfig.ConnectAsync(config, Miner.P2PPort);
        try
        {
            // bcoin speaks 70015; we offer 70017: the lower one wins.
            Assert.Equal(70015, peer.ProtocolVersion);
            var version = peer.RemoteVersion!;
            Assert.Equal(70015, version.Version);
            Assert.Equal(BcoinUserAgent, version.UserAgent);
            Assert.Equal(BcoinServices, version.Services);
            Assert.Equal(BcoinServices, peer.RemoteServices);
            Assert.Equal(await Miner.GetBlockCountAsync(), version.StartHeight);
            Assert.True(version.Relay);

            // bcoin follows its verack with sendcmpct (announce 0, version 2 because we advertise NODE_WITNESS) and getaddr.
            var cmpct = await log.WaitForAsync<SendCmpctMessage>(_ => true, "sendcmpct");
            Assert.False(cmpct.HighBandwidth);
            Assert.Equal(2UL, cmpct.Version);
            await log.WaitForAsync<GetAddrMessage>(_ => true, "getaddr");
            var features = peer.Features;
            Assert.Equal(new CompactBlockMode(false, 2), features.CompactBlocks);
            Assert.True(features.Witness);
            Assert.True(features.RelayTransactions);
            Assert.False(features.WtxidRelay);
            Assert.False(features.AddrV2);
            Assert.False(features.SendHeaders);

            // Nothing of BIP339/BIP155 went out at 70015, from either side.
            var stats = peer.GetStats();
            Assert.False(stats.SentByCommand.ContainsKey("wtxidrelay"));
            Assert.False(stats.SentByCommand.ContainsKey("sendaddrv2"));
            Assert.False(stats.ReceivedByCommand.ContainsKey("wtxidrelay"));
            Assert.Equal(BcoinUserAgent, stats.UserAgent);
            Assert.Equal(70015, stats.RemoteProtocolVersion);

            // bcoin's side of the same connection.
            var seen = await Poll.UntilAsync(() => Miner.FindPeerAsync(config.UserAgent), p => p is not null, Timeouts.Short, "our peer in bcoin's getpeerinfo");
            Assert.Equal(70017, seen!.Value.GetProperty("version").GetInt32());
            Assert.Equal("00000c09", seen.Value.GetProperty("services").GetString()); // NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED | NODE_P2P_V2

            // bcoin speaks v1 only: our v2 attempt was answered in v1 and the connection that stands is v1.
            Assert.Equal("v1", peer.TransportName);
            Assert.Null(peer.SessionId);
            Assert.True(config.V1OnlyAddresses.Count == 1, "the v2 attempt's address is remembered as v1-only");
            Assert.True(seen.Value.GetProperty("inbound").GetBoolean());
            Assert.True(seen.Value.GetProperty("relaytxes").GetBoolean());
            Assert.True(peer.IsConnected);
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    [Fact]
    [TestOrder(2)]
    public async Task Headers_first_sync_of_bcoins_chain_matches_its_hashes_and_checks_segwit_blocks()
    {
        int height = await Miner.GetBlockCountAsync();
        Assert.True(height >= BcoinFixture.ChainHeight);
        var store = new ChainStore(BitcoinNetwork.Regtest);
        var sync = new HeadersFirstSync(store);
        var log = new MessageLog();
        var peer = await InteropConfig.ConnectAsync(InteropConfig.Regtest("sync", new BitcoinListenerGroup<Peer>(sync, log)), Miner.P2PPort);
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await sync.RunAsync(peer).WaitAsync(Timeouts.Long);
            output.WriteLine($"synced {result.HeadersReceived} headers and {result.BlocksReceived} blocks ({result.BlockBytes} bytes) from bcoin in {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(height, result.HeadersReceived);
            Assert.Equal(height, result.BlocksReceived);
            Assert.Equal(height, store.Height);
            Assert.Equal(height, store.BlockHeight);

            // Every hash equals bcoin's getblockhash at that height, and every header links to the one before.
            var expected = await Miner.GetBlockHashesAsync(0, height);
            for (int h = 0; h <= height; h++)
            {
                Assert.Equal(expected[h], store.GetHash(h));
                if (h > 0)
                {
                    Assert.Equal(store.GetHash(h - 1), store.GetHeader(h).PreviousBlock);
                }
            }

            Assert.Equal(await Miner.GetBestBlockHashAsync(), result.Tip);

            // More than 2,000 headers: bcoin answered at least two getheaders (2,000, then the rest).
            var headers = log.All<HeadersMessage>();
            Assert.True(headers.Count >= 2, log.Summary());
            Assert.Equal(ProtocolLimits.MaxHeaders, headers[0].Headers.Count);
            var stats = peer.GetStats();
            Assert.Equal(height, stats.ReceivedByCommand["block"].Messages);

            // Blocks were asked for with witness data (bcoin advertises NODE_WITNESS).
            Assert.All(log.All<Block>(), b => Assert.True(b.Transactions.Count >= 1));
            Assert.True(stats.SentByCommand["getdata"].Messages >= height / HeadersFirstSync.BlocksInFlight);

            // Segwit: no witness commitment before activation; a valid one in every block from 432 on.
            for (int h = 1; h <= height; h++)
            {
                Assert.True(store.TryGetBlock(store.GetHash(h), out var block));
                Assert.True(block.CheckMerkleRoot());
                Assert.True(block.CheckWitnessCommitment(), $"block {h}: witness commitment");
                Assert.Equal(h >= BcoinFixture.SegwitHeight, block.HasWitnessCommitment);
            }

            // Block 433 carries the P2WSH spend, witness included, and is byte-for-byte what bcoin serializes.
            Assert.True(store.TryGetBlock(store.GetHash(BcoinFixture.WitnessSpendHeight), out var segwit));
            var spend = Assert.Single(segwit.Transactions.AsSpan().ToArray(), tx => tx.GetTxId() == fixture.WitnessSpend.GetTxId());
            Assert.True(spend.HasWitness);
            Assert.NotEqual(spend.GetTxId(), spend.GetWitnessTxId());
            Assert.Equal(fixture.WitnessSpend.GetWitnessTxId(), spend.GetWitnessTxId());
            Assert.Equal(new byte[] { 0x51 }, spend.Inputs[0].Witness[0].ToArray());
            Assert.Equal(await Miner.GetRawBlockAsync(segwit.GetHash()), WireSerializer.Encode(segwit));
            Assert.True(segwit.GetWeight() < segwit.GetSize() * 4);
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    [Fact]
    [TestOrder(3)]
    public async Task Headers_first_sync_finishes_when_bcoin_stays_silent_at_height_0_and_after_exactly_2000_headers()
    {
        // bcoin never sends an empty headers message: at height 0, or when the last batch had exactly 2,000 headers,
        // our follow-up getheaders gets no answer at all. The sync must still end promptly.
        await using var node = await fixture.StartNodeAsync("boundary");
        var store = new ChainStore(BitcoinNetwork.Regtest);
        // "Promptly" means on the pong of the ping sent after the unanswered getheaders, long before this timeout would
        // end the wait: the bounds below are half of it, a wide margin for a loaded machine.
        var responseTimeout = Timeouts.Long;
        var promptly = responseTimeout / 2;
        var sync = new HeadersFirstSync(store) { ResponseTimeout = responseTimeout };
        // A stall timeout shorter than the default (getheaders waits three times as long for headers), so that the
        // check below that bcoin's silence does not count as a stall waits only 3 x 5 s; long enough that bcoin's pong
        // on a loaded machine still comes before the deadline (1 s was too tight).
        var stall = TimeSpan.FromSeconds(5);
        var peer = await InteropConfig.ConnectAsync(InteropConfig.Regtest("boundary", sync) with { StallResponseTimeout = stall }, node.P2PPort);
        try
        {
            var clock = Stopwatch.StartNew();
            var empty = await sync.RunAsync(peer).WaitAsync(responseTimeout * 2);
            Assert.Equal(0, empty.Height);
            Assert.True(clock.Elapsed < promptly, $"the sync at height 0 took {clock.Elapsed}");

            await node.GenerateAsync(ProtocolLimits.MaxHeaders);
            Assert.True(peer.IsConnected, $"disconnected after the silent getheaders: {peer.DisconnectReason}");
            clock.Restart();
            var full = await sync.RunAsync(peer, downloadBlocks: false).WaitAsync(responseTimeout * 2);
            output.WriteLine($"2,000 headers from bcoin in {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(ProtocolLimits.MaxHeaders, full.HeadersReceived);
            Assert.Equal(ProtocolLimits.MaxHeaders, store.Height);
            Assert.Equal(await node.GetBestBlockHashAsync(), store.TipHash);
            Assert.True(clock.Elapsed < promptly, $"the sync of 2,000 headers took {clock.Elapsed}");

            // The last getheaders got no answer, only the pong of the ping sent after it. Past the headers stall
            // deadline (3 x 5 s, checked every 250 ms) the connection must still be up. A negative check needs a wait.
            await Task.Delay((stall * PeerDefaults.HeadersStallMultiplier) + TimeSpan.FromSeconds(2));
            Assert.True(peer.IsConnected, $"disconnected: {peer.DisconnectReason}");
            await peer.PingAsync().WaitAsync(Timeouts.Short);
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    [Fact]
    [TestOrder(4)]
    public async Task Bcoin_dials_our_listener_and_syncs_our_chain_with_getblocks()
    {
        // Our chain: bcoin's, synced over P2P (more than 500 blocks: bcoin needs the getblocks continuation).
        var store = new ChainStore(BitcoinNetwork.Regtest);
        var sync = new HeadersFirstSync(store);
        var client = await InteropConfig.ConnectAsync(InteropConfig.Regtest("source", sync), Miner.P2PPort);
        try
        {
            await sync.RunAsync(client).WaitAsync(Timeouts.Long);
        }
        finally
        {
            await InteropConfig.StopAsync(client);
        }

        int height = store.Height;
        Assert.True(height > ProtocolLimits.MaxBlocksPerGetBlocks);

        // Serve it on 127.0.0.1 and make a fresh bcoin (height 0) dial us.
        var server = new ChainServer(store);
        var log = new MessageLog();
        var config = InteropConfig.Regtest("listener", new BitcoinListenerGroup<Peer>(server, log)) with { StartHeight = () => store.Height };
        await using var listener = new PeerServer(config, new IPEndPoint(IPAddress.Loopback, 0));
        var accepted = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.PeerAccepted += peer => accepted.TrySetResult(peer);
        listener.Start();
        await using var follower = await fixture.StartNodeAsync("follower");
        Assert.Equal(0, await follower.GetBlockCountAsync());

        var clock = Stopwatch.StartNew();
        await follower.RpcAsync("addnode", $"127.0.0.1:{listener.LocalEndPoint.Port}", "onetry");
        var peer = await accepted.Task.WaitAsync(Timeouts.Short);
        await peer.WaitForHandshakeAsync().WaitAsync(Timeouts.Short);
        Assert.True(peer.IsInbound);
        Assert.Equal(BcoinUserAgent, peer.RemoteVersion!.UserAgent);
        Assert.Equal(70015, peer.ProtocolVersion);
        Assert.Equal(0, peer.RemoteVersion.StartHeight);

        try
        {
            await follower.WaitForHeightAsync(height, Timeouts.Long);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; our peer saw {log.Summary()}\n{follower.LogTail()}", e);
        }

        output.WriteLine($"bcoin synced {height} blocks from our listener in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(height, await follower.GetBlockCountAsync());
        Assert.Equal(store.TipHash, await follower.GetBestBlockHashAsync());
        Assert.Equal(await Miner.GetBlockHashAsync(BcoinFixture.WitnessSpendHeight), await follower.GetBlockHashAsync(BcoinFixture.WitnessSpendHeight));

        // bcoin synced with getblocks (no checkpoints on regtest, so no headers-first), and fetched every block,
        // with witness data, by getdata.
        var stats = peer.GetStats();
        Assert.True(stats.ReceivedByCommand["getblocks"].Messages >= 2, "getblocks: " + stats.ReceivedByCommand["getblocks"].Messages);
        Assert.True(stats.SentByCommand["block"].Messages >= height);
        var requested = log.All<GetDataMessage>().SelectMany(m => m.Inventory.AsSpan().ToArray()).ToList();
        Assert.True(requested.Count >= height);
        Assert.All(requested, item => Assert.Equal(InventoryType.WitnessBlock, item.Type));
        var segwit = store.GetHash(BcoinFixture.WitnessSpendHeight);
        Assert.Equal(await Miner.GetRawBlockAsync(segwit), await follower.GetRawBlockAsync(segwit));
    }

    [Fact]
    [TestOrder(5)]
    public async Task Bcoin_announces_a_new_block_by_inv_and_by_headers_after_sendheaders()
    {
        var invLog = new MessageLog();
        var headersLog = new MessageLog();
        var byInv = await InteropConfig.ConnectAsync(InteropConfig.Regtest("inv", invLog), Miner.P2PPort);
        var byHeaders = await InteropConfig.ConnectAsync(InteropConfig.Regtest("headers", headersLog) with { SendHeaders = true }, Miner.P2PPort);
        try
        {
            // sendheaders goes out after our verack; wait until bcoin has it (it answers our ping after reading it).
            await byHeaders.PingAsync().WaitAsync(Timeouts.Short);
            Assert.True(byHeaders.GetStats().SentByCommand.ContainsKey("sendheaders"));

            var mined = (await Miner.GenerateAsync(1))[0];
            var inv = await invLog.WaitForAsync<InvMessage>(m => m.Inventory.AsSpan().ToArray().Contains(new InventoryVector(InventoryType.Block, mined)), "block inv from bcoin");
            Assert.Single(inv.Inventory.AsSpan().ToArray());
            Assert.True(byInv.IsKnownInventory(new InventoryVector(InventoryType.Block, mined)));
            var headers = await headersLog.WaitForAsync<HeadersMessage>(m => m.Headers.AsSpan().ToArray().Any(h => h.GetHash() == mined), "headers announcement from bcoin");
            Assert.Single(headers.Headers.AsSpan().ToArray());
            Assert.Equal(await Miner.GetBlockHashAsync(await Miner.GetBlockCountAsync() - 1), headers.Headers[0].PreviousBlock);
            Assert.DoesNotContain(headersLog.All<InvMessage>(), m => m.Inventory.AsSpan().ToArray().Any(i => i.Hash == mined));
        }
        finally
        {
            await InteropConfig.StopAsync(byInv);
            await InteropConfig.StopAsync(byHeaders);
        }
    }

    [Fact]
    [TestOrder(6)]
    public async Task We_announce_a_transaction_and_bcoin_fetches_it_into_its_mempool()
    {
        var (coin, value) = await fixture.TakeMatureCoinbaseAsync();
        var transaction = Regtest.SpendP2sh(coin, value);
        Assert.Equal(85, WireSerializer.Encode(transaction).Length);
        var txid = transaction.GetTxId();

        var server = new ChainServer(new ChainStore(BitcoinNetwork.Regtest));
        var log = new MessageLog();
        var peer = await InteropConfig.ConnectAsync(InteropConfig.Regtest("tx", new BitcoinListenerGroup<Peer>(server, log)), Miner.P2PPort);
        try
        {
            Assert.Contains(peer, server.Peers);
            server.AddTransaction(transaction); // inv (trickled), bcoin's getdata, our tx

            var getData = await log.WaitForAsync<GetDataMessage>(m => m.Inventory.AsSpan().ToArray().Any(i => i.Hash == txid), "getdata for our transaction");
            Assert.Contains(getData.Inventory[0].Type, new[] { InventoryType.Tx, InventoryType.WitnessTx });
            await Poll.UntilAsync(Miner.GetRawMempoolAsync, pool => pool.Contains(txid), Timeouts.Short, $"our transaction {txid} in bcoin's mempool\n{Miner.LogTail(20)}");
            Assert.Equal(1, peer.GetStats().SentByCommand["inv"].Messages);
            Assert.Equal(1, peer.GetStats().SentByCommand["tx"].Messages);
            var raw = (await Miner.RpcAsync("getrawtransaction", txid.ToString())).GetString();
            Assert.Equal(Convert.ToHexStringLower(WireSerializer.Encode(transaction)), raw);
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    [Fact]
    [TestOrder(7)]
    public async Task We_announce_a_block_and_bcoin_fetches_it_and_makes_it_its_tip()
    {
        var store = new ChainStore(BitcoinNetwork.Regtest);
        var sync = new HeadersFirstSync(store);
        var server = new ChainServer(store);
        var log = new MessageLog();
        var peer = await InteropConfig.ConnectAsync(InteropConfig.Regtest("block", new BitcoinListenerGroup<Peer>(sync, server, log)), Miner.P2PPort);
        try
        {
            await sync.RunAsync(peer, downloadBlocks: false).WaitAsync(Timeouts.Long);
            int height = store.Height;
            Assert.Equal(await Miner.GetBestBlockHashAsync(), store.TipHash);

            var block = Regtest.CoinbaseOnlyBlock(store.GetHeader(height), height + 1, Regtest.Subsidy(height + 1));
            var hash = block.GetHash();
            Assert.True(store.TryAddBlock(block, out var error), error); // the chain server announces it: inv
            var getData = await log.WaitForAsync<GetDataMessage>(m => m.Inventory.AsSpan().ToArray().Any(i => i.Hash == hash), "getdata for our block");
            Assert.Equal(InventoryType.WitnessBlock, getData.Inventory[0].Type);
            await Poll.UntilAsync(Miner.GetBestBlockHashAsync, tip => tip == hash, Timeouts.Short, $"our block {hash} as bcoin's tip\n{Miner.LogTail(20)}");
            Assert.Equal(height + 1, await Miner.GetBlockCountAsync());
            Assert.Equal(WireSerializer.Encode(block), await Miner.GetRawBlockAsync(hash));
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    [Fact]
    [TestOrder(8)]
    public async Task Ping_round_trips_both_ways()
    {
        // Ours: PingAsync gets bcoin's pong.
        var peer = await InteropConfig.ConnectAsync(InteropConfig.Regtest("ping"), Miner.P2PPort);
        try
        {
            var rtt = await peer.PingAsync().WaitAsync(Timeouts.Short);
            Assert.True(rtt > TimeSpan.Zero && rtt < Timeouts.Short);
            Assert.Equal(rtt, peer.GetStats().LastPingRoundTrip);
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }

        // bcoin's: it pings every 30 s after the handshake; the watcher has been connected since the fixture started
        // (this test runs last, so little or no waiting is left). We answer with the same nonce, and bcoin's
        // getpeerinfo shows a measured ping time only once it got a matching pong.
        var watcher = fixture.Watcher;
        var left = TimeSpan.FromSeconds(30) - fixture.WatcherAge.Elapsed;
        var ping = await fixture.WatcherLog.WaitForAsync<PingMessage>(_ => true, "bcoin's own ping", (left > TimeSpan.Zero ? left : TimeSpan.Zero) + Timeouts.Short);
        Assert.NotEqual(0UL, ping.Nonce);
        await Poll.UntilAsync(() => Task.FromResult(watcher.GetStats()), s => s.SentByCommand.ContainsKey("pong"), Timeouts.Short, "our pong");
        var seen = await Poll.UntilAsync(
            () => Miner.FindPeerAsync(watcher.Config.UserAgent),
            p => p is { } info && info.GetProperty("pingtime").ValueKind == JsonValueKind.Number && info.GetProperty("pingtime").GetDouble() >= 0,
            Timeouts.Short,
            "bcoin's measured ping time for our watcher");
        output.WriteLine($"bcoin measured our pong: pingtime {seen!.Value.GetProperty("pingtime")} s, minping {seen.Value.GetProperty("minping")} s");
        Assert.True(watcher.IsConnected);
    }
}
