using System.IO.Pipelines;
using ProtoGen.Peers;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>Two peers joined by in-memory pipes (no sockets).</summary>
internal sealed class PipePair : IAsyncDisposable
{
    public PipePair(PeerConfig clientConfig, PeerConfig serverConfig)
    {
        var aToB = new Pipe();
        var bToA = new Pipe();
        Client = Peers.Peer.Create(clientConfig, PeerDirection.Outbound, new DuplexPipe(bToA.Reader, aToB.Writer));
        Server = Peers.Peer.Create(serverConfig, PeerDirection.Inbound, new DuplexPipe(aToB.Reader, bToA.Writer));
        Server.Start();
        Client.Start();
    }

    public Peers.Peer Client { get; }

    public Peers.Peer Server { get; }

    public Task HandshakeAsync() => Task.WhenAll(Client.WaitForHandshakeAsync(), Server.WaitForHandshakeAsync()).WaitAsync(PeerPair.Timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Disconnect();
        Server.Disconnect();
        await Task.WhenAll(Client.WaitForDisconnectAsync(), Server.WaitForDisconnectAsync()).WaitAsync(PeerPair.Timeout);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
