using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Two ProtoGen peers over loopback TCP, handshaken once, for <see cref="PeerPairBenchmarks"/> and
/// <see cref="InvStreamBenchmarks"/> (the counterpart of <see cref="NBitcoinPeerPair"/>): the client queues messages
/// with <see cref="Peer.QueueMessage"/> (yielding while its send queue is full), the server's listener counts the
/// messages of the kind the benchmark chose.
/// </summary>
internal sealed class ProtoGenPeerPair : IDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly Peer _client;
    private readonly Peer _server;
    private int _received;
    private int _expected;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connects the pair and completes the handshake, checking both ends run <paramref name="transport"/>.</summary>
    /// <param name="transport"><c>v1</c> (both ends <see cref="V2TransportMode.Off"/>) or <c>v2</c> (both <see cref="V2TransportMode.Required"/>).</param>
    /// <param name="counting">The server's listener, given the callback to call for each counted message.</param>
    /// <param name="bufferSize">Both peers' receive and send buffer size.</param>
    public ProtoGenPeerPair(string transport, Func<Action, IBitcoinListener<Peer>> counting, int bufferSize = PeerDefaults.ReceiveBufferSize)
    {
        var (client, server) = LoopbackSockets.Connect();
        _client = Peer.Outbound(Config(transport, null, bufferSize), new NetworkStream(client, ownsSocket: true), client.RemoteEndPoint);
        _server = Peer.Inbound(Config(transport, counting(Received), bufferSize), new NetworkStream(server, ownsSocket: true), server.RemoteEndPoint);
        _server.Start();
        _client.Start();
        Task.WhenAll(_client.WaitForHandshakeAsync(), _server.WaitForHandshakeAsync()).WaitAsync(HandshakeTimeout).GetAwaiter().GetResult();
        Check.Equal(transport, _client.TransportName, "the client's transport");
        Check.Equal(transport, _server.TransportName, "the server's transport");
    }

    /// <summary>The sending peer.</summary>
    public Peer Client => _client;

    /// <summary>Queues every message on the client and waits until the server has counted as many; returns how many it counted.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="timeout">How long to wait for the last one.</param>
    public int Transfer(IMessage[] messages, TimeSpan timeout)
    {
        _received = 0;
        _expected = messages.Length;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var message in messages)
        {
            while (!_client.QueueMessage(message))
            {
                Thread.Yield();
            }
        }

        _done.Task.WaitAsync(timeout).GetAwaiter().GetResult();
        return Volatile.Read(ref _received);
    }

    /// <summary>Disconnects both peers.</summary>
    public void Dispose()
    {
        _client.Disconnect();
        _server.Disconnect();
        Task.WhenAll(_client.WaitForDisconnectAsync(), _server.WaitForDisconnectAsync()).WaitAsync(HandshakeTimeout).GetAwaiter().GetResult();
    }

    private static PeerConfig Config(string transport, IBitcoinListener<Peer>? listener, int bufferSize) => new()
    {
        Network = BitcoinNetwork.Mainnet,
        Listener = listener,
        ReceiveBufferSize = bufferSize,
        SendBufferSize = bufferSize,
        UserAgentName = "ProtoGenBench",
        NonceCache = new NonceCache(),
        MaxSendBuffer = 8 * 1024 * 1024,
        V2Transport = transport == "v2" ? V2TransportMode.Required : V2TransportMode.Off,
    };

    private void Received()
    {
        if (Interlocked.Increment(ref _received) == _expected)
        {
            _done.TrySetResult();
        }
    }
}
