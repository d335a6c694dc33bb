using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.HostileDriver;

/// <summary>
/// A connection driven byte by byte, for peers that break the rules a <see cref="ProtoGen.Peers.Peer"/> keeps: it
/// never has to read, it can declare a message and not finish it, it can send garbage. The handshake is sent blind
/// (version then verack), which the node accepts since it reads the verack after sending its own version.
/// </summary>
internal static class RawPeer
{
    /// <summary>The payload a partial-message holder declares by default (just under the 4,000,000-byte limit).</summary>
    public const int DeclaredPartialSize = 3_999_000;

    /// <summary>What a partial-message holder sends of it by default.</summary>
    public const int SentPartialSize = 3_900_000;

    private static readonly byte[] s_handshake = [.. Frame.ToArray(BitcoinNetwork.Regtest.Magic, Version()), .. Frame.ToArray(BitcoinNetwork.Regtest.Magic, new VerAckMessage())];

    /// <summary>The version every raw connection sends.</summary>
    public static byte[] VersionFrame { get; } = Frame.ToArray(BitcoinNetwork.Regtest.Magic, Version());

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>; with <paramref name="receiveBuffer"/>, a small kernel receive buffer (a slow reader's).</summary>
    public static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (receiveBuffer is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends version and verack without waiting for the node's.</summary>
    public static async Task HandshakeAsync(Socket socket, CancellationToken cancellationToken) => await SendAsync(socket, s_handshake, cancellationToken);

    /// <summary>Sends all of <paramref name="bytes"/>.</summary>
    public static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes.Slice(sent);
        }
    }

    /// <summary>The header of a <c>block</c> message of <paramref name="declared"/> bytes and the first <paramref name="sent"/> bytes of its payload.</summary>
    public static byte[] PartialMessage(int declared, int sent)
    {
        var bytes = new byte[FrameHeader.Size + sent];
        new FrameHeader(BitcoinNetwork.Regtest.Magic, MessageCommand.Parse("block"), declared, 0).WriteTo(bytes);
        Random.Shared.NextBytes(bytes.AsSpan(FrameHeader.Size));
        return bytes;
    }

    /// <summary>A getdata asking for the genesis block <paramref name="count"/> times, and a ping: what a slow reader sends over and over.</summary>
    public static byte[] Requests(int count)
    {
        var genesis = new InventoryVector(InventoryType.Block, BitcoinNetwork.Regtest.GenesisHash);
        var getData = new GetDataMessage { Inventory = new WireArray<InventoryVector>(Enumerable.Repeat(genesis, count).ToArray()) };
        return [.. Frame.ToArray(BitcoinNetwork.Regtest.Magic, getData), .. Frame.ToArray(BitcoinNetwork.Regtest.Magic, new PingMessage { Nonce = 7 })];
    }

    /// <summary>Reads and drops whatever arrives until the node closes the connection (true) or <paramref name="cancellationToken"/> fires (false).</summary>
    public static async Task<bool> DrainUntilClosedAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The version a hostile connection sends.</summary>
    public static VersionMessage Version() => new()
    {
        Version = 70016,
        Services = ServiceFlags.Network | ServiceFlags.Witness,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ReceiverAddress = NetworkAddress.Unspecified,
        SenderAddress = NetworkAddress.Unspecified,
        Nonce = (ulong)Random.Shared.NextInt64(),
        UserAgent = "/HostileDriver:1.0/",
        StartHeight = 0,
        Relay = true,
    };
}
