using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Node;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests;

public class NodeSyncTests
{
    private static ChainStore MainnetBlocks1To255()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk"));
        var blocks = BlockFile.Split(bytes, BitcoinNetwork.Mainnet.Magic).Select(b => WireSerializer.Decode<Block>(b));
        return ChainStore.FromBlocks(BitcoinNetwork.Mainnet, blocks);
    }

    [Fact]
    public async Task Headers_first_sync_of_mainnet_blocks_1_to_255_over_loopback()
    {
        var served = MainnetBlocks1To255();
        Assert.Equal(255, served.Height);
        var server = new ChainServer(served);
        var serverConfig = NodeTestConfig.Create(server) with { Network = BitcoinNetwork.Mainnet, StartHeight = () => served.Height };
        await using var peers = new PeerServer(serverConfig, new IPEndPoint(IPAddress.Loopback, 0));
        peers.Start();

        var store = new ChainStore(BitcoinNetwork.Mainnet);
        var sync = new HeadersFirstSync(store);
        var clientConfig = NodeTestConfig.Create(sync) with { Network = BitcoinNetwork.Mainnet };
        var client = await Peer.ConnectAsync(clientConfig, "127.0.0.1", peers.LocalEndPoint.Port);
        try
        {
            var result = await sync.RunAsync(client).WaitAsync(NodeTestConfig.Timeout);
            Assert.Equal(255, result.HeadersReceived);
            Assert.Equal(255, result.BlocksReceived);
            Assert.Equal("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c", result.Tip.ToString());
            Assert.Equal(255, store.BlockHeight);
            var rtt = await client.PingAsync().WaitAsync(NodeTestConfig.Timeout);
            Assert.True(rtt > TimeSpan.Zero);
            Assert.Equal(255, client.GetStats().ReceivedByCommand["block"].Messages);
        }
        finally
        {
            client.Disconnect();
            await client.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
        }
    }

    [Fact]
    public async Task A_sync_fails_at_once_as_disconnected_when_the_remote_hangs_up()
    {
        // The remote drops the connection when asked for headers; the sync must not wait for its (long) timeout.
        var hangUp = new BitcoinListeners<Peers.Peer> { OnGetHeaders = (peer, _) => peer.Disconnect(DisconnectKind.Requested, "test hangs up") };
        var serverConfig = NodeTestConfig.Create(hangUp) with { Network = BitcoinNetwork.Mainnet };
        await using var peers = new PeerServer(serverConfig, new IPEndPoint(IPAddress.Loopback, 0));
        peers.Start();

        var sync = new HeadersFirstSync(new ChainStore(BitcoinNetwork.Mainnet)) { ResponseTimeout = TimeSpan.FromMinutes(10) };
        var client = await Peer.ConnectAsync(NodeTestConfig.Create(sync) with { Network = BitcoinNetwork.Mainnet }, "127.0.0.1", peers.LocalEndPoint.Port);
        var error = await Assert.ThrowsAsync<SyncException>(() => sync.RunAsync(client).WaitAsync(NodeTestConfig.Timeout));
        Assert.Equal(SyncFailure.Disconnected, error.Failure);
        await client.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
    }
}
