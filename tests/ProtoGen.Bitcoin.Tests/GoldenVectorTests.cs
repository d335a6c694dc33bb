using ProtoGen.Bitcoin.Framing;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// Golden byte vectors for every message type. Each vector is assembled field by field from the documented layout
/// (Bitcoin Core's serialization, the BIPs' examples, btcd's wire tests as facts), and each test asserts both
/// encode(value) == bytes and decode(bytes) == value.
/// </summary>
public class GoldenVectorTests
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

    // ---------------------------------------------------------------- handshake

    private const string VersionToAddrRecv =
        "80110100"                                         // version 70016
        + "0904000000000000"                               // services NETWORK | WITNESS | NETWORK_LIMITED
        + "00f1536500000000"                               // timestamp 1700000000
        + "0000000000000000"                               // addr_recv services: none
        + "00000000000000000000ffff7f000001"               // addr_recv 127.0.0.1 (IPv4-mapped)
        + "208d";                                          // addr_recv port 8333, big-endian

    private const string VersionAddrFromAndNonce =
        "0904000000000000"                                 // addr_from services
        + "00000000000000000000000000000000"               // addr_from :: (unknown)
        + "0000"                                           // addr_from port 0
        + "efcdab8967452301";                              // nonce 0x0123456789abcdef

    private const string VersionUserAgent = "10" + "2f5361746f7368693a32372e302e302f"; // 16 bytes "/Satoshi:27.0.0/"
    private const string VersionStartHeight = "40d10c00";                                // 840000
    private const string VersionRelay = "01";                                            // relay: true

    private static VersionMessage VersionAt(int stop) => new()
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

    [Fact]
    public void Version_stopping_after_addr_recv()
        => Golden(VersionAt(0), Hex(VersionToAddrRecv));

    [Fact]
    public void Version_stopping_after_nonce()
        => Golden(VersionAt(1), Hex(VersionToAddrRecv, VersionAddrFromAndNonce));

    [Fact]
    public void Version_stopping_after_user_agent()
        => Golden(VersionAt(2), Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent));

    [Fact]
    public void Version_stopping_after_start_height()
        => Golden(VersionAt(3), Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent, VersionStartHeight));

    [Fact]
    public void Version_with_relay()
    {
        var bytes = Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent, VersionStartHeight, VersionRelay);
        Assert.Equal(102, bytes.Length);
        Golden(VersionAt(4), bytes);
    }

    [Fact]
    public void Version_relay_false_is_written_as_zero()
    {
        var value = VersionAt(4) with { Relay = false };
        Golden(value, Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent, VersionStartHeight, "00"));
    }

    [Fact]
    public void Version_sender_address_without_nonce_is_truncated_as_in_core()
    {
        // Core skips the 26-byte sender address and reads the nonce in one step: stopping between them is an error.
        Rejects<VersionMessage>(Hex(VersionToAddrRecv, VersionAddrFromAndNonce[..52]), ProtocolError.Truncated);
    }

    [Fact]
    public void Version_btcd_bip37_vector()
    {
        // btcd wire/msgversion_test.go baseVersionBIP0037Encoded: pver 70001, SFNodeNetwork, user agent
        // "/btcdtest:0.0.1/", last block 234234, relay true.
        var bytes = Hex(
            "71110100",                                    // 70001
            "0100000000000000",                            // SFNodeNetwork
            "29ab5f4900000000",                            // timestamp 0x495fab29
            "0100000000000000", "00000000000000000000ffffc0a80001", "208d", // addr_recv 192.168.0.1:8333
            "0100000000000000", "00000000000000000000ffff7f000001", "208d", // addr_from 127.0.0.1:8333
            "f3e0010000000000",                            // nonce 123123
            "10", "2f62746364746573743a302e302e312f",         // "/btcdtest:0.0.1/"
            "fa920300",                                    // last block 234234
            "01");                                         // relay
        var value = new VersionMessage
        {
            Version = 70001,
            Services = ServiceFlags.Network,
            Timestamp = 0x495fab29,
            ReceiverAddress = new NetworkAddress { Services = ServiceFlags.Network, Address = Hex("00000000000000000000ffffc0a80001"), Port = 8333 },
            SenderAddress = new NetworkAddress { Services = ServiceFlags.Network, Address = Hex("00000000000000000000ffff7f000001"), Port = 8333 },
            Nonce = 123123,
            UserAgent = "/btcdtest:0.0.1/",
            StartHeight = 234234,
            Relay = true,
        };
        Golden(value, bytes);
    }

    [Fact]
    public void Empty_messages_have_empty_payloads()
    {
        Golden(new VerAckMessage(), []);
        Golden(new GetAddrMessage(), []);
        Golden(new MemPoolMessage(), []);
        Golden(new FilterClearMessage(), []);
        Golden(new SendHeadersMessage(), []);
        Golden(new SendAddrV2Message(), []);
        Golden(new WtxidRelayMessage(), []);
    }

    [Fact]
    public void Ping_carries_the_nonce_after_bip31()
    {
        var ping = new PingMessage { Nonce = 0x0123456789abcdef };
        Golden(ping, Hex("efcdab8967452301"));
        Golden(ping, Hex("efcdab8967452301"), new WireContext(60001));
    }

    [Fact]
    public void Ping_has_no_nonce_at_protocol_60000()
    {
        var context = new WireContext(60000);
        Assert.Empty(WireSerializer.Encode(new PingMessage { Nonce = 0x0123456789abcdef }, context));
        Golden(new PingMessage(), [], context);
    }

    [Fact]
    public void Pong_echoes_the_nonce()
        => Golden(new PongMessage { Nonce = 0x0123456789abcdef }, Hex("efcdab8967452301"));

    [Fact]
    public void SendCmpct_high_bandwidth_version_2()
        => Golden(new SendCmpctMessage { HighBandwidth = true, Version = 2 }, Hex("01", "0200000000000000"));

    [Fact]
    public void SendCmpct_low_bandwidth_version_1()
        => Golden(new SendCmpctMessage { HighBandwidth = false, Version = 1 }, Hex("00", "0100000000000000"));

    [Fact]
    public void FeeFilter_is_an_int64_fee_rate()
        => Golden(new FeeFilterMessage { FeeRate = 1000 }, Hex("e803000000000000"));

    [Fact]
    public void SendTxRcncl_version_and_salt()
        => Golden(new SendTxRcnclMessage { Version = 1, Salt = 0x0123456789abcdef }, Hex("01000000", "efcdab8967452301"));

    [Fact]
    public void Reject_with_hash()
    {
        var bytes = Hex(
            "02", "7478",                                  // rejected command "tx"
            "10",                                          // REJECT_INVALID
            "08", "6261642d74786e73",                      // reason "bad-txns"
            GenesisTxIdWire);                              // the transaction's hash
        Golden(new RejectMessage { RejectedCommand = "tx", Code = RejectCode.Invalid, Reason = "bad-txns", Hash = WireHash(GenesisTxIdWire) }, bytes);
    }

    [Fact]
    public void Reject_without_hash()
    {
        var bytes = Hex(
            "07", "76657273696f6e",                        // rejected command "version"
            "11",                                          // REJECT_OBSOLETE
            "08", "6f62736f6c657465");                     // reason "obsolete"
        Golden(new RejectMessage { RejectedCommand = "version", Code = RejectCode.Obsolete, Reason = "obsolete" }, bytes);
    }

    // ---------------------------------------------------------------- addresses

    [Fact]
    public void Addr_one_ipv4_entry()
    {
        var bytes = Hex(
            "01",                                          // one entry
            "00f15365",                                    // time 1700000000
            "0100000000000000",                            // NODE_NETWORK
            "00000000000000000000ffffc0a80001",            // 192.168.0.1, IPv4-mapped
            "208d");                                       // port 8333
        var entry = new TimestampedNetworkAddress
        {
            Timestamp = 1_700_000_000,
            Address = new NetworkAddress { Services = ServiceFlags.Network, Address = Hex("00000000000000000000ffffc0a80001"), Port = 8333 },
        };
        Golden(new AddrMessage { Addresses = new[] { entry } }, bytes);
        Assert.Equal("192.168.0.1:8333", entry.Address.ToString());
    }

    [Fact]
    public void Addr_empty()
        => Golden(new AddrMessage(), Hex("00"));

    [Fact]
    public void AddrV2_one_entry_per_network_and_an_unknown_network_kept()
    {
        const string Time = "00f15365";
        var bytes = Hex(
            "06",
            Time, "fd0904", "01", "04", "01020304", "208d",                                             // IPv4 1.2.3.4, services 0x409 as CompactSize
            Time, "01", "02", "10", "20010db8000000000000000000000001", "208d",                        // IPv6 2001:db8::1
            Time, "00", "04", "20", "53cd5648488c4707914182655b7664034e09e66f7e8cbf1084e654eb56c5bd88", "208d", // Tor v3 (32)
            Time, "00", "05", "20", "a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87", "0000", // I2P (32), port 0
            Time, "00", "06", "10", "fc000001000200030004000500060007", "208d",                        // CJDNS (16)
            Time, "00", "2a", "03", "aabbcc", "0001");                                                 // unknown network 42, kept
        static NetworkAddressV2 Entry(ServiceFlags services, AddressNetwork network, string address, ushort port) => new()
        {
            Timestamp = 1_700_000_000,
            Services = services,
            Address = new AddrV2Address(network, WireBytes.FromHex(address)),
            Port = port,
        };
        var value = new AddrV2Message
        {
            Addresses = new[]
            {
                Entry(ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited, AddressNetwork.IPv4, "01020304", 8333),
                Entry(ServiceFlags.Network, AddressNetwork.IPv6, "20010db8000000000000000000000001", 8333),
                Entry(ServiceFlags.None, AddressNetwork.TorV3, "53cd5648488c4707914182655b7664034e09e66f7e8cbf1084e654eb56c5bd88", 8333),
                Entry(ServiceFlags.None, AddressNetwork.I2P, "a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87", 0),
                Entry(ServiceFlags.None, AddressNetwork.Cjdns, "fc000001000200030004000500060007", 8333),
                Entry(ServiceFlags.None, (AddressNetwork)42, "aabbcc", 1),
            },
        };
        Golden(value, bytes);
        Assert.Equal("1.2.3.4", value.Addresses[0].Address.ToIPAddress()?.ToString());
        Assert.Equal("2001:db8::1", value.Addresses[1].Address.ToIPAddress()?.ToString());
        Assert.Null(value.Addresses[2].Address.ToIPAddress());
    }

    [Fact]
    public void AddrV2_services_use_the_full_64_bits()
    {
        // Core reads addrv2 services as a CompactSize without the 0x02000000 size cap.
        var bytes = Hex("01", "00000000", "ff0000000000000080", "01", "04", "7f000001", "208d");
        var value = new AddrV2Message
        {
            Addresses = new[]
            {
                new NetworkAddressV2 { Services = (ServiceFlags)0x8000000000000000UL, Address = new AddrV2Address(AddressNetwork.IPv4, Hex("7f000001")), Port = 8333 },
            },
        };
        Golden(value, bytes);
    }

    // ---------------------------------------------------------------- inventory

    [Fact]
    public void Inv_tx_and_block()
    {
        var bytes = Hex("02", "01000000", GenesisTxIdWire, "02000000", GenesisHashWire);
        var value = new InvMessage
        {
            Inventory = new[]
            {
                new InventoryVector(InventoryType.Tx, WireHash(GenesisTxIdWire)),
                new InventoryVector(InventoryType.Block, BitcoinNetwork.Mainnet.GenesisHash),
            },
        };
        Golden(value, bytes);
    }

    [Fact]
    public void GetData_witness_types()
    {
        var bytes = Hex("03", "01000040", GenesisTxIdWire, "02000040", GenesisHashWire, "04000000", Block1HashWire);
        var value = new GetDataMessage
        {
            Inventory = new[]
            {
                new InventoryVector(InventoryType.WitnessTx, WireHash(GenesisTxIdWire)),
                new InventoryVector(InventoryType.WitnessBlock, WireHash(GenesisHashWire)),
                new InventoryVector(InventoryType.CompactBlock, WireHash(Block1HashWire)),
            },
        };
        Golden(value, bytes);
    }

    [Fact]
    public void NotFound_wtx()
        => Golden(new NotFoundMessage { Inventory = new[] { new InventoryVector(InventoryType.Wtx, WireHash(GenesisTxIdWire)) } }, Hex("01", "05000000", GenesisTxIdWire));

    [Fact]
    public void Inv_empty()
        => Golden(new InvMessage(), Hex("00"));

    // ---------------------------------------------------------------- sync

    [Fact]
    public void GetBlocks_two_locator_hashes_and_zero_stop()
    {
        var bytes = Hex("80110100", "02", Block1HashWire, GenesisHashWire, ZeroHash);
        var value = new GetBlocksMessage
        {
            Version = 70016,
            Locator = new[] { WireHash(Block1HashWire), WireHash(GenesisHashWire) },
            HashStop = Hash256.Zero,
        };
        Golden(value, bytes);
    }

    [Fact]
    public void GetHeaders_one_locator_hash_and_a_stop_hash()
    {
        var bytes = Hex("80110100", "01", GenesisHashWire, Block1HashWire);
        var value = new GetHeadersMessage
        {
            Version = 70016,
            Locator = new[] { BitcoinNetwork.Mainnet.GenesisHash },
            HashStop = WireHash(Block1HashWire),
        };
        Golden(value, bytes);
    }

    [Fact]
    public void Headers_each_followed_by_a_zero_transaction_count()
    {
        var bytes = Hex("02", Header1Hex, "00", Header2Hex, "00");
        var header1 = WireSerializer.Decode<BlockHeader>(Hex(Header1Hex).AsSpan());
        var header2 = WireSerializer.Decode<BlockHeader>(Hex(Header2Hex).AsSpan());
        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048", header1.GetHash().ToString());
        Assert.Equal(header1.GetHash(), header2.PreviousBlock);
        Golden(new HeadersMessage { Headers = new[] { header1, header2 } }, bytes);
    }

    [Fact]
    public void Headers_empty()
        => Golden(new HeadersMessage(), Hex("00"));

    [Fact]
    public void Block_header_fields()
    {
        var header = WireSerializer.Decode<BlockHeader>(Hex(GenesisHeaderHex).AsSpan());
        Assert.Equal(GenesisHeader, header);
        Assert.Equal(GenesisHeaderHex, Convert.ToHexStringLower(WireSerializer.Encode(GenesisHeader)));
        Assert.Equal(BitcoinNetwork.Mainnet.GenesisHash, header.GetHash());
    }

    [Fact]
    public void Block_genesis()
    {
        var bytes = Hex(GenesisHeaderHex, "01", GenesisCoinbaseHex);
        Assert.Equal(285, bytes.Length);
        var value = new Block { Header = GenesisHeader, Transactions = new[] { GenesisCoinbase } };
        Golden(value, bytes);
        Assert.Equal(BitcoinNetwork.Mainnet.GenesisBlock, value);
        Assert.True(value.CheckMerkleRoot());
    }

    // ---------------------------------------------------------------- transactions

    [Fact]
    public void Tx_legacy_genesis_coinbase()
    {
        var bytes = Hex(GenesisCoinbaseHex);
        Golden(GenesisCoinbase, bytes);
        Assert.Equal("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", GenesisCoinbase.GetTxId().ToString());
        Assert.Equal(GenesisCoinbase.GetTxId(), GenesisCoinbase.GetWitnessTxId());
        Assert.False(GenesisCoinbase.HasWitness);
        Assert.True(GenesisCoinbase.IsCoinbase);

        // Legacy transactions are the same without witness.
        Assert.Equal(bytes, WireSerializer.Encode(GenesisCoinbase, new WireContext(0, WireFlags.NoWitness)));
    }

    // BIP143's native P2WPKH example, signed: input 0 spends P2PK with a scriptSig, input 1 spends P2WPKH with a witness.
    private const string Bip143In0 = "fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f";
    private const string Bip143In0ScriptSig = "4830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01";
    private const string Bip143In1 = "ef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a";
    private const string Bip143Out0Script = "76a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac";
    private const string Bip143Out1Script = "76a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac";
    private const string Bip143Sig = "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee01";
    private const string Bip143PubKey = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";

    private const string Bip143InputsAndOutputs =
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

    private const string Bip143Witnesses =
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

    [Fact]
    public void Tx_segwit_bip143_example()
    {
        var bytes = Hex("01000000", "00", "01", Bip143InputsAndOutputs, Bip143Witnesses, "11000000"); // version, marker, flag, ..., lock time 17
        Assert.Equal(343, bytes.Length);
        var tx = Bip143Transaction;
        Golden(tx, bytes);
        Assert.True(tx.HasWitness);

        // Stripped of witness data: no marker, flag or witnesses; the txid hashes this form, the wtxid the full one.
        var stripped = Hex("01000000", Bip143InputsAndOutputs, "11000000");
        Assert.Equal(stripped, WireSerializer.Encode(tx, new WireContext(0, WireFlags.NoWitness)));
        Assert.Equal(DoubleSha256.Hash(stripped), tx.GetTxId());
        Assert.Equal(DoubleSha256.Hash(bytes), tx.GetWitnessTxId());
        Assert.NotEqual(tx.GetTxId(), tx.GetWitnessTxId());
        Assert.Equal(stripped.Length, tx.GetStrippedSize());
        Assert.Equal(bytes.Length, tx.GetSize());
        Assert.Equal((3 * stripped.Length) + bytes.Length, tx.GetWeight());

        // The same, decoded from memory (raw bytes remembered) and from a span (re-encoded): same ids.
        var fromMemory = WireSerializer.Decode<Transaction>(bytes.AsMemory());
        var fromSpan = WireSerializer.Decode<Transaction>(bytes.AsSpan());
        Assert.Equal(tx.GetTxId(), fromMemory.GetTxId());
        Assert.Equal(tx.GetTxId(), fromSpan.GetTxId());
        Assert.Equal(tx.GetWitnessTxId(), fromMemory.GetWitnessTxId());
        Assert.Equal(stripped, WireSerializer.Encode(fromMemory, new WireContext(0, WireFlags.NoWitness)));
    }

    [Fact]
    public void Tx_btcd_multi_witness_vector()
    {
        // btcd wire/msgtx_test.go multiWitnessTxEncoded: one P2WPKH input, one P2WPKH output.
        var bytes = Hex(
            "01000000", "00", "01",                        // version, marker, flag
            "01",                                          // one input
            "a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd", "13000000", // outpoint :19
            "00", "ffffffff",                              // empty scriptSig, sequence
            "01",                                          // one output
            "0b07060000000000",                            // 395019 sat
            "16", "00149ddac6f39d51e0398e532a22c41ba189406a8523", // P2WPKH
            "02",                                          // two witness items
            "46", "3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001",
            "21", "0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f",
            "00000000");                                   // lock time
        var tx = new Transaction
        {
            Version = 1,
            Inputs = new[]
            {
                new TxIn
                {
                    PreviousOutput = new OutPoint(WireHash("a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd"), 19),
                    Sequence = uint.MaxValue,
                    Witness = new[]
                    {
                        WireBytes.FromHex("3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001"),
                        WireBytes.FromHex("0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f"),
                    },
                },
            },
            Outputs = new[] { new TxOut { Value = 395019, ScriptPubKey = WireBytes.FromHex("00149ddac6f39d51e0398e532a22c41ba189406a8523") } },
        };
        Golden(tx, bytes);
    }

    [Fact]
    public void Tx_with_no_inputs_and_no_outputs_is_legacy()
    {
        // Version, input count 0, then a zero byte: Core reads it as the flag 0, i.e. an empty output list.
        Golden(new Transaction { Version = 2 }, Hex("02000000", "00", "00", "00000000"));
    }

    // ---------------------------------------------------------------- bloom (BIP37)

    [Fact]
    public void FilterLoad_developer_reference_example()
        => Golden(
            new FilterLoadMessage { Filter = Hex("b50f"), HashFunctions = 11, Tweak = 0, Flags = 0 },
            Hex("02", "b50f", "0b000000", "00000000", "00")); // filter, 11 hash functions, tweak, BLOOM_UPDATE_NONE

    [Fact]
    public void FilterAdd_one_element()
        => Golden(
            new FilterAddMessage { Data = Hex("fdacf9b3eb077412e7a968d2e4f11b9a9dee312d666187ed77ee7d26af16cb0b") },
            Hex("20", "fdacf9b3eb077412e7a968d2e4f11b9a9dee312d666187ed77ee7d26af16cb0b"));

    private static readonly string[] MerkleBlockHashes =
    [
        "3612262624047ee87660be1a707519a443b1c1ce3d248cbfc6c15870f6c5daa2",
        "019f5b01d4195ecbc9398fbf3c3b1fa9bb3183301d7a1fb3bd174fcfa40a2b65",
        "41ed70551dd7e841883ab8f0b16bf04176b7d1480e4f0af9f3d4c3595768d068",
        "20d2a7bc994987302e5b1ac80fc425fe25f8b63169ea78e68fbaaefa59379bbf",
    ];

    [Fact]
    public void MerkleBlock_partial_tree_proves_the_header_root()
    {
        // The merkleblock example of the Bitcoin developer reference: seven transactions, four hashes, flags 0x1d.
        const string header = "01000000" + "82bb869cf3a793432a66e826e05a6fc37469f8efb7421dc880670100000000007f16c5962e8bd963659c793ce370d95f093bc7e367117b3c30c1f8fdd0d97287" + "76381b4d" + "4c86041b" + "554b8529";
        var bytes = Hex(header, "07000000", "04", string.Concat(MerkleBlockHashes), "01", "1d");
        var value = new MerkleBlockMessage
        {
            Header = WireSerializer.Decode<BlockHeader>(Hex(header).AsSpan()),
            TransactionCount = 7,
            Hashes = MerkleBlockHashes.Select(WireHash).ToArray(),
            Flags = Hex("1d"),
        };
        Golden(value, bytes);
        Assert.Equal(value.Header.MerkleRoot, PartialMerkleRoot(value));
    }

    /// <summary>Walks a BIP37 partial merkle tree depth first and returns the root it proves.</summary>
    private static Hash256 PartialMerkleRoot(MerkleBlockMessage block)
    {
        int total = (int)block.TransactionCount;
        int Width(int height) => (total + (1 << height) - 1) >> height;
        int height = 0;
        while (Width(height) > 1)
        {
            height++;
        }

        int bit = 0, hash = 0;
        var flags = block.Flags.ToArray();
        Hash256 Walk(int h, int pos)
        {
            bool parent = ((flags[bit / 8] >> (bit % 8)) & 1) != 0;
            bit++;
            if (h == 0 || !parent)
            {
                return block.Hashes[hash++];
            }

            var left = Walk(h - 1, pos * 2);
            var right = pos * 2 + 1 < Width(h - 1) ? Walk(h - 1, (pos * 2) + 1) : left;
            return DoubleSha256.HashPair(left, right);
        }

        var root = Walk(height, 0);
        Assert.Equal(block.Hashes.Count, hash);
        return root;
    }

    // ---------------------------------------------------------------- compact blocks (BIP152)

    [Fact]
    public void CmpctBlock_with_six_byte_short_ids_and_a_prefilled_coinbase()
    {
        var bytes = Hex(
            GenesisHeaderHex,
            "0102030405060708",                            // nonce 0x0807060504030201
            "02",                                          // two short ids, 6 bytes little-endian each
            "010203040506",
            "aabbccddeeff",
            "01",                                          // one prefilled transaction
            "00", GenesisCoinbaseHex);                     // differential index 0, the coinbase
        var value = new CmpctBlockMessage
        {
            Header = GenesisHeader,
            Nonce = 0x0807060504030201,
            ShortIds = new[] { new ShortTxId(0x060504030201), new ShortTxId(0xffeeddccbbaa) },
            PrefilledTransactions = new[] { new PrefilledTransaction { Index = 0, Transaction = GenesisCoinbase } },
        };
        Golden(value, bytes);
    }

    [Fact]
    public void GetBlockTxn_indexes_are_differential_on_the_wire()
    {
        // Absolute [0, 1, 3, 7] is sent as 0, 0, 1, 3: each the gap since the previous index plus one.
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire), Indexes = new ushort[] { 0, 1, 3, 7 } }, Hex(Block1HashWire, "04", "00", "00", "01", "03"));

        // A gap of 299 needs a 3-byte CompactSize.
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire), Indexes = new ushort[] { 0, 300 } }, Hex(Block1HashWire, "02", "00", "fd2b01"));

        // The last index a block can have.
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire), Indexes = new ushort[] { 65535 } }, Hex(Block1HashWire, "01", "fdffff"));
        Golden(new GetBlockTxnMessage { BlockHash = WireHash(Block1HashWire) }, Hex(Block1HashWire, "00"));
    }

    [Fact]
    public void BlockTxn_carries_whole_transactions()
    {
        var bytes = Hex(GenesisHashWire, "02", GenesisCoinbaseHex, "01000000", "00", "01", Bip143InputsAndOutputs, Bip143Witnesses, "11000000");
        Golden(new BlockTxnMessage { BlockHash = BitcoinNetwork.Mainnet.GenesisHash, Transactions = new[] { GenesisCoinbase, Bip143Transaction } }, bytes);
    }

    // ---------------------------------------------------------------- compact filters (BIP157)

    [Fact]
    public void GetCFilters_layout()
        => Golden(new GetCFiltersMessage { FilterType = 0, StartHeight = 1, StopHash = WireHash(Block1HashWire) }, Hex("00", "01000000", Block1HashWire));

    [Fact]
    public void CFilter_genesis_basic_filter()
    {
        // BIP158's test vectors: the basic filter of the mainnet genesis block is 019dfca8.
        Golden(new CFilterMessage { FilterType = 0, BlockHash = BitcoinNetwork.Mainnet.GenesisHash, Filter = Hex("019dfca8") }, Hex("00", GenesisHashWire, "04", "019dfca8"));
    }

    [Fact]
    public void GetCFHeaders_layout()
        => Golden(new GetCFHeadersMessage { FilterType = 0, StartHeight = 1000, StopHash = WireHash(Block1HashWire) }, Hex("00", "e8030000", Block1HashWire));

    [Fact]
    public void CFHeaders_layout()
    {
        string a = new('1', 64), b = new('2', 64), c = new('3', 64);
        var value = new CFHeadersMessage
        {
            FilterType = 0,
            StopHash = WireHash(Block1HashWire),
            PreviousFilterHeader = WireHash(a),
            FilterHashes = new[] { WireHash(b), WireHash(c) },
        };
        Golden(value, Hex("00", Block1HashWire, a, "02", b, c));
    }

    [Fact]
    public void GetCFCheckpt_layout()
        => Golden(new GetCFCheckptMessage { FilterType = 0, StopHash = WireHash(Block1HashWire) }, Hex("00", Block1HashWire));

    [Fact]
    public void CFCheckpt_layout()
    {
        string a = new('4', 64);
        Golden(new CFCheckptMessage { FilterType = 0, StopHash = WireHash(Block1HashWire), FilterHeaders = new[] { WireHash(a) } }, Hex("00", Block1HashWire, "01", a));
    }

    // ---------------------------------------------------------------- whole frames

    [Fact]
    public void Frame_verack()
        => AssertFrame(new VerAckMessage(), "f9beb4d9" + "76657261636b000000000000" + "00000000" + "5df6e0e2");

    [Fact]
    public void Frame_ping()
        => AssertFrame(new PingMessage { Nonce = 0x0123456789abcdef }, "f9beb4d9" + "70696e670000000000000000" + "08000000" + "33bc15e5" + "efcdab8967452301");

    [Fact]
    public void Frame_sendcmpct()
        => AssertFrame(new SendCmpctMessage { HighBandwidth = true, Version = 2 }, "f9beb4d9" + "73656e64636d706374000000" + "09000000" + "5f09f00d" + "010200000000000000");

    [Fact]
    public void Frame_feature()
        => AssertFrame(new FeatureMessage { FeatureId = "BIP434"u8.ToArray() }, "f9beb4d9" + "666561747572650000000000" + "08000000" + "f6290655" + "06" + "424950343334" + "00");

    [Fact]
    public void Frame_feefilter()
        => AssertFrame(new FeeFilterMessage { FeeRate = 1000 }, "f9beb4d9" + "66656566696c746572000000" + "08000000" + "e80fd19f" + "e803000000000000");

    [Fact]
    public void Frame_version()
        => AssertFrame(
            VersionAt(4),
            "f9beb4d9" + "76657273696f6e0000000000" + "66000000" + "e0ea1114"
            + VersionToAddrRecv + VersionAddrFromAndNonce + VersionUserAgent + VersionStartHeight + VersionRelay);

    private static void AssertFrame(IMessage message, string hex)
    {
        var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, message);
        Assert.Equal(hex, Convert.ToHexStringLower(frame));
        var header = FrameHeader.Parse(frame, BitcoinNetwork.Mainnet.Magic);
        Assert.Equal(message.Command, header.Command);
        Assert.Equal(frame.Length - FrameHeader.Size, header.PayloadLength);
        Assert.Equal(DoubleSha256.Checksum(frame.AsSpan(FrameHeader.Size)), header.Checksum);
    }

    [Fact]
    public void Every_message_in_the_catalogue_has_a_golden_vector_here()
    {
        string[] covered =
        [
            "version", "verack", "ping", "pong", "getaddr", "addr", "addrv2", "sendaddrv2", "inv", "getdata", "notfound",
            "getblocks", "getheaders", "headers", "block", "tx", "mempool", "filterload", "filteradd", "filterclear",
            "merkleblock", "sendheaders", "feefilter", "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn", "wtxidrelay",
            "getcfilters", "cfilter", "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt", "reject", "sendtxrcncl",
            "feature",
        ];
        Assert.Equal(covered.Order(StringComparer.Ordinal), BitcoinMessages.Messages.Select(m => m.Command).Order(StringComparer.Ordinal));
    }
}
