using ProtoGen.Bitcoin;
using ProtoGen.Node.Tests.Infrastructure;
using ProtoGen.Node.Transactions;
using ProtoGen.Peers;

namespace ProtoGen.Node.Tests.Transactions;

/// <summary>
/// <see cref="TransactionAnnouncements"/> on peers over in-memory pipes, on a fake clock: Core's
/// MAX_PEER_TX_ANNOUNCEMENTS and MAX_PEER_TX_REQUEST_IN_FLIGHT, a process-wide bound, request expiry, and a tx inv
/// sent against our no-relay version.
/// </summary>
public class TransactionAnnouncementTests
{
    [Fact]
    public async Task At_most_5000_announcements_are_tracked_per_peer_and_the_rest_are_dropped_and_counted()
    {
        await using var node = new Node(new TransactionAnnouncementOptions());
        await using var remote = await node.ConnectAsync();

        await remote.SendAsync(Inv(0, 4_000));
        await remote.SendAsync(Inv(4_000, 4_000));
        await remote.SendAsync(Inv(0, 100)); // already tracked: neither counted again nor dropped
        await remote.SyncAsync();

        Assert.Equal(TransactionAnnouncements.MaxPeerTxAnnouncements, node.Announcements.TrackedCount(remote.Peer));
        var stats = node.Announcements.GetStats();
        Assert.Equal(5_000, stats.Tracked);
        Assert.Equal(3_000, stats.DroppedPerPeer);
        Assert.Equal(0, stats.Requested);
    }

    [Fact]
    public async Task At_most_100_transactions_are_requested_from_a_peer_at_once()
    {
        await using var node = new Node(new TransactionAnnouncementOptions { RequestTransactions = true });
        await using var remote = await node.ConnectAsync();

        await remote.SendAsync(Inv(0, 250));
        var request = (await remote.ReceiveAsync("getdata")).Decode<GetDataMessage>();
        Assert.Equal(TransactionAnnouncements.MaxPeerTxRequestInFlight, request.Inventory.Count);
        Assert.Equal(100, node.Announcements.InFlightCount(remote.Peer));

        // More announcements while 100 are in flight ask for nothing more.
        await remote.SendAsync(Inv(1_000, 10));
        Assert.DoesNotContain(await remote.SyncAsync(), f => f.Command == "getdata");

        // notfound for 30 of them makes room for 30 more.
        await remote.SendAsync(new NotFoundMessage { Inventory = new WireArray<InventoryVector>(request.Inventory.AsSpan()[..30].ToArray()) });
        await remote.SendAsync(Inv(2_000, 1));
        var next = (await remote.ReceiveAsync("getdata")).Decode<GetDataMessage>();
        Assert.Equal(30, next.Inventory.Count);
        Assert.Equal(100, node.Announcements.InFlightCount(remote.Peer));
        Assert.Equal(260 + 1 - 30, node.Announcements.TrackedCount(remote.Peer));
    }

    [Fact]
    public async Task Requests_unanswered_for_60_seconds_are_given_up()
    {
        await using var node = new Node(new TransactionAnnouncementOptions { RequestTransactions = true });
        await using var remote = await node.ConnectAsync();

        await remote.SendAsync(Inv(0, 150));
        await remote.ReceiveAsync("getdata");
        node.Time.Advance(TransactionAnnouncements.GetDataTxInterval);
        await remote.SendAsync(Inv(1_000, 1));
        var next = (await remote.ReceiveAsync("getdata")).Decode<GetDataMessage>();

        Assert.Equal(51, next.Inventory.Count);
        Assert.Equal(100, node.Announcements.GetStats().Expired);
        Assert.Equal(51, node.Announcements.TrackedCount(remote.Peer));
    }

    [Fact]
    public async Task The_bound_over_all_peers_holds_and_gone_peers_give_their_room_back()
    {
        await using var node = new Node(new TransactionAnnouncementOptions { MaxTracked = 6_000 });
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();

        await first.SendAsync(Inv(0, 5_000));
        await first.SyncAsync();
        await second.SendAsync(Inv(10_000, 5_000));
        await second.SyncAsync();

        Assert.Equal(1_000, node.Announcements.TrackedCount(second.Peer));
        Assert.Equal(4_000, node.Announcements.GetStats().DroppedTotal);

        await first.DisposeAsync();
        await second.SendAsync(Inv(20_000, 3_000));
        await second.SyncAsync();
        Assert.Equal(4_000, node.Announcements.TrackedCount(second.Peer));
        Assert.Equal(4_000, node.Announcements.GetStats().Tracked);
    }

    [Fact]
    public async Task A_transaction_inv_against_our_no_relay_version_disconnects()
    {
        await using var node = new Node(new TransactionAnnouncementOptions(), relay: false);
        await using var remote = await node.ConnectAsync();

        await remote.SendAsync(new InvMessage { Inventory = new WireArray<InventoryVector>([new InventoryVector(InventoryType.Block, RegtestChain.UnknownHash(1))]) });
        await remote.SyncAsync();
        Assert.True(remote.Peer.IsConnected);

        await remote.SendAsync(Inv(0, 1));
        var reason = await remote.DisconnectedAsync();
        Assert.Equal(DisconnectKind.ProtocolViolation, reason.Kind);
        Assert.Contains("our version asked for no transaction relay", reason.Detail, StringComparison.Ordinal);
    }

    private static InvMessage Inv(int first, int count) => new()
    {
        Inventory = new WireArray<InventoryVector>(Enumerable.Range(first, count).Select(i => new InventoryVector(InventoryType.Tx, RegtestChain.UnknownHash(1_000_000 + i))).ToArray()),
    };

    private sealed class Node : IAsyncDisposable
    {
        private readonly PeerScheduler _scheduler;
        private readonly bool _relay;

        public Node(TransactionAnnouncementOptions options, bool relay = true)
        {
            (Time, _scheduler) = NodeTestConfig.FakeClock();
            Announcements = new TransactionAnnouncements(options);
            _relay = relay;
        }

        public ManualTimeProvider Time { get; }

        public TransactionAnnouncements Announcements { get; }

        public async Task<ScriptedRemote> ConnectAsync()
        {
            var config = NodeTestConfig.Create(Announcements, Time, _scheduler) with { StallResponseTimeout = TimeSpan.Zero, RelayTransactions = _relay };
            var remote = new ScriptedRemote(config);
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
