using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// An in-memory block chain: a linear header chain from genesis, and the full blocks where we have them. It checks
/// every header it accepts (links to the tip, meets its own proof-of-work target, which the network's limit bounds) and every block (known header,
/// merkle root). Enough to serve and sync a chain; not a consensus engine (no reorganisations, no difficulty
/// retargeting checks, no script validation). Thread-safe.
/// </summary>
public sealed class ChainStore
{
    private readonly Lock _lock = new();
    private readonly List<BlockHeader> _headers = [];
    private readonly List<Hash256> _hashes = [];
    private readonly Dictionary<Hash256, int> _heights = [];
    private readonly Dictionary<Hash256, Block> _blocks = [];
    private readonly ProofOfWork _proofOfWork;

    /// <summary>Creates a chain holding only the network's genesis block.</summary>
    /// <param name="network">The network.</param>
    public ChainStore(BitcoinNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        _proofOfWork = new ProofOfWork(network);
        Append(network.GenesisHeader, network.GenesisHash);
        if (network.GenesisBlock is { } genesis)
        {
            _blocks[network.GenesisHash] = genesis;
        }
    }

    /// <summary>The network.</summary>
    public BitcoinNetwork Network { get; }

    /// <summary>The height of the tip (0: only genesis).</summary>
    public int Height
    {
        get
        {
            lock (_lock)
            {
                return _headers.Count - 1;
            }
        }
    }

    /// <summary>The tip's hash.</summary>
    public Hash256 TipHash
    {
        get
        {
            lock (_lock)
            {
                return _hashes[^1];
            }
        }
    }

    /// <summary>The tip's header.</summary>
    public BlockHeader TipHeader
    {
        get
        {
            lock (_lock)
            {
                return _headers[^1];
            }
        }
    }

    /// <summary>The height up to which every block is held.</summary>
    public int BlockHeight
    {
        get
        {
            lock (_lock)
            {
                int height = 0;
                while (height + 1 < _hashes.Count && _blocks.ContainsKey(_hashes[height + 1]))
                {
                    height++;
                }

                return height;
            }
        }
    }

    /// <summary>Raised after a header is appended (with its height); used to announce new blocks.</summary>
    public event Action<BlockHeader, int>? HeaderAdded;

    /// <summary>Builds a chain from consecutive blocks following the network's genesis.</summary>
    /// <param name="network">The network.</param>
    /// <param name="blocks">The blocks, in order.</param>
    /// <exception cref="InvalidOperationException">A block does not connect or does not check out.</exception>
    public static ChainStore FromBlocks(BitcoinNetwork network, IEnumerable<Block> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var store = new ChainStore(network);
        foreach (var block in blocks)
        {
            if (!store.TryAddBlock(block, out string? error))
            {
                throw new InvalidOperationException(error);
            }
        }

        return store;
    }

    /// <summary>Builds a chain from a blk file (Bitcoin Core's <c>blk*.dat</c> records) whose blocks follow the network's genesis in order.</summary>
    /// <param name="network">The network (its magic frames the records).</param>
    /// <param name="blockFile">The file's bytes.</param>
    /// <exception cref="ProtocolException">The file or a block in it is malformed.</exception>
    /// <exception cref="InvalidOperationException">A block does not connect or does not check out.</exception>
    public static ChainStore FromBlockFile(BitcoinNetwork network, ReadOnlyMemory<byte> blockFile)
    {
        ArgumentNullException.ThrowIfNull(network);
        var records = BlockFile.Split(blockFile, network.Magic);
        var blocks = new List<Block>(records.Count);
        foreach (var record in records)
        {
            blocks.Add(WireSerializer.Decode<Block>(record));
        }

        return FromBlocks(network, blocks);
    }

    /// <summary>
    /// Appends a header that extends the tip and meets its proof-of-work target. A header already in the chain is
    /// accepted as a no-op.
    /// </summary>
    /// <param name="header">The header.</param>
    /// <param name="error">Why it was refused.</param>
    public bool TryAddHeader(BlockHeader header, out string? error)
    {
        var hash = header.GetHash();
        lock (_lock)
        {
            if (_heights.ContainsKey(hash))
            {
                error = null;
                return true;
            }

            if (header.PreviousBlock != _hashes[^1])
            {
                error = string.Create(CultureInfo.InvariantCulture, $"header {hash} does not connect to the tip {_hashes[^1]} (previous {header.PreviousBlock})");
                return false;
            }

            if (!_proofOfWork.Check(header, hash))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"header {hash} does not meet its proof-of-work target (or claims one easier than the network allows)");
                return false;
            }

