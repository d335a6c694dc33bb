using ProtoGen.Bitcoin;

namespace ProtoGen.Node.Tests.Infrastructure;

/// <summary>
/// Regtest blocks and headers for the misbehaviour tests and the flood driver: a coinbase-only block on any parent
/// (its nonce ground until it meets the regtest target, about two tries), optionally padded to a size, chains of
/// headers, and headers that fail their proof of work.
/// </summary>
internal static class RegtestChain
{
    /// <summary>The regtest target in compact form.</summary>
    public const uint Bits = 0x207fffff;

    /// <summary>A block with one coinbase on <paramref name="previous"/>, its coinbase padded so the block is about <paramref name="size"/> bytes.</summary>
    public static Block Block(Hash256 previous, uint time, int size = 0, int tag = 0)
    {
        int padding = Math.Max(0, size - 200);
        var coinbase = new Transaction
        {
            Version = 1,
            Inputs = new WireArray<TxIn>([new TxIn { PreviousOutput = new OutPoint(Hash256.Zero, uint.MaxValue), ScriptSig = BitConverter.GetBytes(tag), Sequence = uint.MaxValue }]),
            Outputs = new WireArray<TxOut>([new TxOut { Value = 50_0000_0000, ScriptPubKey = new byte[1 + padding] }]),
            LockTime = 0,
        };
        var header = Mine(new BlockHeader { Version = 0x20000000, PreviousBlock = previous, MerkleRoot = coinbase.GetTxId(), Timestamp = time, Bits = Bits });
        return new Block { Header = header, Transactions = new WireArray<Transaction>([coinbase]) };
    }

    /// <summary><paramref name="count"/> headers, each on the one before, the first on <paramref name="previous"/>.</summary>
    public static BlockHeader[] Headers(Hash256 previous, int count, uint time = 1_700_000_000)
    {
        var headers = new BlockHeader[count];
        for (int i = 0; i < count; i++)
        {
            headers[i] = Mine(new BlockHeader { Version = 0x20000000, PreviousBlock = previous, MerkleRoot = new Hash256(BitConverter.GetBytes((long)i).Concat(new byte[24]).ToArray()), Timestamp = time + (uint)i, Bits = Bits });
            previous = headers[i].GetHash();
        }

        return headers;
    }

    /// <summary>A header whose hash does not meet its (regtest) target.</summary>
    public static BlockHeader WithInvalidProofOfWork(BlockHeader header)
    {
        while (header.CheckProofOfWork())
        {
            header = header with { Nonce = header.Nonce + 1 };
        }

        return header;
    }

    /// <summary>A hash no chain has (a block's previous block we do not know).</summary>
    public static Hash256 UnknownHash(int seed) => new(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    private static BlockHeader Mine(BlockHeader header)
    {
        while (!header.CheckProofOfWork())
        {
            header = header with { Nonce = header.Nonce + 1 };
        }

        return header;
    }
}
