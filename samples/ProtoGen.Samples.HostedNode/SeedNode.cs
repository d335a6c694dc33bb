using System;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using ProtoGen.Bitcoin;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Samples.HostedNode;

/// <summary>A second node in the same process, serving mainnet blocks 1-255 on 127.0.0.1: the network the sample syncs from.</summary>
internal sealed class SeedNode : IAsyncDisposable
{
    private readonly BitcoinNode _node;

    private SeedNode(BitcoinNode node) => _node = node;

    /// <summary>The seed's address, for <c>Bitcoin:Connect</c>.</summary>
    public string Address => "127.0.0.1:" + _node.LocalEndPoint!.Port;

    /// <summary>Loads the blk file and starts serving it on a free loopback port.</summary>
    /// <param name="blockFile">Mainnet blocks in Bitcoin Core's blk format.</param>
    public static async Task<SeedNode> StartAsync(string blockFile)
    {
        var node = new BitcoinNode(new BitcoinNodeSettings
        {
            Peer = new PeerConfig { Network = BitcoinNetwork.Mainnet, UserAgentName = "Seed" },
            Chain = ChainStore.FromBlockFile(BitcoinNetwork.Mainnet, await File.ReadAllBytesAsync(blockFile).ConfigureAwait(false)),
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
        });
        await node.StartAsync().ConfigureAwait(false);
        return new SeedNode(node);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _node.DisposeAsync().ConfigureAwait(false);
}
