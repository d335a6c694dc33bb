using System;
using System.Numerics;
using ProtoGen.Bitcoin;

namespace ProtoGen.Node;

/// <summary>
/// Bitcoin Core's <c>CheckProofOfWork</c>: the compact target must be valid and no easier than the network's limit,
/// and the hash must not exceed it. The limit is the genesis block's target, which equals Core's <c>powLimit</c> in
/// compact precision on every network ProtoGen knows (mainnet, testnet3, testnet4, signet, regtest), so a header
/// claiming regtest difficulty is refused on mainnet.
/// </summary>
internal sealed class ProofOfWork
{
    private readonly BigInteger _limit;

    /// <summary>The check for <paramref name="network"/>.</summary>
    /// <param name="network">The network.</param>
    public ProofOfWork(BitcoinNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _limit = network.GenesisHeader.GetTarget() ?? throw new ArgumentException("the network's genesis has no valid target", nameof(network));
    }

    /// <summary>Whether <paramref name="header"/>, whose hash is <paramref name="hash"/>, meets its target and the target is within the limit.</summary>
    /// <param name="header">The header.</param>
    /// <param name="hash">Its hash.</param>
    public bool Check(in BlockHeader header, Hash256 hash)
    {
        if (BlockHeader.DecodeCompactTarget(header.Bits) is not { } target || target > _limit)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Hash256.Size];
        hash.WriteTo(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false) <= target;
    }
}
