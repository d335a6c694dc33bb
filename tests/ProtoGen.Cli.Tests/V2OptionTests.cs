using System.Text.RegularExpressions;

namespace ProtoGen.Cli.Tests;

/// <summary><c>listen</c> and <c>connect</c> with <c>--v2 off|prefer|require</c> (BIP324), over loopback.</summary>
public class V2OptionTests
{
    [Fact]
    public async Task Connect_prints_the_transport_and_the_session_id_that_listen_logs_too()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest");
        int port = await listen.WaitForListeningPortAsync();

        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest", "--v2", "prefer"));

        Assert.True(result.ExitCode == 0, result.Error);
        string sessionId = Regex.Match(Assert.Single(result.OutLines, l => l.StartsWith("transport ", StringComparison.Ordinal)), "^transport    v2, session id ([0-9a-f]{64})$").Groups[1].Value;
        Assert.NotEmpty(sessionId);
        var connected = await listen.Out.WaitForLineAsync(l => l.Contains(" connect    peer ", StringComparison.Ordinal));
        Assert.EndsWith($", transport v2, session id {sessionId}", connected, StringComparison.Ordinal);
        Assert.Equal(0, await listen.StopAsync());
    }

    [Fact]
    public async Task A_v1_client_is_served_v1_by_a_listener_that_prefers_v2()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest");
        int port = await listen.WaitForListeningPortAsync();

        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest", "--v2", "off"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("transport    v1", result.OutLines);

        // With v2 off NODE_P2P_V2 is not advertised; the listener still advertises it.
        Assert.Contains("services     0xc09 (Network, Witness, NetworkLimited, P2PV2)", result.OutLines);
        var connected = await listen.Out.WaitForLineAsync(l => l.Contains(" connect    peer ", StringComparison.Ordinal));
        Assert.Contains("services 0x409 (Network, Witness, NetworkLimited)", connected, StringComparison.Ordinal);
        Assert.EndsWith(", transport v1", connected, StringComparison.Ordinal);
        Assert.Equal(0, await listen.StopAsync());
    }

    [Fact]
    public async Task Preferring_v2_towards_a_v1_only_listener_falls_back_to_v1_as_Bitcoin_Core_does()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest", "--v2", "off", "--log-level", "info");
        int port = await listen.WaitForListeningPortAsync();

        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("transport    v1 (the node closed on our v2 key: reconnected with v1)", result.OutLines);

        // The listener read our v2 key as a v1 header of no known network and closed, then served the v1 attempt.
        await listen.Error.WaitForLineAsync(l => l.Contains(" disconnected: ", StringComparison.Ordinal) && l.Contains("BadMagic", StringComparison.Ordinal));
        await listen.Out.WaitForLineAsync(l => l.Contains(" connect    peer ", StringComparison.Ordinal) && l.EndsWith(", transport v1", StringComparison.Ordinal));
        Assert.Equal(0, await listen.StopAsync());
    }

    [Fact]
    public async Task Requiring_v2_towards_a_v1_only_listener_fails_without_falling_back()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest", "--v2", "off");
        int port = await listen.WaitForListeningPortAsync();

        var result = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest", "--v2", "require", "--timeout", "20"));

        result.AssertFailure(5, $"connect: 127.0.0.1:{port}: handshake failed: ");
        Assert.Equal(0, await listen.StopAsync());
    }

    [Fact]
    public async Task A_listener_that_requires_v2_refuses_a_v1_client_and_says_why()
    {
        await using var listen = new InProcessRun("listen", "--port", "0", "--network", "regtest", "--v2", "require", "--log-level", "info");
        int port = await listen.WaitForListeningPortAsync();

        var refused = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest", "--v2", "off", "--timeout", "20"));
        var served = await Task.Run(() => Cli.Run("connect", $"127.0.0.1:{port}", "--network", "regtest"));

        refused.AssertFailure(5, "handshake failed: ");
        await listen.Error.WaitForLineAsync(l => l.Contains("TransportNotAccepted", StringComparison.Ordinal) && l.Contains("requires the v2 transport", StringComparison.Ordinal));
        Assert.True(served.ExitCode == 0, served.Error);
        Assert.Contains(served.OutLines, l => l.StartsWith("transport    v2, session id ", StringComparison.Ordinal));
        Assert.Equal(0, await listen.StopAsync());
    }

    [Theory]
    [InlineData("connect")]
    [InlineData("listen")]
    public void An_unknown_mode_is_a_usage_error(string command)
    {
        var args = command == "connect" ? new[] { command, "127.0.0.1:1", "--v2", "maybe" } : new[] { command, "--port", "0", "--v2", "maybe" };

        Cli.Run(args).AssertFailure(2, $"{command}: unknown --v2 mode 'maybe' (off, prefer, require)");
    }
}
