using System;

namespace ProtoGen.Bitcoin;

/// <summary>Bitcoin's merkle tree over transaction ids, as Bitcoin Core computes it (an odd node is paired with itself).</summary>
public static class MerkleTree
{
    /// <summary>
    /// Computes the root of <paramref name="leaves"/>. <paramref name="mutated"/> reports two identical adjacent
    /// nodes at any level, the CVE-2012-2459 ambiguity that lets a different transaction list give the same root.
    /// </summary>
    /// <param name="leaves">The leaf hashes; overwritten as scratch space.</param>
    /// <param name="mutated">Whether the tree has duplicate adjacent nodes.</param>
    /// <returns>The root, or zero for an empty list.</returns>
    public static Hash256 ComputeRoot(Span<Hash256> leaves, out bool mutated)
    {
        mutated = false;
        if (leaves.IsEmpty)
        {
            return Hash256.Zero;
        }

        int count = leaves.Length;
        while (count > 1)
        {
            for (int i = 0; i + 1 < count; i += 2)
            {
                if (leaves[i] == leaves[i + 1])
                {
                    mutated = true;
                }
            }

            // The pairs in place (the hashes land in the first half), then an odd last node paired with itself.
            int pairs = count / 2;
            DoubleSha256.HashPairs(leaves.Slice(0, 2 * pairs), leaves.Slice(0, pairs));
            if (count % 2 != 0)
            {
                leaves[pairs] = DoubleSha256.HashPair(leaves[count - 1], leaves[count - 1]);
            }

            count = pairs + (count % 2);
        }

        return leaves[0];
    }
}
