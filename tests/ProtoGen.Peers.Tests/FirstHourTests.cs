using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// What a new user hits in the first hour: two peers made with default configurations in one process must talk to
/// each other, a real self-connection must be named with its nonce, and a remote on another network (or not speaking
/// Bitcoin at all) must be named rather than reported as a closed connection.
/// </summary>
public class FirstHourTests
{
    [Fact]
    public async Task Two_peers_with_default_configurations_in_one_process_complete_the_handshake()
    {
        // Exactly what a "hello world" writes: two configurations with nothing but the network set.
        var client = new PeerConfig { Network = BitcoinNetwork.Regtest };
        var server = new PeerConfig { Network = BitcoinNetwork.Regtest };

        await using var pair = await PeerPair.HandshakeAsync(client, server);

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.NotSame(client.NonceCache, server.NonceCache);
    }

    [Fact]
    public void A_configuration_and_its_copies_share_one_node_identity()
    {
        var node = new PeerConfig { Network = BitcoinNetwork.Regtest };
        var connector = node with { UserAgentName = "Connector" };

        Assert.Same(node.NonceCache, connector.NonceCache);
        Assert.NotSame(node.NonceCache, new PeerConfig().NonceCache);
    }

    [Fact]
    public async Task A_self_connection_is_named_with_the_nonce_in_the_inbound_log()
    {
        var log = new LogCapture(LogLevel.Information);
        var node = new PeerConfig { Network = BitcoinNetwork.Regtest, Logger = log };

        await using var pair = await PeerPair.ConnectAsync(node, node);
        var reason = await Eventually.DisconnectedAsync(pair.Server);

        Assert.Equal(DisconnectKind.SelfConnection, reason.Kind);
        Assert.Matches("^self-connection: the remote echoed our version nonce [0-9a-f]{16}$", reason.Detail);
        string nonce = reason.Detail[^16..];
        Assert.Contains(log.Entries, e => e.Message.Contains($"self-connection: the remote echoed our version nonce {nonce}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mainnet", "regtest")]
    [InlineData("testnet3", "mainnet")]
    [InlineData("signet", "testnet4")]
    public async Task A_remote_on_another_network_is_named(string ours, string theirs)
    {
        BitcoinNetwork.TryGet(ours, out var local);
        BitcoinNetwork.TryGet(theirs, out var remote);
        await using var pair = await PeerPair.ConnectAsync(
            new PeerConfig { Network = remote },
            new PeerConfig { Network = local });

        // The inbound side reads the other network's magic and names it.
        var inbound = await Eventually.DisconnectedAsync(pair.Server);
        Assert.Equal(DisconnectKind.ProtocolViolation, inbound.Kind);
        Assert.Equal(ProtocolError.BadMagic, inbound.ProtocolError);
        Assert.StartsWith($"wrong network: the remote speaks {remote.Name} (magic ", inbound.Detail, StringComparison.Ordinal);
        Assert.EndsWith($"we speak {local.Name} (magic {Convert.ToHexStringLower(BitConverter.GetBytes(local.Magic))})", inbound.Detail, StringComparison.Ordinal);

        // The dialling side got nothing back: it says so and hints at the likely cause.
        var outbound = await Eventually.DisconnectedAsync(pair.Client);
        Assert.Equal(DisconnectKind.RemoteClosed, outbound.Kind);
        Assert.Contains("before sending anything", outbound.Detail, StringComparison.Ordinal);
        Assert.Contains("another network", outbound.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_that_is_not_speaking_Bitcoin_is_named_with_what_it_sent()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var request = new byte[24];
            await socket.ReceiveAsync(request);
            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        });

        var peer = await Peer.ConnectAsync(new PeerConfig { Network = BitcoinNetwork.Mainnet }, "127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(PeerPair.Timeout);
        var reason = await Eventually.DisconnectedAsync(peer);
        await server.WaitAsync(PeerPair.Timeout);

        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Equal(ProtocolError.BadMagic, reason.ProtocolError);
        Assert.Equal("the remote is not speaking Bitcoin: it sent \"HTTP/1.1 400 Bad Request\" (we speak mainnet (magic f9beb4d9))", reason.Detail);
    }
}
