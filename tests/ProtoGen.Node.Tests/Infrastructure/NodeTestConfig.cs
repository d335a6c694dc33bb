using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Infrastructure;

/// <summary>Peer configurations for node tests: regtest, a test user agent and a nonce cache of their own.</summary>
internal static class NodeTestConfig
{
    /// <summary>How long a node test waits for anything over loopback before it fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static PeerConfig Create(IBitcoinListener<Peer>? listener = null) => new()
    {
        Network = BitcoinNetwork.Regtest,
        Listener = listener,
        UserAgentName = "ProtoGenTest",
        NonceCache = new NonceCache(),
    };
}
