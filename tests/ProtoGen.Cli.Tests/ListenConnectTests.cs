using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ProtoGen.Bitcoin;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Cli.Tests;

/// <summary><c>protogen listen</c> and <c>protogen connect</c>, on 127.0.0.1 only.</summary>
public class ListenConnectTests
{
    private const string RegtestGenesis = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";

    [Fact]
    public async Task Listen_in_one_process_serves_connect_in_another_and_stops_on_SIGTERM()
    {
        using var listen = new RunningChild("listen", "--port", "0", "--network", "mainnet");
        int port = Listening.Port(await listen.WaitForLineAsync(line => line.Contains("listening on ", StringComparison.Ordinal)));

        var connect = ChildProcess.Run(null, "connect", $"127.0.0.1:{port}", "--headers", "255");

        Assert.True(connect.ExitCode == 0, connect.Error);
        Assert.Equal(string.Empty, connect.Error);
        var lines = connect.OutLines;
        Assert.Matches($@"^connected    127\.0\.0\.1:{port} \(mainnet\), handshake in ", lines[0]);
        Assert.Contains("version      70017 (negotiated 70017)", lines);
        Assert.Contains("user agent   \"/protogen:0.1.0/\"", lines);
        Assert.Contains("services     0xc09 (Network, Witness, NetworkLimited, P2PV2)", lines);
        Assert.Matches("^transport    v2, session id [0-9a-f]{64}$", Assert.Single(lines, l => l.StartsWith("transport ", StringComparison.Ordinal)));
        Assert.Contains("start height 255", lines);
        Assert.Contains("features     witness (BIP144), wtxidrelay (BIP339), addrv2 (BIP155), tx relay", lines);
        Assert.Matches(@"^ping +\d+\.\d+ m?s round trip$", Assert.Single(lines, l => l.StartsWith("ping ", StringComparison.Ordinal)));
        Assert.Contains("headers      255/255 (100%)", lines);
        Assert.Contains(lines, l => l.StartsWith("headers      255 verified in ", StringComparison.Ordinal));
        Assert.Contains($"tip          {TestData.TipHash} (height 255)", lines);
        Assert.StartsWith("disconnected sent ", lines[^1], StringComparison.Ordinal);

        await listen.WaitForLineAsync(line => line.Contains(" disconnect peer ", StringComparison.Ordinal));
        listen.Terminate();
        var served = await listen.WaitForExitAsync();

        Assert.Equal(0, served.ExitCode);
        Assert.Equal(string.Empty, served.Error);
        var log = served.OutLines;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ listening on 127\.0\.0\.1:\d+ \(mainnet, height 255, tip " + TestData.TipHash + @"\); Ctrl-C or SIGTERM stops$", log[0]);
        var connected = Assert.Single(log, l => l.Contains(" connect    peer ", StringComparison.Ordinal));
        Assert.Matches(@"connect    peer \d+ 127\.0\.0\.1:\d+: agent ""/protogen:0\.1\.0/"", version 70017, services 0xc09 \(Network, Witness, NetworkLimited, P2PV2\), start height 0, transport v2, session id [0-9a-f]{64}$", connected);
        var disconnected = Assert.Single(log, l => l.Contains(" disconnect peer ", StringComparison.Ordinal));
        Assert.Matches(@"disconnect peer \d+ 127\.0\.0\.1:\d+: agent ""/protogen:0\.1\.0/"", version 70017, sent \d+ messages \([\d,]+ bytes\), received \d+ messages \([\d,]+ bytes\), ping [\d.]+ m?s, connected [\d.]+ m?s, reason RemoteClosed: ", disconnected);
        Assert.True(Array.IndexOf(log, connected) < Array.IndexOf(log, disconnected));
        Assert.Contains(log, l => l.EndsWith(" stopping (SIGTERM): disconnecting 0 peers", StringComparison.Ordinal));
        Assert.EndsWith(" stopped: 1 peer served", log[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_listen_disconnects_its_peers_and_logs_them()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest");
        int port = await listen.WaitForListeningPortAsync();
        var config = new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache() };
        var peer = await Peers.Peer.ConnectAsync(config, "127.0.0.1", port).WaitAsync(Limits.Wait);
        try
        {
            await peer.WaitForHandshakeAsync().WaitAsync(Limits.Wait);
            await listen.Out.WaitForLineAsync(line => line.Contains(" connect    peer ", StringComparison.Ordinal));

            Assert.Equal(0, await listen.StopAsync());
            await peer.WaitForDisconnectAsync().WaitAsync(Limits.Wait);
        }
        finally
        {
            peer.Disconnect();
        }

        var log = listen.Out.Text;
        Assert.Contains(" stopping (cancelled): disconnecting 1 peer\n", log, StringComparison.Ordinal);
        Assert.Matches(@"disconnect peer \d+ 127\.0\.0\.1:\d+: agent ""/ProtoGen:0\.1\.0/"", .*reason Requested: server stopping\n", log);
        Assert.EndsWith(" stopped: 1 peer served\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_without_blocks_serves_genesis_alone_on_regtest_and_connect_reports_no_new_headers()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest");
        int port = await listen.WaitForListeningPortAsync();

        var connect = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest", "--headers", "10"));

        Assert.True(connect.ExitCode == 0, connect.Error);
        Assert.Contains("start height 0", connect.OutLines);
        Assert.Contains("headers      0 verified (all the node had) in ", connect.Out, StringComparison.Ordinal);
        Assert.Contains($"tip          {RegtestGenesis} (height 0)", connect.OutLines);
        Assert.Contains($"(regtest, height 0, tip {RegtestGenesis})", listen.Out.Text, StringComparison.Ordinal);
        Assert.Equal(0, await listen.StopAsync());
    }

    [Fact]
    public async Task Listen_serves_the_blocks_of_a_blk_file()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--blocks", TestData.PathOf(TestData.Blocks1To255));
        int port = await listen.WaitForListeningPortAsync();

        var connect = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--headers", "100", "--timeout", "20"));

        Assert.True(connect.ExitCode == 0, connect.Error);
        Assert.Contains("headers      100/100 (100%)", connect.OutLines);
        Assert.Contains("tip          000000007bc154e0fa7ea32218a72fe2c1bb9f86cf8c9ebf9a715ed27fdb229a (height 100)", connect.OutLines);
        Assert.Equal(0, await listen.StopAsync());
    }

