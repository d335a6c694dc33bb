using System.Net;
using System.Net.Sockets;

namespace ProtoGen.Benchmarks;

/// <summary>
/// The round-trip floor of <see cref="PeerPairBenchmarks"/>: two loopback sockets, an echo loop on the thread pool
/// answering each 32-byte message (the size of a framed ping) with the same bytes, and a client that writes one and
/// reads the answer, both with async socket calls as the peers use. No framing, checksum, queue or dispatch.
/// </summary>
internal sealed class RawEchoPair : IDisposable
{
    private const int MessageSize = 32;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly Task _echo;
    private readonly byte[] _out = new byte[MessageSize];
    private readonly byte[] _in = new byte[MessageSize];

    private RawEchoPair(Socket client, Socket server)
    {
        _client = client;
        _server = server;
        _echo = Task.Run(EchoAsync);
    }

    /// <summary>Connects the two sockets over 127.0.0.1 and starts the echo loop.</summary>
    public static RawEchoPair Connect()
    {
        var (client, server) = LoopbackSockets.Connect();
        return new RawEchoPair(client, server);
    }

    /// <summary>One message out and its echo back; returns the first byte of the echo.</summary>
    public async Task<byte> RoundTripAsync(byte tag)
    {
        _out[0] = tag;
        await _client.SendAsync(_out, SocketFlags.None).ConfigureAwait(false);
        int read = 0;
        while (read < MessageSize)
        {
            int n = await _client.ReceiveAsync(_in.AsMemory(read), SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("the echo side closed");
            }

            read += n;
        }

        return _in[0];
    }

    /// <summary>Closes both sockets and waits for the echo loop to end.</summary>
    public void Dispose()
    {
        _client.Shutdown(SocketShutdown.Both);
        _client.Dispose();
        _echo.Wait(TimeSpan.FromSeconds(10));
        _server.Dispose();
    }

    private async Task EchoAsync()
    {
        var buffer = new byte[MessageSize];
        try
        {
            while (true)
            {
                int n = await _server.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                await _server.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (SocketException)
        {
        }
    }
}
