using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// A peer that sends requests and never reads the answers (Bitcoin Core's send buffer): once the bytes we owe it reach
/// <see cref="PeerConfig.MaxSendBuffer"/>, its requests wait and its socket is not read, so TCP backpressure stops the
/// sender; we hold at most one send buffer for it, and everything is answered once it reads again.
/// </summary>
public class SendBufferTests
{
    private const int SmallSocketBuffer = 8 * 1024;
    private const int MaxSendBuffer = 64 * 1024;

    [Fact]
    public async Task A_peer_that_pings_and_never_reads_is_not_read_past_its_send_buffer_and_is_answered_when_it_reads()
    {
        var budget = new PeerBudget();
        var config = ProtocolConfig.Create() with { MaxSendBuffer = MaxSendBuffer, Budget = budget };
        await using var remote = await SlowRemote.ConnectAsync(config);
        await remote.HandshakeAsync();

        // Ping until the peer stops reading us (its requests are paused) and the socket no longer takes our bytes.
        var peer = remote.Peer;
        long pings = await remote.FloodUntilAsync(i => new PingMessage { Nonce = (ulong)i + 1 }, () => budget.GetStats().PausedSenders == 1);

        var stats = peer.GetStats();
        long pongBytes = FrameHeader.Size + 8;

        // The remote's requests stop at one send buffer (the pong that fills it is the last); only our own keep-alive
        // ping (same size as a pong) may be queued beyond it.
        long ownPingBytes = FrameHeader.Size + 8;
        Assert.True(stats.QueuedBytes >= MaxSendBuffer, $"queued {stats.QueuedBytes}");
        Assert.True(stats.QueuedBytes < MaxSendBuffer + pongBytes + ownPingBytes, $"queued {stats.QueuedBytes} beyond one send buffer");
        long pingsRead = stats.ReceivedByCommand["ping"].Messages;
        Assert.True(pingsRead < pings, $"read {pingsRead} of {pings} pings: the peer kept reading");
        Assert.True(peer.IsConnected);

        // The remote reads again: every ping is answered, in order, and the peer's send buffer empties.
        long pongs = await remote.CountPongsAsync(pings);
        Assert.Equal(pings, pongs);
        await Eventually.TrueAsync(() => peer.QueuedBytes == 0 && budget.GetStats().PausedSenders == 0, "the send buffer drained");

        // The flood counted every whole message the socket took, and the peer read each of them.
        Assert.Equal(pings, peer.GetStats().ReceivedByCommand["ping"].Messages);
    }

    /// <summary>A raw remote with tiny socket buffers that can stop reading.</summary>
    internal sealed class SlowRemote : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly uint _magic;

        private SlowRemote(Socket socket, Peer peer, uint magic)
        {
            _socket = socket;
            Peer = peer;
            _magic = magic;
        }

        public Peer Peer { get; }

        public static async Task<SlowRemote> ConnectAsync(PeerConfig config)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = SmallSocketBuffer, SendBufferSize = SmallSocketBuffer };
            var accept = listener.AcceptSocketAsync();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(PeerPair.Timeout);
            var accepted = await accept.WaitAsync(PeerPair.Timeout);
            accepted.SendBufferSize = SmallSocketBuffer;
            accepted.ReceiveBufferSize = SmallSocketBuffer;
            var peer = Peer.Inbound(config, new NetworkStream(accepted, ownsSocket: true), accepted.RemoteEndPoint);
            peer.Start();
            return new SlowRemote(client, peer, config.Network.Magic);
        }

        public async Task HandshakeAsync()
        {
            await SendAsync(RawPeer.Version());
            await ReadUntilAsync("verack");
            await SendAsync(new VerAckMessage());
            await Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);
        }

        public Task SendAsync(IMessage message) => _socket.SendAsync(Frame.ToArray(_magic, message, new WireContext(70016, WireFlags.None))).WaitAsync(PeerPair.Timeout);

        /// <summary>Messages per batch of <see cref="FloodUntilAsync"/>.</summary>
        public const int FloodBatch = 256;

        /// <summary>
        /// Writes messages until <paramref name="done"/> holds while the socket no longer takes our bytes (the peer
        /// stopped reading); returns how many whole messages went out. The sends are non-blocking, so every byte the
        /// kernel took is counted: a cancelled asynchronous send may have put part of its buffer on the wire without
        /// saying so, and sending that part again corrupted the stream. A slow machine only makes it take longer.
        /// </summary>
        public async Task<long> FloodUntilAsync(Func<int, IMessage> message, Func<bool> done, int batch = FloodBatch, int maxMessages = 2_000_000)
        {
            long sent = 0;
            int next = 0;
            var deadline = DateTime.UtcNow + (PeerPair.Timeout * 3);
            _socket.Blocking = false;
            try
            {
                while (next < maxMessages)
                {
                    var bytes = new List<byte>();
                    for (int i = 0; i < batch; i++)
                    {
                        bytes.AddRange(Frame.ToArray(_magic, message(next++), new WireContext(70016, WireFlags.None)));
                    }

                    var chunk = bytes.ToArray();
                    int size = chunk.Length / batch;
                    int offset = 0;
                    while (offset < chunk.Length)
                    {
                        int n = _socket.Send(chunk.AsSpan(offset), SocketFlags.None, out var error);
                        if (error == SocketError.Success)
                        {
                            offset += n;
                            continue;
                        }

                        Assert.Equal(SocketError.WouldBlock, error);
                        Assert.True(DateTime.UtcNow < deadline, "the flood timed out");
                        if (done())
                        {
                            // Bytes of a message cut short stay unsent: count whole messages only.
                            return sent + (offset / size);
                        }

                        await Task.Delay(20);
                    }

                    sent += batch;
                }
            }
            finally
            {
                _socket.Blocking = true;
            }

            throw new InvalidOperationException($"{maxMessages} messages went out without the peer ever pushing back");
        }

        /// <summary>Reads until <paramref name="count"/> pongs arrived (or the time runs out); returns how many did.</summary>
        public async Task<long> CountPongsAsync(long count)
        {
            long pongs = 0;
            using var deadline = new CancellationTokenSource(PeerPair.Timeout * 3);
            while (pongs < count && !deadline.IsCancellationRequested)
            {
                var command = await ReadFrameAsync(deadline.Token);
                if (command == "pong")
                {
                    pongs++;
                }
            }

            return pongs;
        }

        public async ValueTask DisposeAsync()
        {
            Peer.Disconnect();
            await Peer.WaitForDisconnectAsync().WaitAsync(PeerPair.Timeout);
            _socket.Dispose();
        }

        private async Task ReadUntilAsync(string command)
        {
            using var deadline = new CancellationTokenSource(PeerPair.Timeout);
            while (await ReadFrameAsync(deadline.Token) != command)
            {
            }
        }

        private async Task<string> ReadFrameAsync(CancellationToken token)
        {
            var header = new byte[FrameHeader.Size];
            await _socket.ReceiveExactlyAsync(header, token);
            var parsed = FrameHeader.Parse(header, _magic);
            if (parsed.PayloadLength > 0)
            {
                await _socket.ReceiveExactlyAsync(new byte[parsed.PayloadLength], token);
            }

            return parsed.Command.ToString();
        }
    }
}

/// <summary>Socket helpers for the slow remote.</summary>
internal static class SocketReads
{
    public static async Task ReceiveExactlyAsync(this Socket socket, byte[] buffer, CancellationToken token)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, token);
            if (n == 0)
            {
                throw new IOException("the peer closed the connection");
            }

            read += n;
        }
    }
}
