using ProtoGen.Bitcoin;
using ProtoGen.Node.Tests.Infrastructure;

namespace ProtoGen.Node.Tests;

/// <summary>
/// The pending getdata items of each peer, and their node-wide total: a peer over its own limit, or over its fair
/// share while the total is over the node's, is refused; a peer asking for a few items is served whatever others hold.
/// </summary>
public class GetDataRequestsTests
{
    private static InventoryVector[] Items(int count, int seed = 0) =>
        Enumerable.Range(seed, count).Select(i => new InventoryVector(InventoryType.Block, new Hash256(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))))).ToArray();

    [Fact]
    public void Items_come_out_in_order_across_batches_and_the_total_follows()
    {
        var total = new GetDataRequests.PendingTotal();
        var requests = new GetDataRequests(total);
        var first = Items(3);
        var second = Items(2, seed: 10);
        Assert.Equal(GetDataRequests.Outcome.StartServing, requests.Add(first, 100, 1_000, 10));
        Assert.Equal(GetDataRequests.Outcome.Queued, requests.Add(second, 100, 1_000, 10));
        Assert.Equal(5, total.Value);

        var taken = new List<InventoryVector>();
        while (requests.TryTake(out var item))
        {
            taken.Add(item);
        }

        Assert.Equal([.. first, .. second], taken);
        Assert.Equal(0, total.Value);
        Assert.True(requests.IsEmpty);

        // The serving task ended with the last item: the next add starts another.
        Assert.Equal(GetDataRequests.Outcome.StartServing, requests.Add(Items(1), 100, 1_000, 10));
    }

    [Fact]
    public void A_peer_over_its_limit_is_refused()
    {
        var requests = new GetDataRequests(new GetDataRequests.PendingTotal());
        requests.Add(Items(80), 100, 1_000, 10);
        Assert.Equal(GetDataRequests.Outcome.Overflow, requests.Add(Items(21), 100, 1_000, 10));
        Assert.Equal(80, requests.Count);
    }

    [Fact]
    public void Over_the_node_total_only_peers_past_their_fair_share_are_refused()
    {
        var total = new GetDataRequests.PendingTotal();
        var greedy = new GetDataRequests(total);
        var other = new GetDataRequests(total);
        var honest = new GetDataRequests(total);
        Assert.Equal(GetDataRequests.Outcome.StartServing, greedy.Add(Items(90), 100, 150, 10));
        Assert.Equal(GetDataRequests.Outcome.StartServing, other.Add(Items(60), 100, 150, 10));
        Assert.Equal(150, total.Value);

        // The total is at its limit: more from a peer holding its fair share or more is refused, and nothing is added.
        Assert.Equal(GetDataRequests.Outcome.NodeOverflow, greedy.Add(Items(5), 100, 150, 10));
        Assert.Equal(150, total.Value);

        // A peer asking for a few items is served anyway (the total may pass the limit by fair shares only).
        Assert.Equal(GetDataRequests.Outcome.StartServing, honest.Add(Items(10), 100, 150, 10));
        Assert.Equal(GetDataRequests.Outcome.NodeOverflow, honest.Add(Items(1), 100, 150, 10));
        Assert.Equal(160, total.Value);

        // A peer that ends gives its items back.
        greedy.Clear();
        Assert.Equal(70, total.Value);
        Assert.Equal(GetDataRequests.Outcome.Queued, other.Add(Items(20), 100, 150, 10));
    }
}

/// <summary>A chain server keeps nothing for peers that ended, even when it never lists its peers.</summary>
public class ChainServerForgetsPeersTests
{
    [Fact]
    public async Task Peers_that_ended_are_forgotten_with_their_pending_getdata()
    {
        var store = new ChainStore(BitcoinNetwork.Regtest);
        var chain = new ChainServer(store);
        await using var server = new PeerServer(NodeTestConfig.Create(chain), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        server.Start();
        var remotes = new List<ProtoGen.Peers.Peer>();
        for (int i = 0; i < 5; i++)
        {
            var remote = await ProtoGen.Peers.Peer.ConnectAsync(NodeTestConfig.Create(), "127.0.0.1", server.LocalEndPoint.Port);
            await remote.WaitForHandshakeAsync().WaitAsync(NodeTestConfig.Timeout);
            remotes.Add(remote);
        }

        // One asks for the genesis block many times over and goes before it is all served.
        var genesis = new InventoryVector(InventoryType.Block, store.GetHash(0));
        await remotes[0].SendAsync(new GetDataMessage { Inventory = new WireArray<InventoryVector>(Enumerable.Repeat(genesis, 20_000).ToArray()) });
        await Poll.UntilAsync(() => chain.KeptPeerCount == 5, "the server kept the five handshaken peers");
        foreach (var remote in remotes)
        {
            remote.Disconnect();
            await remote.WaitForDisconnectAsync().WaitAsync(NodeTestConfig.Timeout);
        }

        await Poll.UntilAsync(() => chain.KeptPeerCount == 0, "the server forgot every peer that ended");
    }
}
