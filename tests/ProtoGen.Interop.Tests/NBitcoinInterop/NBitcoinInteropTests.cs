using System.Net;
using System.Threading.Channels;
using ProtoGen.Bitcoin;
using ProtoGen.Interop.Tests.Infrastructure;
using ProtoGen.Node;
using ProtoGen.Peers;
using Xunit.Abstractions;
using static NBitcoin.BitcoinSerializableExtensions;
using NB = NBitcoin;
using NBP = NBitcoin.Protocol;

namespace ProtoGen.Interop.Tests.NBitcoinInterop;

/// <summary>
/// ProtoGen against NBitcoin 10.0.20 in the same process, over 127.0.0.1: NBitcoin's <c>Node</c> syncing from a
/// ProtoGen listener, a ProtoGen peer dialling NBitcoin's <c>NodeServer</c>, and inventory both ways.
/// </summary>
public sealed class NBitcoinInteropTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NBitcoin_node_syncs_headers_and_blocks_of_mainnet_1_to_255_from_our_listener()
    {
        var served = TestData.MainnetBlocks1To255();
        Assert.Equal(255, served.Height);
        var server = new ChainServer(served);
        var log = new MessageLog();
        var config = InteropConfig.Create(BitcoinNetwork.Mainnet, "nbitcoin-source", new BitcoinListenerGroup<Peer>(server, log)) with { StartHeight = () => served.Height };
        await using var listener = new PeerServer(config, new IPEndPoint(IPAddress.Loopback, 0));
        var accepted = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.PeerAccepted += peer => accepted.TrySetResult(peer);
        listener.Start();

        using var cancel = new CancellationTokenSource(Timeouts.Long);
        var (version, remote, chain, blocks) = await Task.Run(() =>
        {
            using var node = NBP.Node.Connect(NB.Network.Main, listener.LocalEndPoint, new NBP.NodeConnectionParameters());
            node.VersionHandshake(cancel.Token);
            var chain = node.GetChain(new NBP.SynchronizeChainOptions(), cancel.Token);
            var hashes = chain.ToEnumerable(false).Where(b => b.Height > 0).Select(b => b.HashBlock).ToList();
            var blocks = node.GetBlocks(hashes, cancel.Token).ToList();
            var result = (node.Version, node.PeerVersion, chain, blocks);
            node.DisconnectAsync();
            return result;
        }).WaitAsync(Timeouts.Long);

        output.WriteLine($"NBitcoin negotiated {version}; it saw {remote.UserAgent} services {remote.Services} height {remote.StartHeight}");
        Assert.Equal(config.UserAgent, remote.UserAgent);
        Assert.Equal(255, remote.StartHeight);
        Assert.True(remote.Services.HasFlag(NBP.NodeServices.Network | NBP.NodeServices.NODE_WITNESS));

        // Headers: NBitcoin's chain is ours, hash for hash, up to block 255.
        Assert.Equal(255, chain.Height);
        Assert.Equal(TestData.MainnetBlock255, chain.Tip.HashBlock.ToString());
        for (int h = 0; h <= 255; h++)
        {
            Assert.Equal(served.GetHash(h).ToString(), chain.GetBlock(h).HashBlock.ToString());
        }

        // Blocks: all 255, valid for NBitcoin, byte-for-byte ours.
        Assert.Equal(255, blocks.Count);
        for (int h = 1; h <= 255; h++)
        {
            var block = blocks[h - 1];
            Assert.Equal(served.GetHash(h).ToString(), block.GetHash().ToString());
            Assert.True(block.Check(), $"NBitcoin rejects block {h}");
            Assert.True(served.TryGetBlock(served.GetHash(h), out var ours));
            Assert.Equal(WireSerializer.Encode(ours), block.ToBytes());
        }

        // As the initiator NBitcoin sends sendaddrv2 before its verack (BIP155) and no wtxidrelay.
        var peer = await accepted.Task.WaitAsync(Timeouts.Short);
        Assert.Equal(70016, peer.ProtocolVersion);
        Assert.True(peer.Features.AddrV2);
        Assert.False(peer.Features.WtxidRelay);
        var stats = peer.GetStats();
        Assert.True(stats.ReceivedByCommand["getheaders"].Messages >= 1);
        Assert.Equal(255, stats.SentByCommand["block"].Messages);
        Assert.Equal(255, log.All<GetDataMessage>().Sum(m => m.Inventory.Count));
    }

    [Fact]
    public async Task At_70016_NBitcoins_NodeServer_sends_sendaddrv2_after_its_verack_and_we_disconnect_as_Core_does()
    {
        // NBitcoin 10.0.20 as the responder sends version, verack, then sendaddrv2. BIP155 puts sendaddrv2 before
        // verack, and Bitcoin Core (since 22.0) disconnects a peer that sends it later. So do we.
        await using var nbitcoin = NBitcoinServer.Start();
        var peer = await Peer.ConnectAsync(InteropConfig.Regtest("nbitcoin-70016"), "127.0.0.1", nbitcoin.Port).WaitAsync(Timeouts.Short);
        await peer.WaitForDisconnectAsync().WaitAsync(Timeouts.Short);
        var stats = peer.GetStats();
        Assert.True(stats.HandshakeComplete);
        Assert.Equal(70016, stats.ProtocolVersion);
        Assert.Equal(DisconnectKind.ProtocolViolation, peer.DisconnectReason!.Kind);
        Assert.Equal(ProtocolError.UnexpectedMessage, peer.DisconnectReason.ProtocolError);
        Assert.Equal("sendaddrv2 received after verack", peer.DisconnectReason.Detail);
    }

    [Fact]
    public async Task Our_peer_handshakes_and_pings_with_NBitcoins_NodeServer()
    {
        await using var nbitcoin = NBitcoinServer.Start();
        var log = new MessageLog();
        var config = NBitcoinServer.ClientConfig("nbitcoin-client", log);
        var peer = await InteropConfig.ConnectAsync(config, nbitcoin.Port);
        try
        {
            var version = peer.RemoteVersion!;
            output.WriteLine($"NBitcoin's version: {version.Version} {version.UserAgent} services {version.Services}; negotiated {peer.ProtocolVersion}; features {peer.Features}");
            Assert.StartsWith("/NBitcoin:", version.UserAgent, StringComparison.Ordinal);
            Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness, version.Services);
            Assert.Equal(70016, version.Version);
            Assert.Equal(70015, peer.ProtocolVersion);
            Assert.False(peer.Features.AddrV2);
            Assert.False(peer.Features.WtxidRelay);

            var rtt = await peer.PingAsync().WaitAsync(Timeouts.Short);
            Assert.True(rtt > TimeSpan.Zero && rtt < Timeouts.Short);

            var node = await nbitcoin.WaitForNodeAsync();
            Assert.True(node.Inbound);
            Assert.Equal(config.UserAgent, node.PeerVersion.UserAgent);
            Assert.Equal((uint)peer.ProtocolVersion, node.Version);
            Assert.Equal(NBP.NodeState.HandShaked, node.State);

            // NBitcoin's own ping, answered by our peer core.
            using var pingTimeout = new CancellationTokenSource(Timeouts.Short);
            var latency = await Task.Run(() => node.PingPong(pingTimeout.Token)).WaitAsync(Timeouts.Short);
            Assert.True(latency < Timeouts.Short);
            Assert.True(peer.GetStats().SentByCommand["pong"].Messages >= 1);
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    [Fact]
    public async Task Inventory_flows_both_ways_between_our_peer_and_NBitcoin()
    {
        await using var nbitcoin = NBitcoinServer.Start();
        var store = new ChainStore(BitcoinNetwork.Regtest);
        var server = new ChainServer(store);
        var log = new MessageLog();
        var peer = await InteropConfig.ConnectAsync(NBitcoinServer.ClientConfig("nbitcoin-inventory", new BitcoinListenerGroup<Peer>(server, log)), nbitcoin.Port);
        try
        {
            var node = await nbitcoin.WaitForNodeAsync();
            var received = Channel.CreateUnbounded<NBP.Payload>();
            node.MessageReceived += (_, message) => received.Writer.TryWrite(message.Message.Payload);

            // Ours to NBitcoin: a new block (the chain server announces it with inv, at once), which NBitcoin then
            // fetches with getdata.
            var block = Regtest.CoinbaseOnlyBlock(BitcoinNetwork.Regtest.GenesisHeader, 1, Regtest.Subsidy(1));
            var hash = NB.uint256.Parse(block.GetHash().ToString());
            Assert.True(store.TryAddBlock(block, out var error), error);
            var blockInv = await NextAsync<NBP.InvPayload>(received, p => p.Inventory.Any(i => i.Hash == hash), "our block inv");
            Assert.Equal(NBP.InventoryType.MSG_BLOCK, blockInv.Inventory.Single(i => i.Hash == hash).Type);
            await node.SendMessageAsync(new NBP.GetDataPayload(new NBP.InventoryVector(NBP.InventoryType.MSG_BLOCK, hash)));
            var served = await NextAsync<NBP.BlockPayload>(received, p => p.Object.GetHash() == hash, "our block");
            Assert.True(served.Object.Check());
            Assert.Equal(WireSerializer.Encode(block), served.Object.ToBytes());

            // Ours to NBitcoin: a transaction, queued and trickled (about 2 s on an outbound peer), then fetched.
            var transaction = Regtest.SpendP2sh(new OutPoint(block.Transactions[0].GetTxId(), 0), Regtest.Subsidy(1));
            server.AddTransaction(transaction);
            var txInv = await NextAsync<NBP.InvPayload>(received, p => p.Inventory.Any(i => i.Type is NBP.InventoryType.MSG_TX or NBP.InventoryType.MSG_WTX), "our transaction inv");
            var item = txInv.Inventory.Single();
            output.WriteLine($"our transaction was announced to NBitcoin as {item.Type} {item.Hash}");
            var expectedHash = item.Type == NBP.InventoryType.MSG_WTX ? transaction.GetWitnessTxId() : transaction.GetTxId();
            Assert.Equal(expectedHash.ToString(), item.Hash.ToString());
            await node.SendMessageAsync(new NBP.GetDataPayload(new NBP.InventoryVector(item.Type, item.Hash)));
            var tx = await NextAsync<NBP.TxPayload>(received, p => p.Object.GetHash().ToString() == transaction.GetTxId().ToString(), "our transaction");
            Assert.Equal(WireSerializer.Encode(transaction), tx.Object.ToBytes());

            // NBitcoin to ours: an inv with a transaction and a block reaches our listener and our known-inventory set.
            var txHash = Hash256.Parse("11" + new string('2', 62));
            var blockHash = Hash256.Parse("33" + new string('4', 62));
            await node.SendMessageAsync(new NBP.InvPayload(
                new NBP.InventoryVector(NBP.InventoryType.MSG_TX, NB.uint256.Parse(txHash.ToString())),
                new NBP.InventoryVector(NBP.InventoryType.MSG_BLOCK, NB.uint256.Parse(blockHash.ToString()))));
            var inv = await log.WaitForAsync<InvMessage>(m => m.Inventory.Count == 2, "NBitcoin's inv");
            Assert.Equal([new InventoryVector(InventoryType.Tx, txHash), new InventoryVector(InventoryType.Block, blockHash)], inv.Inventory.AsSpan().ToArray());
            Assert.True(peer.IsKnownInventory(new InventoryVector(InventoryType.Tx, txHash)));
            Assert.True(peer.IsKnownInventory(new InventoryVector(InventoryType.Block, blockHash)));

            // And it is never announced back.
            Assert.False(peer.QueueInventory(new InventoryVector(InventoryType.Block, blockHash)));
        }
        finally
        {
            await InteropConfig.StopAsync(peer);
        }
    }

    private static async Task<T> NextAsync<T>(Channel<NBP.Payload> payloads, Func<T, bool> match, string what)
        where T : NBP.Payload
    {
        using var timeout = new CancellationTokenSource(Timeouts.Short);
        var seen = new List<string>();
        try
        {
            while (true)
            {
                var payload = await payloads.Reader.ReadAsync(timeout.Token);
                seen.Add(payload.Command);
                if (payload is T typed && match(typed))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"NBitcoin did not receive {what} within {Timeouts.Short.TotalSeconds} s; it received: {string.Join(", ", seen)}");
        }
    }

    /// <summary>NBitcoin's <c>NodeServer</c> on 127.0.0.1 (regtest, NODE_NETWORK | NODE_WITNESS, local peers allowed).</summary>
    private sealed class NBitcoinServer : IAsyncDisposable
    {
        private NBitcoinServer(NBP.NodeServer server, int port)
        {
            Server = server;
            Port = port;
        }

        public NBP.NodeServer Server { get; }

        /// <summary>
        /// A client configuration at version 70015: NBitcoin's responder sends sendaddrv2 after its verack when the
        /// client speaks 70016 (see the test above), and no BIP155 negotiation happens at 70015.
        /// </summary>
        public static PeerConfig ClientConfig(string role, IBitcoinListener<Peer>? listener) =>
            InteropConfig.Regtest(role, listener) with { ProtocolVersion = 70015 };

        public int Port { get; }

        public static NBitcoinServer Start()
        {
            // NodeServer cannot listen on port 0: take a free port, and take another if someone grabbed it meanwhile.
            for (int attempt = 1; ; attempt++)
            {
                int port = FreePorts.Take(1)[0];
                var server = new NBP.NodeServer(NB.Network.RegTest, internalPort: port)
                {
                    AllowLocalPeers = true,
                    LocalEndpoint = new IPEndPoint(IPAddress.Loopback, port),
                    ExternalEndpoint = new IPEndPoint(IPAddress.Loopback, port),
                };
                server.InboundNodeConnectionParameters.Services = NBP.NodeServices.Network | NBP.NodeServices.NODE_WITNESS;
                try
                {
                    server.Listen();
                    return new NBitcoinServer(server, port);
                }
                catch (System.Net.Sockets.SocketException) when (attempt < 3)
                {
                    server.Dispose();
                }
                catch
                {
                    server.Dispose();
                    throw;
                }
            }
        }

        /// <summary>The inbound node, once NBitcoin considers the handshake done.</summary>
        public async Task<NBP.Node> WaitForNodeAsync()
        {
            var node = await Poll.UntilAsync(
                () => Task.FromResult(Server.ConnectedNodes.FirstOrDefault(n => n.State == NBP.NodeState.HandShaked)),
                n => n is not null,
                Timeouts.Short,
                "a handshaked node in NBitcoin's NodeServer");
            return node!;
        }

        public ValueTask DisposeAsync()
        {
            Server.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
