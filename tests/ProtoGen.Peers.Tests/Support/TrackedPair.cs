using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>Two peers over loopback TCP, each on a <see cref="TrackedStream"/> around its NetworkStream.</summary>
internal sealed class TrackedPair : IAsyncDisposable
{
    private TrackedPair(Peers.Peer client, Peers.Peer server, TrackedStream clientStream, TrackedStream serverStream)
    {
        Client = client;
        Server = server;
        ClientStream = clientStream;
        ServerStream = serverStream;
    }

    public Peers.Peer Client { get; }

    public Peers.Peer Server { get; }

    public TrackedStream ClientStream { get; }

    public TrackedStream ServerStream { get; }

    /// <summary>Connects through <paramref name="listener"/> (or a new one) and starts both peers.</summary>
    public static async Task<TrackedPair> ConnectAsync(PeerConfig clientConfig, PeerConfig serverConfig, StreamCounter? counter = null, System.Net.Sockets.TcpListener? listener = null)
    {
        System.Net.Sockets.TcpListener? own = null;
        if (listener is null)
        {
            own = listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
        }

        try
        {
            var dialer = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            var accept = listener.AcceptSocketAsync();
            await dialer.ConnectAsync((System.Net.IPEndPoint)listener.LocalEndpoint).WaitAsync(PeerPair.Timeout);
            var accepted = await accept.WaitAsync(PeerPair.Timeout);
            accepted.NoDelay = true;
            var clientStream = new TrackedStream(new System.Net.Sockets.NetworkStream(dialer, ownsSocket: true), counter);
            var serverStream = new TrackedStream(new System.Net.Sockets.NetworkStream(accepted, ownsSocket: true), counter);
            var client = Peers.Peer.Outbound(clientConfig, clientStream, dialer.RemoteEndPoint);
            var server = Peers.Peer.Inbound(serverConfig, serverStream, accepted.RemoteEndPoint);
            server.Start();
            client.Start();
            return new TrackedPair(client, server, clientStream, serverStream);
        }
        finally
        {
            own?.Stop();
        }
    }

    public Task HandshakeAsync() => Task.WhenAll(Client.WaitForHandshakeAsync(), Server.WaitForHandshakeAsync()).WaitAsync(PeerPair.Timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Disconnect();
        Server.Disconnect();
        await Task.WhenAll(Client.WaitForDisconnectAsync(), Server.WaitForDisconnectAsync()).WaitAsync(PeerPair.Timeout);
        await ClientStream.DisposeAsync();
        await ServerStream.DisposeAsync();
    }
}
