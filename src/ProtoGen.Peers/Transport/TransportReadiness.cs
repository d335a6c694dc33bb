using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Until a transport is ready for messages (an encrypted transport's key exchange), carries word from the connection's
/// read loop, which feeds the transport the remote's bytes, to its write loop, which writes the transport's own bytes as
/// they become due; and tells whoever waits when the transport has become ready. Holds nothing once it is (a transport
/// ready from the start, v1, never allocates a waiter).
/// </summary>
internal sealed class TransportReadiness
{
    /// <summary>In <see cref="_progress"/>: the read loop made progress that the write loop has not yet waited for.</summary>
    private static readonly object s_signalled = new();

    private readonly IMessageTransport _transport;
    private readonly TaskCompletionSource? _ready;

    /// <summary>Null, <see cref="s_signalled"/>, or the write loop's waiter (a <see cref="TaskCompletionSource"/>).</summary>
    private object? _progress;
    private bool _pending;

    public TransportReadiness(IMessageTransport transport)
    {
        _transport = transport;
        _pending = !transport.IsReady;
        if (_pending)
        {
            _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes once the transport is ready for messages.</summary>
    public Task Ready => _ready?.Task ?? Task.CompletedTask;

    /// <summary>Called by the read loop after the transport has taken received bytes: wakes the write loop.</summary>
    public void AfterRead()
    {
        if (!_pending)
        {
            return;
        }

        _pending = !_transport.IsReady;
        Signal();
        if (!_pending)
        {
            _ready!.TrySetResult();
        }
    }

    /// <summary>
    /// Called by the write loop (one waiter at a time): waits until the read loop has given the transport more of the
    /// remote's bytes since the last wait.
    /// </summary>
    /// <param name="token">Cancels the wait.</param>
    public Task WaitForProgressAsync(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _progress, null, s_signalled) == s_signalled)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _progress, waiter, null) is not null)
        {
            // Signalled in between (only the read loop sets it, and only from null).
            Volatile.Write(ref _progress, null);
            return Task.CompletedTask;
        }

        return waiter.Task.WaitAsync(token);
    }

    private void Signal()
    {
        while (true)
        {
            var current = Volatile.Read(ref _progress);
            if (current == s_signalled)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _progress, current is null ? s_signalled : null, current) == current)
            {
                (current as TaskCompletionSource)?.TrySetResult();
                return;
            }
        }
    }
}
