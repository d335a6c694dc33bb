using System.Net;
using System.Net.Sockets;
using NBitcoin;
using NBitcoin.Protocol;

namespace ProtoGen.Benchmarks;

/// <summary>
/// The NBitcoin baseline of <see cref="PeerPairBenchmarks"/>: an NBitcoin <c>NodeServer</c> listening on 127.0.0.1 and a
/// <c>Node.Connect</c> client on mainnet, handshaken once. Both advertise <c>NODE_NETWORK | NODE_WITNESS</c>: without
/// <c>NODE_WITNESS</c> on the server, NBitcoin 10.0.20's client writes a segwit block's frame with a length that does
/// not match the bytes it sends (the server then reads the following messages as part of that payload and they vanish
/// without an error; see docs/benchmarks.md), so the witness form is what both pairs move. The client sends blocks
/// with <c>SendMessageAsync(new BlockPayload(block))</c> (or any payloads, <see cref="InvStreamBenchmarks"/>); the server counts the messages of that payload type its
/// <c>MessageReceived</c> event delivers. A ping is a <c>PingPayload</c> answered by the server's default
/// <c>PingPongBehavior</c>, matched by nonce on the client.
/// </summary>
internal sealed class NBitcoinPeerPair : IDisposable
{
    private readonly NodeServer _server;
    private readonly Node _client;
    private int _received;
    private int _expected;
    private Type _counted = typeof(BlockPayload);
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _pong = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _pingNonce;

    private NBitcoinPeerPair(NodeServer server, Node client)
    {
        _server = server;
        _client = client;
    }

    /// <summary>Starts the server, connects the client and completes the version handshake.</summary>
    public static NBitcoinPeerPair Connect()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort());
        var server = new NodeServer(Network.Main)
        {
            LocalEndpoint = endpoint,
            ExternalEndpoint = endpoint,
            AllowLocalPeers = true,
        };
        server.InboundNodeConnectionParameters.Services = NodeServices.Network | NodeServices.NODE_WITNESS;
        var parameters = new NodeConnectionParameters { Services = NodeServices.Network | NodeServices.NODE_WITNESS };
        NBitcoinPeerPair? pair = null;
        server.NodeAdded += (_, node) => node.MessageReceived += (_, message) => pair?.OnServerMessage(message.Message.Payload);
        server.Listen();
        var client = Node.Connect(Network.Main, endpoint, parameters);
        pair = new NBitcoinPeerPair(server, client);
        client.MessageReceived += (_, message) => pair.OnClientMessage(message.Message.Payload);
        client.VersionHandshake();
        return pair;
    }

    /// <summary>Sends every block and waits until the server has delivered all of them; returns how many it delivered.</summary>
    public int Transfer(Block[] blocks, TimeSpan timeout)
    {
        var payloads = new Payload[blocks.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            payloads[i] = new BlockPayload(blocks[i]);
        }

        return Transfer(payloads, timeout);
    }

    /// <summary>
    /// Sends every payload (all of one type) and waits until the server has delivered that many of that type; returns
    /// how many it delivered.
    /// </summary>
    public int Transfer(Payload[] payloads, TimeSpan timeout)
    {
        Volatile.Write(ref _received, 0);
        _expected = payloads.Length;
        _counted = payloads[0].GetType();
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = new Task[payloads.Length];
        for (int i = 0; i < payloads.Length; i++)
        {
            sends[i] = _client.SendMessageAsync(payloads[i]);
        }

        Task.WhenAll(sends).WaitAsync(timeout).GetAwaiter().GetResult();
        try
        {
            _done.Task.WaitAsync(timeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
        }

        return Volatile.Read(ref _received);
    }

    /// <summary>One ping and the matching pong.</summary>
    public void Ping(TimeSpan timeout)
    {
        _pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ulong nonce = ++_pingNonce;
        Volatile.Write(ref _pingNonce, nonce);
        _client.SendMessageAsync(new PingPayload { Nonce = nonce }).GetAwaiter().GetResult();
        _pong.Task.WaitAsync(timeout).GetAwaiter().GetResult();
    }

    /// <summary>Disconnects the client and stops the server.</summary>
    public void Dispose()
    {
        _client.DisconnectAsync();
        _server.Dispose();
    }

    private void OnServerMessage(Payload payload)
    {
        if (payload.GetType() == _counted && Interlocked.Increment(ref _received) == _expected)
        {
            _done.TrySetResult();
        }
    }

    private void OnClientMessage(Payload payload)
    {
        if (payload is PongPayload pong && pong.Nonce == Volatile.Read(ref _pingNonce))
        {
            _pong.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
