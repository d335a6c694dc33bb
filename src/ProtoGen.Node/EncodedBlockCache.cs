using System.Collections.Generic;
using System.Threading;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Node;

/// <summary>
/// The blocks served most recently, each as an <see cref="EncodedMessage"/>: when many peers ask for the same block (a
/// new tip), it is encoded and checksummed once per form, not once per peer. Holds at most <see cref="Capacity"/>
/// blocks; the least recently served is dropped first.
/// </summary>
internal sealed class EncodedBlockCache
{
    /// <summary>Blocks kept encoded (a new tip and a few before it; at most 8 × 4 MB of payload per form).</summary>
    public const int Capacity = 8;

    private readonly Lock _lock = new();
    private readonly LinkedList<(Hash256 Hash, EncodedMessage Block)> _order = new();

    /// <summary>The encoded form of <paramref name="block"/>, created on first use.</summary>
    /// <param name="hash">The block's hash.</param>
    /// <param name="block">The block.</param>
    public EncodedMessage Get(Hash256 hash, Block block)
    {
        lock (_lock)
        {
            for (var node = _order.First; node is not null; node = node.Next)
            {
                if (node.Value.Hash == hash)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    return node.Value.Block;
                }
            }

            var encoded = new EncodedMessage(block);
            _order.AddFirst((hash, encoded));
            if (_order.Count > Capacity)
            {
                _order.RemoveLast();
            }

            return encoded;
        }
    }

    /// <summary>The cached entry for <paramref name="hash"/>, if any (for tests).</summary>
    /// <param name="hash">The block's hash.</param>
    public EncodedMessage? Find(Hash256 hash)
    {
        lock (_lock)
        {
            foreach (var (h, block) in _order)
            {
                if (h == hash)
                {
                    return block;
                }
            }

            return null;
        }
    }
}
