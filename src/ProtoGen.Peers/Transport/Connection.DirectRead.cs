using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>The read loop's path for the rest of a large payload: from the socket straight into its array.</summary>
internal sealed partial class Connection
{
    /// <summary>
    /// While the transport fills a large payload and nothing else is buffered, reads the stream straight into the
    /// payload's array (no copy out of a receive buffer, fewer reads) until the message is complete, then hands it up.
    /// Returns false when the connection ended.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadDirectAsync(Stream stream, CancellationToken token)
    {
        var target = _transport.DirectReadTarget;
        while (!target.IsEmpty && _handler.IsActive)
        {
            if (_flow.SendBufferFull)
            {
                await _flow.WaitForSendRoomAsync(_options.Time.GetUtcNow(), token).ConfigureAwait(false);
            }

            int read = await stream.ReadAsync(target.Slice(0, Math.Min(target.Length, PeerDefaults.DirectReadSize)), token).ConfigureAwait(false);
            if (read == 0)
            {
                _handler.OnConnectionEnded(new DisconnectReason(DisconnectKind.RemoteClosed, RemoteClosedDetail(default)));
                return false;
            }

            Interlocked.Add(ref _bytesRead, read);
            if (_transport.Filled(read, out var message))
            {
                // The payload is whole: it no longer counts as an incomplete message (the read loop updates this only
                // after its next read, which an idle connection may not make for a long time).
                _flow.Holding(_transport.HeldBytes);
                _flow.NotFillingOverBudget();
                if (_handler.IsActive)
                {
                    _handler.OnReceived(message);
                }

                return true;
            }

            _flow.Holding(_transport.HeldBytes);
            await CheckReceiveBudgetAsync(default, token).ConfigureAwait(false);

            target = _transport.DirectReadTarget;
        }

        return true;
    }
}
