using System.Threading;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Samples.HostedNode;

/// <summary>The application's listener, resolved from DI with its logger: counts the blocks peers send and logs every 64th.</summary>
internal sealed partial class BlockLog(ILogger<BlockLog> logger) : IBitcoinListener<Peer>
{
    private int _blocks;

    /// <inheritdoc/>
    public void OnBlock(Peer peer, Block message)
    {
        int count = Interlocked.Increment(ref _blocks);
        if (count % 64 == 0)
        {
            Received(logger, count, peer.Id, message.GetHash().ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} blocks received; the last from peer {PeerId}: {Hash}")]
    private static partial void Received(ILogger logger, int count, long peerId, string hash);
}
