using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// The wait for more bytes after reads straight from a socket (the rest of a large payload), holding no buffer.
/// </summary>
/// <remarks>
/// Those reads took bytes whose arrival the socket engine reports only later, and each such late report completes a
/// zero-byte read with nothing to read (a loaded machine delivered several in a row): a pipe reader's own zero-byte read
/// would then take a receive buffer and keep it for as long as the connection stays idle. A one-byte peek completes only
/// when a byte is really there (or the remote has closed), so the pipe reader's read that follows finds bytes at once.
/// </remarks>
internal static class LateReadiness
{
    // The kernel writes the peeked byte here and nobody reads it: one array serves every connection.
    private static readonly byte[] s_peeked = new byte[1];

    /// <summary>
    /// Completes once a byte can be read from <paramref name="stream"/>'s socket, or the remote has closed; at once when
    /// the stream is not a socket's or the reader does not wait with zero-byte reads (it takes its buffer first anyway).
    /// </summary>
    /// <param name="stream">The stream the payload was read from.</param>
    /// <param name="useZeroByteReads">Whether the pipe reader that reads next waits with zero-byte reads.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static ValueTask WaitForDataAsync(Stream stream, bool useZeroByteReads, CancellationToken cancellationToken) =>
        useZeroByteReads && stream is NetworkStream socket ? PeekAsync(socket, cancellationToken) : ValueTask.CompletedTask;

    private static async ValueTask PeekAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            await stream.Socket.ReceiveAsync(s_peeked, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            // As the stream itself reports a failed read.
            throw new IOException(e.Message, e);
        }
    }
}
