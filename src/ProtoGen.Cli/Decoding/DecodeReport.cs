using System.Collections.Generic;
using ProtoGen.Bitcoin;

namespace ProtoGen.Cli.Decoding;

/// <summary>What kind of input <c>decode</c> found.</summary>
internal enum InputKind
{
    /// <summary>Bitcoin Core blk-file records: magic, length, block.</summary>
    BlockFile,

    /// <summary>One or more framed P2P messages (24-byte header and payload).</summary>
    Messages,

    /// <summary>One raw serialized block.</summary>
    Block,

    /// <summary>One raw serialized transaction.</summary>
    Transaction,
}

/// <summary>The result of decoding one input.</summary>
internal sealed record DecodeReport
{
    /// <summary>Where the input came from: a path, "-" for standard input, or the shipped blocks.</summary>
    public required string Source { get; init; }

    /// <summary>The input's size in bytes (for hex text, of the bytes it spells).</summary>
    public required long InputBytes { get; init; }

    /// <summary>Whether the input was hex text, decoded to bytes before anything else.</summary>
    public bool FromHexText { get; init; }

    /// <summary>The kind of input found.</summary>
    public required InputKind Kind { get; init; }

    /// <summary>The network whose magic framed the input (blk files and messages), or null for raw input.</summary>
    public BitcoinNetwork? Network { get; init; }

    /// <summary>The blocks (a blk file or a raw block); empty otherwise.</summary>
    public IReadOnlyList<BlockSummary> Blocks { get; init; } = [];

    /// <summary>The transaction (a raw transaction), or null.</summary>
    public TransactionSummary? Transaction { get; init; }

    /// <summary>The messages (framed input); empty otherwise.</summary>
    public IReadOnlyList<MessageSummary> Messages { get; init; } = [];

    /// <summary>The total number of transactions in <see cref="Blocks"/>.</summary>
    public long TotalTransactions
    {
        get
        {
            long total = 0;
            foreach (var block in Blocks)
            {
                total += block.TransactionCount;
            }

            return total;
        }
    }

    /// <summary>The total size of <see cref="Blocks"/> in bytes.</summary>
    public long TotalBlockBytes
    {
        get
        {
            long total = 0;
            foreach (var block in Blocks)
            {
                total += block.Size;
            }

            return total;
        }
    }

    /// <summary>How many of <see cref="Blocks"/> have a merkle root that does not check out.</summary>
    public int InvalidMerkleRoots
    {
        get
        {
            int count = 0;
            foreach (var block in Blocks)
            {
                if (!block.MerkleRootValid)
                {
                    count++;
                }
            }

            return count;
        }
    }
}
