using System.Net;
using System.Net.Sockets;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Tests;

/// <summary>
/// <c>protogen listen</c> against hostile numbers of connections: <c>--max-inbound</c>, and a child process run with a
/// low file-descriptor limit (<c>ulimit -n</c>) that must refuse the excess, back off, log it, keep running and serve a
/// well-behaved peer once descriptors are free again.
/// </summary>
public class ListenAdmissionTests
{
    /// <summary>
    /// The child's descriptor limit: <c>dotnet protogen.dll</c> holds about 66 descriptors once it listens (the
    /// NativeAOT binary far fewer), which leaves room for a few dozen peers and the reserve of 16.
    /// </summary>
    private const int DescriptorLimit = 128;

    private const int Flood = 300;

    [Fact]
    public async Task Listen_under_a_low_descriptor_limit_refuses_the_excess_backs_off_logs_it_and_keeps_serving()
    {
        using var listen = RunningChild.WithDescriptorLimit(DescriptorLimit, "listen", "--port", "0", "--network", "regtest", "--log-level", "warning");
        int port = Listening.Port(await listen.Out.WaitForLineAsync(line => line.Contains("listening on ", StringComparison.Ordinal)));

        // More connections than the process has descriptors. The kernel completes them all (backlog 4,096); the node
        // admits what its descriptors allow and closes the rest.
        var flood = new List<Socket>();
        try
        {
            for (int i = 0; i < Flood; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Limits.Wait);
            }

            await listen.Error.WaitForLineAsync(line => line.Contains("Refused inbound connection from 127.0.0.1:", StringComparison.Ordinal) && line.Contains("DescriptorsLow", StringComparison.Ordinal));
            await listen.Error.WaitForLineAsync(line => line.Contains("File descriptors low, refusing connections: backing off ", StringComparison.Ordinal));
            Assert.False(listen.HasExited, "listen died under the descriptor limit: " + listen.Error.Text);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        // Descriptors free again: a well-behaved peer is served (a few tries: the node may still be backing off, and
        // a connection that arrives while descriptors are low is refused).
        var served = await ConnectWellBehavedAsync(port);
        Assert.True(served.Handshake, "no well-behaved peer was served after the flood: " + listen.Error.Text);
        Assert.True(served.RoundTrip > TimeSpan.Zero);

        listen.Terminate();
        var result = await listen.WaitForExitAsync();
        Assert.Equal(0, result.ExitCode);
        var counters = Assert.Single(result.OutLines, l => l.Contains(" counters: ", StringComparison.Ordinal));
        Assert.Matches(@"refused \d+ \([^)]*DescriptorsLow \d+", counters);
    }

    [Fact]
    public async Task Listen_keeps_at_most_max_inbound_peers_and_prints_its_counters_when_it_stops()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest", "--max-inbound", "1");
        int port = await listen.WaitForListeningPortAsync();
        var config = new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache() };
        var first = await Peer.ConnectAsync(config, "127.0.0.1", port).WaitAsync(Limits.Wait);
        int refusals;
        try
        {
            await first.WaitForHandshakeAsync().WaitAsync(Limits.Wait);

            // The only peer is protected (too few to evict): the second is refused, its connection closed unanswered.
            var second = await Peer.ConnectAsync(config, "127.0.0.1", port).WaitAsync(Limits.Wait);
            await Assert.ThrowsAsync<PeerDisconnectedException>(() => second.WaitForHandshakeAsync().WaitAsync(Limits.Wait));
            Assert.True(first.IsConnected);

            // A v2 attempt closed unanswered after our key went out is tried again with v1 (Bitcoin Core's rule): two
            // refusals. Closed before the key went out (a loaded machine), there is no retry (Core's rule too): one.
            refusals = second.TransportName == "v1" ? 2 : 1;
        }
        finally
        {
            first.Disconnect();
        }

        Assert.Equal(0, await listen.StopAsync());
        Assert.Contains($" counters: admitted 1, refused {refusals} (InboundFull {refusals}), evicted 0 (none), accept errors 0; misbehaviour disconnects 0 (none), discouraged 0; ", listen.Out.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_sizes_its_budget_from_the_options_and_prints_it_when_it_stops()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest", "--max-receive-budget", "2", "--max-send-budget", "3", "--handshake-rate", "50");
        await listen.WaitForListeningPortAsync();
        Assert.Equal(0, await listen.StopAsync());
        Assert.Contains("budget: partial-message bytes peak 0 of 2097152, queued send bytes peak 0 of 3145728, over-budget disconnects 0", listen.Out.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-inbound", "-1")]
    [InlineData("--max-inbound", "many")]
    [InlineData("--backlog", "0")]
    [InlineData("--handshake-rate", "0")]
    [InlineData("--max-receive-budget", "0")]
    [InlineData("--max-send-budget", "lots")]
    public void Listen_rejects_a_bad_admission_option_with_exit_code_2(string option, string value)
    {
        Cli.Run("listen", "--port", "0", option, value).AssertFailure(2, $"listen: option '{option}' needs a whole number");
    }

    private static async Task<(bool Handshake, TimeSpan RoundTrip)> ConnectWellBehavedAsync(int port)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var config = new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache() };
            var peer = await Peer.ConnectAsync(config, "127.0.0.1", port).WaitAsync(Limits.Wait);
            try
            {
                await peer.WaitForHandshakeAsync().WaitAsync(Limits.Wait);
                return (true, await peer.PingAsync().WaitAsync(Limits.Wait));
            }
            catch (PeerDisconnectedException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
            finally
            {
                peer.Disconnect();
                await peer.WaitForDisconnectAsync().WaitAsync(Limits.Wait);
            }
        }

        return (false, TimeSpan.Zero);
    }
}
