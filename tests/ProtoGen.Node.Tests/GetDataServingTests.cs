using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests;

/// <summary>
/// A getdata for many blocks is served as the requester reads (Bitcoin Core's ProcessGetData stops while the send
/// buffer is full): a requester that does not read makes us hold at most one send buffer and one block, not every
/// block it asked for; when it reads, every block arrives in order, and the items we do not have come back as notfound.
/// </summary>
public class GetDataServingTests
{
    private const int MaxSendBuffer = 2 * 1024;
    private const int SmallSocketBuffer = 4 * 1024;

    [Fact]
    public async Task Blocks_are_served_as_the_requester_reads_not_queued_all_at_once()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk"));
        var store = ChainStore.FromBlocks(BitcoinNetwork.Mainnet, BlockFile.Split(bytes, BitcoinNetwork.Mainnet.Magic).Select(b => WireSerializer.Decode<Block>(b)));
        var config = NodeTestConfig.Create(new ChainServer(store)) with { Network = BitcoinNetwork.Mainnet, MaxSendBuffer = MaxSendBuffer };
        var magic = BitcoinNetwork.Mainnet.Magic;

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = SmallSocketBuffer };
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(NodeTestConfig.Timeout);
        var accepted = await accept.WaitAsync(NodeTestConfig.Timeout);
        accepted.SendBufferSize = SmallSocketBuffer;
        var peer = Peer.Inbound(config, new NetworkStream(accepted, ownsSocket: true), accepted.RemoteEndPoint);
        peer.Start();
        try
        {
            var context = new WireContext(70016, WireFlags.None);
            await client.SendAsync(Frame.ToArray(magic, Version(), context));
            await ReadUntilAsync(client, magic, "verack");
            await client.SendAsync(Frame.ToArray(magic, new VerAckMessage(), context));
            await peer.WaitForHandshakeAsync().WaitAsync(NodeTestConfig.Timeout);

            // Ask for every block, and for one we do not have; then do not read.
            var wanted = Enumerable.Range(1, store.Height).Select(h => new InventoryVector(InventoryType.WitnessBlock, store.GetHash(h))).ToList();
            var unknown = new InventoryVector(InventoryType.WitnessBlock, Hash256.Parse("00000000000000000000000000000000000000000000000000000000000000aa"));
            await client.SendAsync(Frame.ToArray(magic, new GetDataMessage { Inventory = new WireArray<InventoryVector>([.. wanted, unknown]) }, context));

            // The server stops at one send buffer: far less than the 56 KB of blocks asked for is queued at any moment.
            await Poll.UntilAsync(() => peer.IsSendBufferFull, "the send buffer filled");
            for (int i = 0; i < 20; i++)
            {
                Assert.True(peer.QueuedBytes < MaxSendBuffer + 1_000, $"{peer.QueuedBytes} bytes queued");
                await Task.Delay(10);
            }

            // Reading: every block comes, in the order asked, then notfound for the one we lack.
            var received = new List<Hash256>();
            NotFoundMessage? notFound = null;
            using var deadline = new CancellationTokenSource(NodeTestConfig.Timeout);
            while (notFound is null)
            {
                var (command, payload) = await ReadFrameAsync(client, magic, deadline.Token);
                if (command == "block")
                {
                    received.Add(WireSerializer.Decode<Block>(payload).GetHash());
                }
                else if (command == "notfound")
                {
                    notFound = WireSerializer.Decode<NotFoundMessage>(payload);
                }
            }

            Assert.Equal(wanted.Select(w => w.Hash), received);
            Assert.Equal([unknown], notFound.Inventory.ToArray());
            Assert.True(peer.IsConnected);
        }
        finally
        {
            peer.Disconnect();
            await peer.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
        }
    }

    [Fact]
    public async Task A_getdata_for_more_small_blocks_than_the_send_queue_holds_is_served_whole()
    {
        // 300 small blocks are far under the send buffer's bytes but far over the queue's 16 messages: the server
        // must wait for replies to be written, not drop what the queue cannot take.
        const int Requested = 300;
        var store = new ChainStore(BitcoinNetwork.Regtest);
        var config = NodeTestConfig.Create(new ChainServer(store)) with { Network = BitcoinNetwork.Regtest, SendQueueCapacity = 16 };
        var magic = BitcoinNetwork.Regtest.Magic;

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(NodeTestConfig.Timeout);
        var accepted = await accept.WaitAsync(NodeTestConfig.Timeout);
        var peer = Peer.Inbound(config, new NetworkStream(accepted, ownsSocket: true), accepted.RemoteEndPoint);
        peer.Start();
        try
        {
            var context = new WireContext(70016, WireFlags.None);
            await client.SendAsync(Frame.ToArray(magic, Version(), context));
            await ReadUntilAsync(client, magic, "verack");
            await client.SendAsync(Frame.ToArray(magic, new VerAckMessage(), context));
            await peer.WaitForHandshakeAsync().WaitAsync(NodeTestConfig.Timeout);

            var genesis = new InventoryVector(InventoryType.Block, store.GetHash(0));
            await client.SendAsync(Frame.ToArray(magic, new GetDataMessage { Inventory = new WireArray<InventoryVector>(Enumerable.Repeat(genesis, Requested).ToArray()) }, context));
            await client.SendAsync(Frame.ToArray(magic, new PingMessage { Nonce = 99 }, context));

            // Pongs have their own lane and may overtake the blocks: ping again at each pong until every block came.
            // Without waiting for replies to be written, the server dropped all but about 16 and this timed out.
            int blocks = 0;
            using var deadline = new CancellationTokenSource(NodeTestConfig.Timeout);
            while (true)
            {
                var (command, payload) = await ReadFrameAsync(client, magic, deadline.Token);
                if (command == "block")
                {
                    Assert.Equal(genesis.Hash, WireSerializer.Decode<Block>(payload).GetHash());
                    blocks++;
                }
                else if (command == "pong" && blocks == Requested)
                {
                    break;
                }
                else if (command == "pong")
                {
                    await client.SendAsync(Frame.ToArray(magic, new PingMessage { Nonce = 99 }, context));
                }
            }

            Assert.Equal(Requested, blocks);
            Assert.True(peer.IsConnected);
        }
        finally
        {
            peer.Disconnect();
            await peer.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
        }
    }

    private static VersionMessage Version() => new()
    {
        Version = 70016,
        Services = ServiceFlags.Network | ServiceFlags.Witness,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = 42,
        UserAgent = "/SlowReader:1.0/",
        StartHeight = 0,
        Relay = true,
    };

    private static async Task ReadUntilAsync(Socket socket, uint magic, string command)
    {
        using var deadline = new CancellationTokenSource(NodeTestConfig.Timeout);
        while ((await ReadFrameAsync(socket, magic, deadline.Token)).Command != command)
        {
        }
    }

    private static async Task<(string Command, byte[] Payload)> ReadFrameAsync(Socket socket, uint magic, CancellationToken token)
    {
        var header = new byte[FrameHeader.Size];
        await ReceiveExactlyAsync(socket, header, token);
        var parsed = FrameHeader.Parse(header, magic);
        var payload = new byte[parsed.PayloadLength];
        await ReceiveExactlyAsync(socket, payload, token);
        return (parsed.Command.ToString(), payload);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, token);
            if (n == 0)
            {
                throw new IOException("closed");
            }

            read += n;
        }
    }
}
