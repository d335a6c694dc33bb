using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Admission;
using ProtoGen.Node.Policy;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Policy;

/// <summary>
/// <see cref="MisbehaviourPolicy"/> on an inbound peer over in-memory pipes, on a fake clock: Bitcoin Core's rules for
/// unrequested blocks, headers that do not connect, invalid proof of work and local peers.
/// </summary>
public class MisbehaviourPolicyTests
{
    private const uint Time = 1_700_000_000;

    [Fact]
    public async Task Unrequested_blocks_with_unknown_parents_disconnect_and_discourage_at_the_first_as_Core_does()
    {
        // Core: a block whose previous block is unknown fails with BLOCK_MISSING_PREV, which is misbehaviour (since
        // PR #29575 any misbehaviour discourages at once). No getheaders is sent for a block message.
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);

        await remote.SendAsync(RegtestChain.Block(RegtestChain.UnknownHash(1), Time, size: 1_000_000));
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.Contains("previous block " + RegtestChain.UnknownHash(1) + " not found", reason.Detail, StringComparison.Ordinal);
        Assert.EndsWith("; address discouraged", reason.Detail, StringComparison.Ordinal);
        Assert.True(node.Discouraged.Contains(ScriptedRemote.PublicAddress.Address));
        var stats = node.Policy.GetStats();
        Assert.Equal(1, stats.Disconnects[MisbehaviourKind.UnconnectedBlock]);
        Assert.Equal(1, stats.Discouraged);
        Assert.Equal(0, stats.GetHeadersSent);
    }

    [Fact]
    public async Task A_block_on_a_known_parent_is_no_misbehaviour_and_marks_the_peer_useful()
    {
        var activity = new PeerActivity();
        await using var node = new Node(new MisbehaviourOptions { Activity = activity });
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);

        await remote.SendAsync(RegtestChain.Block(BitcoinNetwork.Regtest.GenesisHash, Time, size: 10_000));
        await remote.SyncAsync();

        Assert.True(remote.Peer.IsConnected);
        Assert.NotEqual(DateTimeOffset.MinValue, activity.LastBlock(remote.Peer));
        Assert.Equal(0, node.Discouraged.Count);
    }

    [Fact]
    public async Task A_mutated_block_disconnects()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var block = RegtestChain.Block(BitcoinNetwork.Regtest.GenesisHash, Time);
        var other = RegtestChain.Block(BitcoinNetwork.Regtest.GenesisHash, Time, tag: 7);

        // The header (and its proof of work) of one block with the transactions of another.
        await remote.SendAsync(block with { Transactions = other.Transactions });
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.StartsWith("mutated block ", reason.Detail, StringComparison.Ordinal);
        Assert.Equal(1, node.Policy.GetStats().Disconnects[MisbehaviourKind.MutatedBlock]);
    }

    [Fact]
    public async Task Headers_that_do_not_connect_are_answered_with_one_getheaders_per_two_minutes_while_unanswered()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var unconnecting = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(RegtestChain.UnknownHash(2), 5)) };

        await remote.SendAsync(unconnecting);
        var getHeaders = (await remote.ReceiveAsync("getheaders")).Decode<GetHeadersMessage>();
        Assert.Equal([BitcoinNetwork.Regtest.GenesisHash], getHeaders.Locator.AsSpan().ToArray());
        Assert.Equal(Hash256.Zero, getHeaders.HashStop);

        // Within HEADERS_RESPONSE_TIME nothing more is asked.
        node.Time.Advance(TimeSpan.FromSeconds(119));
        await remote.SendAsync(unconnecting);
        Assert.DoesNotContain(await remote.SyncAsync(), f => f.Command == "getheaders");

        // After it, the next unconnecting headers are answered again.
        node.Time.Advance(TimeSpan.FromSeconds(2));
        await remote.SendAsync(unconnecting);
        Assert.Contains(await remote.SyncAsync(), f => f.Command == "getheaders");

        Assert.True(remote.Peer.IsConnected);
        var stats = node.Policy.GetStats();
        Assert.Equal(2, stats.GetHeadersSent);
        Assert.Equal(1, stats.UnconnectingHeadersIgnored);
        Assert.Equal(3, node.Policy.UnconnectingHeadersCount(remote.Peer));
    }

    [Fact]
    public async Task A_flood_of_non_connecting_headers_disconnects_at_the_tenth_message_without_discouraging()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var flood = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(RegtestChain.UnknownHash(3), ProtocolLimits.MaxHeaders)) };

        for (int i = 1; i < MisbehaviourOptions.DefaultMaxUnconnectingHeadersMessages; i++)
        {
            await remote.SendAsync(flood);
        }

        await remote.SyncAsync();
        Assert.True(remote.Peer.IsConnected);
        Assert.Equal(9, node.Policy.UnconnectingHeadersCount(remote.Peer));

        await remote.SendAsync(flood);
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.StartsWith("10 headers messages in a row that do not connect to our chain", reason.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("discouraged", reason.Detail, StringComparison.Ordinal);
        Assert.Equal(0, node.Discouraged.Count);
        Assert.Equal(1, node.Policy.GetStats().Disconnects[MisbehaviourKind.UnconnectingHeaders]);
    }

    [Fact]
    public async Task Connecting_headers_end_a_run_of_unconnecting_ones()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var unconnecting = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(RegtestChain.UnknownHash(4), 3)) };
        var connecting = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(BitcoinNetwork.Regtest.GenesisHash, 3)) };

        for (int i = 0; i < 9; i++)
        {
            await remote.SendAsync(unconnecting);
        }

        await remote.SendAsync(connecting);
        for (int i = 0; i < 9; i++)
        {
            await remote.SendAsync(unconnecting);
        }

        await remote.SyncAsync();
        Assert.True(remote.Peer.IsConnected);
        Assert.Equal(9, node.Policy.UnconnectingHeadersCount(remote.Peer));
    }

    [Fact]
    public async Task Core_master_rule_never_disconnects_for_unconnecting_headers()
    {
        await using var node = new Node(new MisbehaviourOptions { MaxUnconnectingHeadersMessages = null });
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var unconnecting = new HeadersMessage { Headers = new WireArray<BlockHeader>(RegtestChain.Headers(RegtestChain.UnknownHash(5), 2)) };

        for (int i = 0; i < 25; i++)
        {
            await remote.SendAsync(unconnecting);
        }

        await remote.SyncAsync();
        Assert.True(remote.Peer.IsConnected);
        Assert.Equal(1, node.Policy.GetStats().GetHeadersSent);
    }

    [Fact]
    public async Task A_header_with_invalid_proof_of_work_disconnects_at_once()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var headers = RegtestChain.Headers(BitcoinNetwork.Regtest.GenesisHash, 3);
        headers[2] = RegtestChain.WithInvalidProofOfWork(headers[2]);

        await remote.SendAsync(new HeadersMessage { Headers = new WireArray<BlockHeader>(headers) });
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.Contains("(3 of 3) with invalid proof of work; address discouraged", reason.Detail, StringComparison.Ordinal);
        Assert.Equal(1, node.Policy.GetStats().Disconnects[MisbehaviourKind.InvalidProofOfWork]);
        Assert.True(node.Discouraged.Contains(ScriptedRemote.PublicAddress.Address));
    }

    [Fact]
    public async Task A_header_claiming_a_target_easier_than_the_network_allows_is_invalid_proof_of_work()
    {
        // Regtest difficulty on mainnet: the hash meets the header's own target, but the target is above mainnet's limit.
        await using var node = new Node(network: BitcoinNetwork.Mainnet);
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var easy = RegtestChain.Headers(BitcoinNetwork.Mainnet.GenesisHash, 1);
        Assert.True(easy[0].CheckProofOfWork());

        await remote.SendAsync(new HeadersMessage { Headers = new WireArray<BlockHeader>(easy) });
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.Contains("invalid proof of work", reason.Detail, StringComparison.Ordinal);
        Assert.False(node.Store.TryAddHeader(easy[0], out _));
    }

    [Fact]
    public async Task Non_continuous_headers_disconnect_at_once()
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);
        var headers = RegtestChain.Headers(BitcoinNetwork.Regtest.GenesisHash, 2).Concat(RegtestChain.Headers(RegtestChain.UnknownHash(6), 1)).ToArray();

        await remote.SendAsync(new HeadersMessage { Headers = new WireArray<BlockHeader>(headers) });
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.StartsWith("non-continuous headers sequence: header 3 of 3", reason.Detail, StringComparison.Ordinal);
        Assert.Equal(1, node.Policy.GetStats().Disconnects[MisbehaviourKind.NonContinuousHeaders]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.5")]
    public async Task A_local_peer_is_disconnected_but_never_discouraged(string address)
    {
        await using var node = new Node();
        await using var remote = await node.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), 50_001));

        await remote.SendAsync(RegtestChain.Block(RegtestChain.UnknownHash(7), Time));
        var reason = await remote.DisconnectedAsync();

        Assert.Equal(DisconnectKind.Misbehaving, reason.Kind);
        Assert.EndsWith("; local peer: disconnected, not discouraged", reason.Detail, StringComparison.Ordinal);
        Assert.Equal(0, node.Discouraged.Count);
        var stats = node.Policy.GetStats();
        Assert.Equal(1, stats.LocalNotDiscouraged);
        Assert.Equal(0, stats.Discouraged);
    }

    [Fact]
    public async Task An_exempt_peer_is_counted_but_kept()
    {
        await using var node = new Node(new MisbehaviourOptions { IsExempt = static _ => true });
        await using var remote = await node.ConnectAsync(ScriptedRemote.PublicAddress);

        await remote.SendAsync(RegtestChain.Block(RegtestChain.UnknownHash(8), Time));
        await remote.SyncAsync();

        Assert.True(remote.Peer.IsConnected);
        Assert.Equal(1, node.Policy.GetStats().Exempted);
        Assert.Equal(0, node.Discouraged.Count);
    }

    /// <summary>A regtest chain store (genesis only), its misbehaviour policy and a fake clock; peers connect over pipes.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly ManualTimeProvider _time;
        private readonly PeerScheduler _scheduler;

        public Node(MisbehaviourOptions? options = null, BitcoinNetwork? network = null)
        {
            (_time, _scheduler) = NodeTestConfig.FakeClock();
            Store = new ChainStore(network ?? BitcoinNetwork.Regtest);
            Policy = new MisbehaviourPolicy(Store, Discouraged, options);
        }

        public ChainStore Store { get; }

        public DiscouragedAddresses Discouraged { get; } = new();

        public MisbehaviourPolicy Policy { get; }

        public ManualTimeProvider Time => _time;

        public async Task<ScriptedRemote> ConnectAsync(EndPoint address)
        {
            var config = NodeTestConfig.Create(Policy, _time, _scheduler) with { Network = Store.Network, StallResponseTimeout = TimeSpan.Zero };
            var remote = new ScriptedRemote(config, address);
            await remote.HandshakeAsync();
            return remote;
        }

        public ValueTask DisposeAsync()
        {
            _scheduler.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