            Append(header, hash);
        }

        error = null;
        HeaderAdded?.Invoke(header, Height);
        return true;
    }

    /// <summary>
    /// Stores a block whose header is in the chain (or extends the tip, in which case the header is appended too),
    /// after checking its merkle root and witness commitment.
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="error">Why it was refused.</param>
    public bool TryAddBlock(Block block, out string? error)
    {
        ArgumentNullException.ThrowIfNull(block);
        var hash = block.GetHash();
        bool known;
        lock (_lock)
        {
            known = _heights.ContainsKey(hash);
        }

        if (!block.CheckMerkleRoot())
        {
            error = string.Create(CultureInfo.InvariantCulture, $"block {hash}: merkle root mismatch");
            return false;
        }

        if (!block.CheckWitnessCommitment())
        {
            error = string.Create(CultureInfo.InvariantCulture, $"block {hash}: witness commitment mismatch");
            return false;
        }

        if (!known && !TryAddHeader(block.Header, out error))
        {
            return false;
        }

        lock (_lock)
        {
            _blocks[hash] = block;
        }

        error = null;
        return true;
    }

    /// <summary>The height of <paramref name="hash"/> in the chain, or -1.</summary>
    /// <param name="hash">The block hash.</param>
    public int GetHeight(Hash256 hash)
    {
        lock (_lock)
        {
            return _heights.TryGetValue(hash, out int height) ? height : -1;
        }
    }

    /// <summary>The hash at <paramref name="height"/>.</summary>
    /// <param name="height">The height.</param>
    public Hash256 GetHash(int height)
    {
        lock (_lock)
        {
            return _hashes[height];
        }
    }

    /// <summary>The header at <paramref name="height"/>.</summary>
    /// <param name="height">The height.</param>
    public BlockHeader GetHeader(int height)
    {
        lock (_lock)
        {
            return _headers[height];
        }
    }

    /// <summary>The block with <paramref name="hash"/>, if held.</summary>
    /// <param name="hash">The block hash.</param>
    /// <param name="block">The block.</param>
    public bool TryGetBlock(Hash256 hash, out Block block)
    {
        lock (_lock)
        {
            return _blocks.TryGetValue(hash, out block!);
        }
    }

    /// <summary>
    /// A block locator for the tip: the last 10 hashes one by one, then exponentially further back, ending with
    /// genesis (Bitcoin Core's construction; about 10 + log2(height) hashes).
    /// </summary>
    public List<Hash256> GetLocator()
    {
        lock (_lock)
        {
            var locator = new List<Hash256>();
            int step = 1;
            for (int height = _hashes.Count - 1; height > 0; height -= step)
            {
                locator.Add(_hashes[height]);
                if (locator.Count >= 10)
                {
                    step *= 2;
                }
            }

            locator.Add(_hashes[0]);
            return locator;
        }
    }

    /// <summary>The height of the first locator hash in our chain (0 when none is: start after genesis, as Bitcoin Core does).</summary>
    /// <param name="locator">The locator.</param>
    public int FindFork(IReadOnlyList<Hash256> locator)
    {
        ArgumentNullException.ThrowIfNull(locator);
        lock (_lock)
        {
            foreach (var hash in locator)
            {
                if (_heights.TryGetValue(hash, out int height))
                {
                    return height;
                }
            }

            return 0;
        }
    }

    /// <summary>
    /// The headers after the fork point of <paramref name="locator"/>, up to and including <paramref name="stop"/>, at
    /// most <paramref name="max"/> (Bitcoin Core's getheaders answer). With an empty locator, just the stop header.
    /// </summary>
    /// <param name="locator">The requester's locator.</param>
    /// <param name="stop">Where to stop, or zero.</param>
    /// <param name="max">The most headers to return (2,000 in a headers message).</param>
    public List<BlockHeader> GetHeadersAfter(IReadOnlyList<Hash256> locator, Hash256 stop, int max = ProtocolLimits.MaxHeaders)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var headers = new List<BlockHeader>();
        lock (_lock)
        {
            if (locator.Count == 0)
            {
                if (_heights.TryGetValue(stop, out int only))
                {
                    headers.Add(_headers[only]);
                }

                return headers;
            }

            for (int height = FindFork(locator) + 1; height < _headers.Count && headers.Count < max; height++)
            {
                headers.Add(_headers[height]);
                if (_hashes[height] == stop)
                {
                    break;
                }
            }
        }

        return headers;
    }

    /// <summary>
    /// The block hashes after the fork point of <paramref name="locator"/>, stopping before <paramref name="stop"/>,
    /// at most <paramref name="max"/> (Bitcoin Core's getblocks answer: 500 per inv).
    /// </summary>
    /// <param name="locator">The requester's locator.</param>
    /// <param name="stop">Where to stop, or zero.</param>
    /// <param name="max">The most hashes to return.</param>
    public List<Hash256> GetBlockHashesAfter(IReadOnlyList<Hash256> locator, Hash256 stop, int max = ProtocolLimits.MaxBlocksPerGetBlocks)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var hashes = new List<Hash256>();
        lock (_lock)
        {
            for (int height = FindFork(locator) + 1; height < _hashes.Count && hashes.Count < max; height++)
            {
                if (_hashes[height] == stop)
                {
                    break;
                }

                hashes.Add(_hashes[height]);
            }
        }

        return hashes;
    }

    private void Append(BlockHeader header, Hash256 hash)
    {
        _heights[hash] = _headers.Count;
        _headers.Add(header);
        _hashes.Add(hash);
    }
}