    [Fact]
    public void Listen_on_a_busy_port_exits_6()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        try
        {
            int port = ((IPEndPoint)holder.LocalEndpoint).Port;

            Cli.Run("listen", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .AssertFailure(6, $"listen: cannot listen on 127.0.0.1:{port}: the port is busy (address already in use)");
        }
        finally
        {
            holder.Stop();
        }
    }

    [Fact]
    public void Connect_to_a_closed_port_exits_5()
    {
        int port = Ports.Closed();

        Cli.Run("connect", $"127.0.0.1:{port}").AssertFailure(5, $"connect: cannot connect to 127.0.0.1:{port}: connection refused");
    }

    [Fact]
    public void Connect_to_a_closed_port_as_a_child_process_exits_5()
    {
        int port = Ports.Closed();

        ChildProcess.Run(null, "connect", $"127.0.0.1:{port}").AssertFailure(5, "connection refused");
    }

    [Fact]
    public async Task Connect_to_a_node_that_never_answers_the_handshake_times_out_with_exit_5()
    {
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            int port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var accepted = silent.AcceptTcpClientAsync();

            // The timeout also bounds the TCP connect, which must win on a loaded machine: a margin, not 1 s.
            var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--timeout", "5"));

            result.AssertFailure(5, $"connect: 127.0.0.1:{port}: no version handshake within 5 s");
            (await accepted.WaitAsync(Limits.Wait)).Dispose();
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Connect_to_a_node_that_drops_the_connection_exits_5()
    {
        var rude = new TcpListener(IPAddress.Loopback, 0);
        rude.Start();
        try
        {
            int port = ((IPEndPoint)rude.LocalEndpoint).Port;
            // Every connection closed at once: the v2 attempt and, by Bitcoin Core's rule, the v1 attempt after it.
            using var stopClosing = new CancellationTokenSource();
            var closer = Task.Run(async () =>
            {
                int closed = 0;
                try
                {
                    while (true)
                    {
                        (await rude.AcceptTcpClientAsync(stopClosing.Token)).Dispose();
                        closed++;
                    }
                }
                catch (OperationCanceledException)
                {
                    return closed;
                }
            });

            var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--timeout", "20"));

            result.AssertFailure(5, $"connect: 127.0.0.1:{port}: handshake failed: ");
            stopClosing.Cancel();
            // Two when our key was out before the close (Core's condition for the v1 retry), else one.
            Assert.InRange(await closer.WaitAsync(Limits.Wait), 1, 2);
        }
        finally
        {
            rude.Stop();
        }
    }

    [Fact]
    public async Task Connect_to_a_node_serving_headers_that_do_not_link_exits_7()
    {
        var chain = ChainStore.FromBlocks(BitcoinNetwork.Mainnet, BlockFile.Split(TestData.Read(TestData.Blocks1To255), BitcoinNetwork.Mainnet.Magic).Select(b => WireSerializer.Decode<Block>(b)));
        var config = new PeerConfig { Network = BitcoinNetwork.Mainnet, Listener = new SkippingHeaders(chain), NonceCache = new NonceCache() };
        await using var node = new PeerServer(config, new IPEndPoint(IPAddress.Loopback, 0));
        node.Start();

        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{node.LocalEndPoint.Port}", "--headers", "255"));

        result.AssertError(7, "connect: the remote's chain failed verification: header ");
        Assert.Contains("does not connect to the tip 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_to_a_node_that_hangs_on_getheaders_times_out_with_exit_5()
    {
        using var release = new ManualResetEventSlim();
        var config = new PeerConfig { Network = BitcoinNetwork.Mainnet, Listener = new HangingNode(release), NonceCache = new NonceCache() };
        await using var node = new PeerServer(config, new IPEndPoint(IPAddress.Loopback, 0));
        node.Start();
        try
        {
            // The timeout also bounds the connect and the handshake, which must finish first on a slow, shared machine
            // (4 s did not always suffice); the sync then waits this long for its answer.
            var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{node.LocalEndPoint.Port}", "--headers", "10", "--timeout", "15"));

            result.AssertError(5, "connect: sync timed out: no headers from the peer within 15 s");
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task Connect_with_log_level_debug_shows_every_message_on_standard_error()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest");
        int port = await listen.WaitForListeningPortAsync();

        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest", "--log-level", "debug"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => Regex.IsMatch(l, @"^\d\d:\d\d:\d\d\.\d{3} debug peer: Sending version \(\d+ bytes\) to peer \d+: version 70017, services 0xc09 \(Network, Witness, NetworkLimited, P2PV2\), user agent ""/protogen:0\.1\.0/"""));
        // v2 packets: 20 bytes around the contents; verack travels in the 13-byte long form, pong with its 1-byte id.
        Assert.Contains(result.ErrorLines, l => l.Contains("debug peer: Received verack (33 bytes) from peer ", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, l => l.Contains("debug peer: Received pong (29 bytes) from peer ", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, l => l.Contains("info  peer: Peer ", StringComparison.Ordinal) && l.Contains(" handshake complete", StringComparison.Ordinal));
        Assert.Equal(0, await listen.StopAsync());
    }

    [Theory]
    [InlineData(new[] { "connect" }, "connect: missing HOST:PORT")]
    [InlineData(new[] { "connect", "a:1", "b:2" }, "connect: unexpected argument 'b:2'")]
    [InlineData(new[] { "connect", "127.0.0.1:99999" }, "connect: bad port in '127.0.0.1:99999' (1 to 65535)")]
    [InlineData(new[] { "connect", "127.0.0.1:x" }, "connect: bad port in '127.0.0.1:x'")]
    [InlineData(new[] { "connect", ":8333" }, "connect: expected HOST:PORT, not ':8333'")]
    [InlineData(new[] { "connect", "[::1" }, "connect: expected HOST:PORT, not '[::1'")]
    [InlineData(new[] { "connect", "127.0.0.1:8333", "--headers", "0" }, "connect: option '--headers' needs a whole number from 1 to 100000000, not '0'")]
    [InlineData(new[] { "connect", "127.0.0.1:8333", "--headers", "lots" }, "connect: option '--headers' needs a whole number")]
    [InlineData(new[] { "connect", "127.0.0.1:8333", "--timeout", "0" }, "connect: option '--timeout' needs a number of seconds above 0")]
    [InlineData(new[] { "connect", "127.0.0.1:8333", "--timeout", "-1" }, "connect: option '--timeout' needs a number of seconds")]
    [InlineData(new[] { "connect", "127.0.0.1:8333", "--network", "moonnet" }, "connect: unknown network 'moonnet'")]
    [InlineData(new[] { "listen", "--port", "65536" }, "listen: option '--port' needs a whole number from 0 to 65535, not '65536'")]
    [InlineData(new[] { "listen", "--port" }, "listen: option '--port' needs a value (N)")]
    [InlineData(new[] { "listen", "--bind", "nowhere" }, "listen: option '--bind' needs an IP address")]
    [InlineData(new[] { "listen", "--network", "moonnet" }, "listen: unknown network 'moonnet'")]
    [InlineData(new[] { "listen", "extra" }, "listen: unexpected argument 'extra'")]
    [InlineData(new[] { "listen", "--log-level", "loud" }, "listen: unknown log level 'loud' (error, warning, info, debug, trace)")]
    [InlineData(new[] { "decode", "--log-level", "loud" }, "decode: unknown log level 'loud'")]
    [InlineData(new[] { "--log-level", "loud" }, "protogen: unknown log level 'loud' (error, warning, info, debug, trace) (see 'protogen --help')")]
    [InlineData(new[] { "demo", "extra" }, "demo: unexpected argument 'extra'")]
    [InlineData(new[] { "demo", "--json" }, "demo: unknown option '--json'")]
    public void Bad_network_arguments_exit_2_with_one_line(string[] args, string expected)
    {
        Cli.Run(args).AssertFailure(2, expected);
    }

    [Fact]
    public void Listen_with_a_missing_blocks_file_exits_3()
    {
        Cli.Run("listen", "--port", "0", "--blocks", "/no/such/protogen/chain.blk").AssertFailure(3, "listen: cannot read '/no/such/protogen/chain.blk': no such file");
    }

    [Fact]
    public void Listen_with_a_blk_file_of_another_network_exits_4()
    {
        Cli.Run("listen", "--port", "0", "--network", "regtest", "--blocks", TestData.PathOf(TestData.Blocks1To255))
            .AssertFailure(4, "not a blk file of regtest blocks: blk record at offset 0: magic f9beb4d9, expected fabfb5da");
    }

    [Fact]
    public void Listen_with_blocks_that_do_not_chain_from_genesis_exits_4()
    {
        // Blocks 2-255: the first does not link to the mainnet genesis.
        var records = BlockFile.Split(TestData.Read(TestData.Blocks1To255), BitcoinNetwork.Mainnet.Magic);
        int skip = records[0].Length + 8;
        using var file = new TempFile(TestData.Read(TestData.Blocks1To255)[skip..]);

        Cli.Run("listen", "--port", "0", "--blocks", file.Path).AssertFailure(4, "block 1 of 254 does not chain from the mainnet genesis: header 000000006a625f06636b8bb6ac7b960a8d03705d1ace08b1a19da3fdcc99ddbd does not connect to the tip");
    }

    [Fact]
    public void Listen_with_a_truncated_blocks_file_exits_4()
    {
        var bytes = TestData.Read(TestData.Blocks1To255);
        using var file = new TempFile(bytes[..(bytes.Length - 10)]);

        Cli.Run("listen", "--port", "0", "--blocks", file.Path).AssertFailure(4, "not a blk file of mainnet blocks: blk record at offset ");
    }

    [Theory]
    [InlineData("listen", "--bind")]
    [InlineData("connect", "--headers")]
    [InlineData("demo", "--log-level")]
    public void Network_commands_have_help(string command, string option)
    {
        foreach (var args in new[] { new[] { command, "--help" }, new[] { "help", command } })
        {
            var result = Cli.Run(args);
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith($"Usage: protogen {command} [OPTIONS]", result.Out, StringComparison.Ordinal);
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
            Assert.Contains("--log-level LEVEL", result.Out, StringComparison.Ordinal);
            Assert.Contains("7 the remote's chain failed verification", result.Out, StringComparison.Ordinal);
        }
    }

    /// <summary>A node whose message loop hangs on getheaders (it answers nothing, not even pings, until released).</summary>
    private sealed class HangingNode(ManualResetEventSlim release) : IBitcoinListener<Peer>
    {
        public void OnGetHeaders(Peer peer, GetHeadersMessage message) => release.Wait(Limits.Wait);
    }

    /// <summary>Answers getheaders with the chain minus its first header, which then links to nothing we have.</summary>
    private sealed class SkippingHeaders(ChainStore chain) : IBitcoinListener<Peer>
    {
        public void OnGetHeaders(Peer peer, GetHeadersMessage message)
        {
            var headers = chain.GetHeadersAfter(message.Locator, message.HashStop);
            peer.QueueMessage(new HeadersMessage { Headers = new WireArray<BlockHeader>(headers.Skip(1).ToArray()) });
        }
    }
}
