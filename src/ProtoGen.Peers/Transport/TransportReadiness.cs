using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Until a transport is ready for messages (an encrypted transport's key exchange), carries word from the connection's
/// read loop, which feeds the transport the remote's bytes, to its write loop, which writes the transport's own bytes as
/// they become due; and tells whoever waits when the transport has become ready. Idle once it is.
/// </summary>
internal sealed class TransportReadiness
{
    private readonly IMessageTransport _transport;
    private readonly Channel<bool> _progress = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _pending;

    public TransportReadiness(IMessageTransport transport)
    {
        _transport = transport;
        _pending = !transport.IsReady;
        if (!_pending)
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Completes once the transport is ready for messages.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Called by the read loop after the transport has taken received bytes: wakes the write loop.</summary>
    public void AfterRead()
    {
        if (!_pending)
        {
            return;
        }

        _pending = !_transport.IsReady;
        _progress.Writer.TryWrite(true);
        if (!_pending)
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Called by the write loop: waits until the read loop has given the transport more of the remote's bytes.</summary>
    /// <param name="token">Cancels the wait.</param>
    public ValueTask<bool> WaitForProgressAsync(CancellationToken token) => _progress.Reader.ReadAsync(token);
}
