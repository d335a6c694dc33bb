using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;
using ProtoGen.Peers.Framing;

namespace ProtoGen.Node.Tests;

/// <summary>A block asked for by many peers is encoded and checksummed once per form, not once per peer.</summary>
public class EncodedBlockServingTests
{
    private static readonly BitcoinNetwork Network = BitcoinNetwork.Mainnet;

    [Fact]
    public async Task Serving_one_block_to_several_peers_encodes_it_once_per_form()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk"));
        var store = ChainStore.FromBlocks(Network, BlockFile.Split(bytes, Network.Magic).Select(b => WireSerializer.Decode<Block>(b)));
        var server = new ChainServer(store);
        var config = NodeTestConfig.Create(server) with { Network = Network };
        var hash = store.GetHash(200);
        Assert.True(store.TryGetBlock(hash, out var block));
        var expected = Frame.ToArray(Network.Magic, block, new WireContext(70016));

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var peers = new List<Peer>();
        try
        {
            // Three peers ask for the witness form: one encoding, every peer gets the same frame.
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(expected, await FetchAsync(listener, config, peers, new InventoryVector(InventoryType.WitnessBlock, hash)));
            }

            Assert.Equal(1, server.EncodedBlocks.Find(hash)!.EncodingCount);

            // A fourth asks for the form without witness: a second encoding, in that context.
            Assert.Equal(expected, await FetchAsync(listener, config, peers, new InventoryVector(InventoryType.Block, hash)));
            Assert.Equal(2, server.EncodedBlocks.Find(hash)!.EncodingCount);
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Disconnect();
                await peer.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
            }
        }
    }

    /// <summary>Connects a raw client (MessageReader/MessageWriter over the socket), handshakes, asks for one item and returns the block frame.</summary>
    private static async Task<byte[]> FetchAsync(TcpListener listener, PeerConfig config, List<Peer> peers, InventoryVector item)
    {
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(NodeTestConfig.Timeout);
        var accepted = await accept.WaitAsync(NodeTestConfig.Timeout);
        var peer = Peer.Inbound(config, new NetworkStream(accepted, ownsSocket: true), accepted.RemoteEndPoint);
        peers.Add(peer);
        peer.Start();

        using var deadline = new CancellationTokenSource(NodeTestConfig.Timeout);
        var options = new MessageStreamOptions { LeaveOpen = true, Context = new WireContext(70016) };
        await using var stream = new NetworkStream(client, ownsSocket: false);
        await using var reader = new MessageReader(stream, Network, options);
        await using var writer = new MessageWriter(stream, Network, options);
        await writer.WriteAsync(Version(), deadline.Token);
        await ReadUntilAsync(reader, "verack", deadline.Token);
        await writer.WriteAsync(new VerAckMessage(), deadline.Token);
        await peer.WaitForHandshakeAsync().WaitAsync(NodeTestConfig.Timeout);
        await writer.WriteAsync(new GetDataMessage { Inventory = new WireArray<InventoryVector>([item]) }, deadline.Token);
        var frame = await ReadUntilAsync(reader, "block", deadline.Token);
        return Frame.ToArray(Network.Magic, frame.Message!, new WireContext(70016));
    }

    private static async Task<FramedMessage> ReadUntilAsync(MessageReader reader, string command, CancellationToken token)
    {
        while (true)
        {
            var frame = await reader.ReadAsync(token) ?? throw new IOException("closed");
            if (frame.Command.ToString() == command)
            {
                return frame;
            }
        }
    }

    private static VersionMessage Version() => new()
    {
        Version = 70016,
        Services = ServiceFlags.Network | ServiceFlags.Witness,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = 43,
        UserAgent = "/EncodedOnce:1.0/",
        StartHeight = 0,
        Relay = true,
    };
}
