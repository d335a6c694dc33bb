using System;
using System.Buffers.Binary;

namespace ProtoGen.Bitcoin;

/// <summary>A Bitcoin network: its name, message magic, default port and genesis block.</summary>
public sealed class BitcoinNetwork
{
    // The genesis coinbase shared by mainnet, testnet3, signet and regtest ("The Times 03/Jan/2009 ...").
    private const string SatoshiGenesisCoinbase =
        "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

    private readonly Lazy<Block?> _genesisBlock;

    private BitcoinNetwork(string name, ReadOnlySpan<byte> magicBytes, int defaultPort, BlockHeader genesisHeader, string? genesisCoinbaseHex)
    {
        Name = name;
        Magic = BinaryPrimitives.ReadUInt32LittleEndian(magicBytes);
        DefaultPort = defaultPort;
        GenesisHeader = genesisHeader;
        GenesisHash = genesisHeader.GetHash();
        _genesisBlock = new Lazy<Block?>(() => genesisCoinbaseHex is null ? null : new Block
        {
            Header = genesisHeader,
            Transactions = new WireArray<Transaction>([WireSerializer.Decode<Transaction>(Convert.FromHexString(genesisCoinbaseHex).AsMemory())]),
        });
    }

    /// <summary>The main network (magic f9beb4d9, port 8333).</summary>
    public static BitcoinNetwork Mainnet { get; } = new("mainnet", [0xf9, 0xbe, 0xb4, 0xd9], 8333, Genesis(1231006505, 0x1d00ffff, 2083236893), SatoshiGenesisCoinbase);

    /// <summary>Testnet3 (magic 0b110907, port 18333).</summary>
    public static BitcoinNetwork Testnet3 { get; } = new("testnet3", [0x0b, 0x11, 0x09, 0x07], 18333, Genesis(1296688602, 0x1d00ffff, 414098458), SatoshiGenesisCoinbase);

    /// <summary>Testnet4, BIP94 (magic 1c163f28, port 48333). Only the genesis header is built in.</summary>
    public static BitcoinNetwork Testnet4 { get; } = new(
        "testnet4",
        [0x1c, 0x16, 0x3f, 0x28],
        48333,
        new BlockHeader { Version = 1, MerkleRoot = Hash256.Parse("7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e"), Timestamp = 1714777860, Bits = 0x1d00ffff, Nonce = 393743547 },
        null);

    /// <summary>The default signet (magic 0a03cf40, port 38333).</summary>
    public static BitcoinNetwork Signet { get; } = new("signet", [0x0a, 0x03, 0xcf, 0x40], 38333, Genesis(1598918400, 0x1e0377ae, 52613770), SatoshiGenesisCoinbase);

    /// <summary>Regression test network (magic fabfb5da, port 18444).</summary>
    public static BitcoinNetwork Regtest { get; } = new("regtest", [0xfa, 0xbf, 0xb5, 0xda], 18444, Genesis(1296688602, 0x207fffff, 2), SatoshiGenesisCoinbase);

    /// <summary>Every built-in network.</summary>
    public static BitcoinNetwork[] All => [Mainnet, Testnet3, Testnet4, Signet, Regtest];

    /// <summary>The network's name (mainnet, testnet3, testnet4, signet, regtest).</summary>
    public string Name { get; }

    /// <summary>The message magic as the little-endian integer of its four wire bytes.</summary>
    public uint Magic { get; }

    /// <summary>The message magic as printed everywhere: the hex of its four wire bytes in wire order (<c>f9beb4d9</c>).</summary>
    public string MagicHex => FormatMagic(Magic);

    /// <summary>The default P2P port.</summary>
    public int DefaultPort { get; }

    /// <summary>The genesis block's header.</summary>
    public BlockHeader GenesisHeader { get; }

    /// <summary>The genesis block's hash.</summary>
    public Hash256 GenesisHash { get; }

    /// <summary>The whole genesis block, where it is built in (all but testnet4).</summary>
    public Block? GenesisBlock => _genesisBlock.Value;

    /// <summary>Finds a network by name (case-insensitive; "testnet" means testnet3).</summary>
    /// <param name="name">The name.</param>
    /// <param name="network">The network.</param>
    public static bool TryGet(string name, out BitcoinNetwork network)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                network = candidate;
                return true;
            }
        }

        network = string.Equals(name, "testnet", StringComparison.OrdinalIgnoreCase) ? Testnet3 : null!;
        return network is not null;
    }

    /// <summary>
    /// Formats any magic (a known network's or not) the one way ProtoGen prints magics: the hex of its four wire bytes
    /// in wire order (<c>f9beb4d9</c> for mainnet), as <see cref="WireHex.OfUInt32LittleEndian"/> does.
    /// </summary>
    /// <param name="magic">The magic, as the little-endian integer of its four wire bytes.</param>
    public static string FormatMagic(uint magic) => WireHex.OfUInt32LittleEndian(magic);

    /// <summary>Finds the built-in network with <paramref name="magic"/>, or null.</summary>
    /// <param name="magic">The magic, as the little-endian integer of its four wire bytes.</param>
    public static BitcoinNetwork? FindByMagic(uint magic)
    {
        foreach (var candidate in All)
        {
            if (candidate.Magic == magic)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static BlockHeader Genesis(uint time, uint bits, uint nonce) => new()
    {
        Version = 1,
        MerkleRoot = Hash256.Parse("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
        Timestamp = time,
        Bits = bits,
        Nonce = nonce,
    };
}
