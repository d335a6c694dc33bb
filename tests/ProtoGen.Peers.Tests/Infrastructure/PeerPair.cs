using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Peers.Tests.Infrastructure;

/// <summary>Two peers talking over a real loopback TCP connection: <see cref="Client"/> dialled <see cref="Server"/>.</summary>
internal sealed class PeerPair : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private PeerPair(Peers.Peer client, Peers.Peer server)
    {
        Client = client;
        Server = server;
    }

    public Peers.Peer Client { get; }

    public Peers.Peer Server { get; }

    /// <summary>Connects two peers over loopback TCP and starts them (the handshake runs in the background).</summary>
    public static async Task<PeerPair> ConnectAsync(PeerConfig clientConfig, PeerConfig serverConfig)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientSocket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(Timeout);
        var serverSocket = await accept.WaitAsync(Timeout);
        serverSocket.NoDelay = true;
        var client = Peers.Peer.Outbound(clientConfig, new NetworkStream(clientSocket, ownsSocket: true), clientSocket.RemoteEndPoint);
        var server = Peers.Peer.Inbound(serverConfig, new NetworkStream(serverSocket, ownsSocket: true), serverSocket.RemoteEndPoint);
        server.Start();
        client.Start();
        return new PeerPair(client, server);
    }

    /// <summary>Connects and waits for both handshakes.</summary>
    public static async Task<PeerPair> HandshakeAsync(PeerConfig clientConfig, PeerConfig serverConfig)
    {
        var pair = await ConnectAsync(clientConfig, serverConfig);
        await Task.WhenAll(pair.Client.WaitForHandshakeAsync(), pair.Server.WaitForHandshakeAsync()).WaitAsync(Timeout);
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Disconnect();
        Server.Disconnect();
        await Task.WhenAll(Client.WaitForDisconnectAsync(), Server.WaitForDisconnectAsync()).WaitAsync(Timeout);
    }
}

/// <summary>Configurations for tests: regtest, optionally on a fake clock with its own scheduler.</summary>
internal static class TestConfig
{
    public static PeerConfig Create(IBitcoinListener<Peers.Peer>? listener = null, TimeProvider? time = null, PeerScheduler? scheduler = null) => new()
    {
        Network = BitcoinNetwork.Regtest,
        Listener = listener,
        TimeProvider = time ?? TimeProvider.System,
        Scheduler = scheduler,
        UserAgentName = "ProtoGenTest",
        NonceCache = new NonceCache(),
    };

    public static (ManualTimeProvider Time, PeerScheduler Scheduler) FakeClock()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(55));
        return (time, new PeerScheduler(time));
    }
}
