using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Samples.Tests.Infrastructure;

/// <summary>Two peers over a real loopback TCP connection: <see cref="Client"/> dialled <see cref="Server"/>.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private Loopback(Peer client, Peer server)
    {
        Client = client;
        Server = server;
    }

    public Peer Client { get; }

    public Peer Server { get; }

    /// <summary>Connects, starts both peers and waits for both handshakes.</summary>
    public static async Task<Loopback> HandshakeAsync(PeerConfig clientConfig, PeerConfig serverConfig)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientSocket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(Timeout);
        var serverSocket = await accept.WaitAsync(Timeout);
        serverSocket.NoDelay = true;
        var client = Peer.Outbound(clientConfig, new NetworkStream(clientSocket, ownsSocket: true), clientSocket.RemoteEndPoint);
        var server = Peer.Inbound(serverConfig, new NetworkStream(serverSocket, ownsSocket: true), serverSocket.RemoteEndPoint);
        server.Start();
        client.Start();
        var pair = new Loopback(client, server);
        await Task.WhenAll(client.WaitForHandshakeAsync(), server.WaitForHandshakeAsync()).WaitAsync(Timeout);
        return pair;
    }

    /// <summary>
    /// A regtest configuration on a clock that never moves: no scheduler tick ever fires, so neither peer sends a
    /// keep-alive ping or trickles inventory on its own, and every message on the wire is one the test caused.
    /// </summary>
    public static PeerConfig Config(string name, IBitcoinListener<Peer> listener, int protocolVersion = 70016, PeerMessageHook? onRead = null)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        return new PeerConfig
        {
            Network = BitcoinNetwork.Regtest,
            UserAgentName = name,
            ProtocolVersion = protocolVersion,
            Listener = listener,
            OnRead = onRead,
            TimeProvider = time,
            Scheduler = new PeerScheduler(time),
            NonceCache = new NonceCache(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Disconnect();
        Server.Disconnect();
        await Task.WhenAll(Client.WaitForDisconnectAsync(), Server.WaitForDisconnectAsync()).WaitAsync(Timeout);
    }
}
