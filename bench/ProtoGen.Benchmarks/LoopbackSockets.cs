using System.Net;
using System.Net.Sockets;

namespace ProtoGen.Benchmarks;

/// <summary>Connected pairs of TCP sockets over 127.0.0.1, with Nagle's algorithm off on both ends, for the benchmarks that move bytes between two ends.</summary>
internal static class LoopbackSockets
{
    /// <summary>Connects a new client to <paramref name="listener"/> (started) and accepts it.</summary>
    public static (Socket Client, Socket Server) Connect(TcpListener listener)
    {
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        var server = accept.GetAwaiter().GetResult();
        server.NoDelay = true;
        return (client, server);
    }

    /// <summary>One pair through a listener of its own, stopped once the pair is connected.</summary>
    public static (Socket Client, Socket Server) Connect()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Connect(listener);
    }
}
