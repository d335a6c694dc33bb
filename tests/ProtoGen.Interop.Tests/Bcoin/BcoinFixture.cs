using System.Diagnostics;
using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Interop.Tests.Infrastructure;
using ProtoGen.Peers;

namespace ProtoGen.Interop.Tests.Bcoin;

/// <summary>The bcoin tests share one fixture: they run one after another (an xunit collection), in the order given by <see cref="TestOrderAttribute"/>.</summary>
[CollectionDefinition(Name)]
public sealed class BcoinCollection : ICollectionFixture<BcoinFixture>
{
    public const string Name = "bcoin";
}

/// <summary>
/// Installs bcoin (setup.sh, idempotent), starts the shared "miner" node and mines its chain once:
/// <list type="bullet">
/// <item>blocks 1-5 pay P2WSH(OP_TRUE), 6-432 pay P2SH(OP_TRUE) (mature coins for the spend tests);</item>
/// <item>block 432 is the first with witness commitments; block 433 holds a P2WSH spend of block 1's coinbase (bcoin's
/// mempool takes witness transactions only once the tip itself is at 432);</item>
/// <item>then up to <see cref="ChainHeight"/>: more than 2,000 headers (two getheaders batches) and more than 500 blocks
/// (getblocks continuation).</item>
/// </list>
/// It also opens a long-lived "watcher" connection so the ping test can see bcoin's own 30-second ping.
/// Everything it starts is stopped in <see cref="DisposeAsync"/>, by process id.
/// </summary>
public sealed class BcoinFixture : IAsyncLifetime
{
    /// <summary>The first block that may carry witness data on bcoin's regtest (BIP9 windows of 144: active from 432).</summary>
    public const int SegwitHeight = 432;

    /// <summary>The block holding <see cref="WitnessSpend"/>.</summary>
    public const int WitnessSpendHeight = SegwitHeight + 1;

    /// <summary>The miner's chain height after the fixture has set up.</summary>
    public const int ChainHeight = 2_100;

    /// <summary>The blocks paying P2WSH(OP_TRUE).</summary>
    public const int WitnessCoinbases = 5;

    private readonly List<BcoinNode> _nodes = [];
    private readonly Lock _lock = new();
    private int _nextCoinbase = WitnessCoinbases;
    private BcoinNode? _miner;
    private Peer? _watcher;

    internal BcoinNode Miner => _miner ?? throw new InvalidOperationException("the fixture did not start");

    /// <summary>A ProtoGen peer connected to the miner since the fixture started (sees bcoin's periodic pings).</summary>
    internal Peer Watcher => _watcher ?? throw new InvalidOperationException("the fixture did not start");

    internal MessageLog WatcherLog { get; } = new();

    internal Stopwatch WatcherAge { get; } = new();

    /// <summary>The P2WSH spend bcoin mined into block <see cref="WitnessSpendHeight"/>.</summary>
    internal Transaction WitnessSpend { get; private set; } = new();

    /// <summary>What the setup took, for the report.</summary>
    internal string SetupTimings { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        await BcoinSetup.EnsureInstalledAsync();
        var installed = clock.Elapsed;
        TimeSpan started;
        try
        {
            _miner = await StartNodeAsync("miner");
            started = clock.Elapsed;
            _watcher = await InteropConfig.ConnectAsync(InteropConfig.Regtest("watcher", WatcherLog), _miner.P2PPort);
            WatcherAge.Start();
            await MineChainAsync(_miner);
        }
        catch
        {
            await DisposeAsync(); // stop what did start; the tests then fail with the exception
            throw;
        }

        SetupTimings = string.Create(CultureInfo.InvariantCulture,
            $"setup.sh {installed.TotalSeconds:0.0} s, start {(started - installed).TotalSeconds:0.0} s, mining {ChainHeight} blocks {(clock.Elapsed - started).TotalSeconds:0.0} s");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await InteropConfig.StopAsync(_watcher);
        }
        finally
        {
            List<BcoinNode> nodes;
            lock (_lock)
            {
                nodes = [.. _nodes];
                _nodes.Clear();
            }

            foreach (var node in nodes)
            {
                await node.StopAsync();
            }
        }
    }

    /// <summary>Starts another bcoin (stopped with the fixture at the latest; stop it earlier with <c>await using</c>).</summary>
    internal async Task<BcoinNode> StartNodeAsync(string name)
    {
        var node = await BcoinNode.StartAsync(name);
        lock (_lock)
        {
            _nodes.Add(node);
        }

        return node;
    }

    /// <summary>A mature P2SH(OP_TRUE) coinbase nobody has spent yet: (its outpoint, its value).</summary>
    internal async Task<(OutPoint Coin, long Value)> TakeMatureCoinbaseAsync()
    {
        int height = Interlocked.Increment(ref _nextCoinbase);
        Assert.True(height <= ChainHeight - 100, "ran out of mature P2SH coinbases");
        var coinbase = (await Miner.GetBlockAsync(height)).Transactions[0];
        Assert.Equal(Regtest.P2shScript, coinbase.Outputs[0].ScriptPubKey.ToArray());
        return (new OutPoint(coinbase.GetTxId(), 0), coinbase.Outputs[0].Value);
    }

    private async Task MineChainAsync(BcoinNode miner)
    {
        Assert.Equal(0, await miner.GetBlockCountAsync());
        await miner.GenerateAsync(WitnessCoinbases, Regtest.P2wshAddress);
        await miner.GenerateAsync(SegwitHeight - WitnessCoinbases, Regtest.P2shAddress);

        // A witness spend of block 1's P2WSH(OP_TRUE) coinbase: at tip 431 bcoin's mempool still says "no-witness-yet".
        var coinbase = (await miner.GetBlockAsync(1)).Transactions[0];
        Assert.Equal(Regtest.P2wshScript, coinbase.Outputs[0].ScriptPubKey.ToArray());
        var spend = Regtest.SpendP2wsh(new OutPoint(coinbase.GetTxId(), 0), coinbase.Outputs[0].Value);
        await miner.SendRawTransactionAsync(spend);
        await Poll.UntilAsync(miner.GetRawMempoolAsync, pool => pool.Contains(spend.GetTxId()), Timeouts.Short,
            $"the P2WSH spend {spend.GetTxId()} in bcoin's mempool\n{miner.LogTail(20)}");
        var witnessBlock = (await miner.GenerateAsync(1, Regtest.P2shAddress))[0];
        var mined = WireSerializer.Decode<Block>(await miner.GetRawBlockAsync(witnessBlock));
        Assert.Contains(mined.Transactions.AsSpan().ToArray(), tx => tx.GetTxId() == spend.GetTxId());
        WitnessSpend = spend;

        await miner.GenerateAsync(ChainHeight - WitnessSpendHeight, Regtest.P2shAddress);
        Assert.Equal(ChainHeight, await miner.GetBlockCountAsync());
    }
}
