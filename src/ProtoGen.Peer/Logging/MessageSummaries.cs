using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    private int _currentFrameBytes;

    private void LogReceived(IMessage message)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            PeerLog.Received(_logger, message.Command.ToString(), _currentFrameBytes, Id, MessageDescriber.Describe(message));
        }
    }
}
