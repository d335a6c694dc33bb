using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>
/// Vectors shared by the golden tests of this folder and by other tests: mainnet's first headers, the genesis coinbase,
/// a version message built up field group by field group, and BIP143's signed P2WPKH example transaction.
/// </summary>
internal static class GoldenData
{
    // Hashes in wire order (byte-reversed from how explorers show them).
    internal const string GenesisHashWire = "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";
    internal const string Block1HashWire = "4860eb18bf1b1620e37e9490fc8a427514416fd75159ab86688e9a8300000000";
    internal const string GenesisTxIdWire = "3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a";
    internal const string ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The mainnet genesis header: version 1, no previous block, merkle root, time, bits, nonce.</summary>
    internal const string GenesisHeaderHex =
        "01000000" + ZeroHash + GenesisTxIdWire + "29ab5f49" + "ffff001d" + "1dac2b7c";

    /// <summary>Mainnet block 1's header (first line of blockheaders-mainnet-1-11.txt).</summary>
    internal const string Header1Hex =
        "01000000" + GenesisHashWire + "982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e" + "61bc6649" + "ffff001d" + "01e36299";

    /// <summary>Mainnet block 2's header.</summary>
    internal const string Header2Hex =
        "01000000" + Block1HashWire + "d5fdcc541e25de1c7a5addedf24858b8bb665c9f36ef744ee42c316022c90f9b" + "b0bc6649" + "ffff001d" + "08d2bd61";

    private const string GenesisCoinbaseScriptSig =
        "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73";

    private const string GenesisCoinbaseScriptPubKey =
        "4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac";

    /// <summary>The genesis coinbase, a legacy transaction (txid 4a5e1e4b…).</summary>
    internal const string GenesisCoinbaseHex =
        "01000000"                                         // version 1
        + "01"                                             // one input
        + ZeroHash + "ffffffff"                            // null outpoint
        + "4d" + GenesisCoinbaseScriptSig                  // 77-byte scriptSig ("The Times 03/Jan/2009 ...")
        + "ffffffff"                                       // sequence
        + "01"                                             // one output
        + "00f2052a01000000"                               // 50 BTC
        + "43" + GenesisCoinbaseScriptPubKey               // 67-byte pay-to-pubkey script
        + "00000000";                                      // lock time

    internal static BlockHeader GenesisHeader => new()
    {
        Version = 1,
        PreviousBlock = Hash256.Zero,
        MerkleRoot = WireHash(GenesisTxIdWire),
        Timestamp = 1231006505,
        Bits = 0x1d00ffff,
        Nonce = 2083236893,
    };

    internal static Transaction GenesisCoinbase => new()
    {
        Version = 1,
        Inputs = new[]
        {
            new TxIn
            {
                PreviousOutput = new OutPoint(Hash256.Zero, uint.MaxValue),
                ScriptSig = WireBytes.FromHex(GenesisCoinbaseScriptSig),
                Sequence = uint.MaxValue,
            },
        },
        Outputs = new[] { new TxOut { Value = 50_0000_0000, ScriptPubKey = WireBytes.FromHex(GenesisCoinbaseScriptPubKey) } },
        LockTime = 0,
    };

    // The version message of the handshake and frame vectors, field group by field group.
    internal const string VersionToAddrRecv =
        "80110100"                                         // version 70016
        + "0904000000000000"                               // services NETWORK | WITNESS | NETWORK_LIMITED
        + "00f1536500000000"                               // timestamp 1700000000
        + "0000000000000000"                               // addr_recv services: none
        + "00000000000000000000ffff7f000001"               // addr_recv 127.0.0.1 (IPv4-mapped)
        + "208d";                                          // addr_recv port 8333, big-endian

    internal const string VersionAddrFromAndNonce =
        "0904000000000000"                                 // addr_from services
        + "00000000000000000000000000000000"               // addr_from :: (unknown)
        + "0000"                                           // addr_from port 0
        + "efcdab8967452301";                              // nonce 0x0123456789abcdef

    internal const string VersionUserAgent = "10" + "2f5361746f7368693a32372e302e302f"; // 16 bytes "/Satoshi:27.0.0/"
    internal const string VersionStartHeight = "40d10c00";                                // 840000
    internal const string VersionRelay = "01";                                            // relay: true

    internal static VersionMessage VersionAt(int stop) => new()
    {
        Version = 70016,
        Services = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited,
        Timestamp = 1_700_000_000,
        ReceiverAddress = new NetworkAddress { Services = ServiceFlags.None, Address = Hex("00000000000000000000ffff7f000001"), Port = 8333 },
        SenderAddress = stop >= 1 ? new NetworkAddress { Services = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited, Address = new byte[16], Port = 0 } : null,
        Nonce = stop >= 1 ? 0x0123456789abcdefUL : null,
        UserAgent = stop >= 2 ? "/Satoshi:27.0.0/" : null,
        StartHeight = stop >= 3 ? 840_000 : null,
        Relay = stop >= 4 ? true : null,
    };

    // BIP143's native P2WPKH example, signed: input 0 spends P2PK with a scriptSig, input 1 spends P2WPKH with a witness.
    internal const string Bip143In0 = "fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f";
    internal const string Bip143In0ScriptSig = "4830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01";
    internal const string Bip143In1 = "ef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a";
    internal const string Bip143Out0Script = "76a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac";
    internal const string Bip143Out1Script = "76a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac";
    internal const string Bip143Sig = "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee01";
    internal const string Bip143PubKey = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";

    internal const string Bip143InputsAndOutputs =
        "02"                                               // two inputs
        + Bip143In0 + "00000000"                           // outpoint 0
        + "49" + Bip143In0ScriptSig                        // 73-byte scriptSig
        + "eeffffff"                                       // sequence
        + Bip143In1 + "01000000"                           // outpoint 1
        + "00"                                             // empty scriptSig (witness spend)
        + "ffffffff"                                       // sequence
        + "02"                                             // two outputs
        + "202cb20600000000" + "19" + Bip143Out0Script     // 1.1234 BTC, P2PKH
        + "9093510d00000000" + "19" + Bip143Out1Script;    // 2.2345 BTC, P2PKH

    internal const string Bip143Witnesses =
        "00"                                               // input 0: empty witness
        + "02" + "47" + Bip143Sig + "21" + Bip143PubKey;   // input 1: signature and public key

    internal static Transaction Bip143Transaction => new()
    {
        Version = 1,
        Inputs = new[]
        {
            new TxIn { PreviousOutput = new OutPoint(WireHash(Bip143In0), 0), ScriptSig = WireBytes.FromHex(Bip143In0ScriptSig), Sequence = 0xffffffee },
            new TxIn
            {
                PreviousOutput = new OutPoint(WireHash(Bip143In1), 1),
                Sequence = uint.MaxValue,
                Witness = new[] { WireBytes.FromHex(Bip143Sig), WireBytes.FromHex(Bip143PubKey) },
            },
        },
        Outputs = new[]
        {
            new TxOut { Value = 112_340_000, ScriptPubKey = WireBytes.FromHex(Bip143Out0Script) },
            new TxOut { Value = 223_450_000, ScriptPubKey = WireBytes.FromHex(Bip143Out1Script) },
        },
        LockTime = 17,
    };
}
