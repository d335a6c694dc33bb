using static ProtoGen.Bitcoin.Tests.GoldenVectors.GoldenData;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>
/// Golden byte vectors for the address and inventory messages (addr, addrv2, inv, getdata, notfound). Each vector is
/// assembled field by field from the documented layout (Bitcoin Core's serialization, the BIPs' examples, btcd's wire
/// tests as facts), and each test asserts both encode(value) == bytes and decode(bytes) == value.
/// </summary>
public sealed class AddressAndInventoryGoldenTests
{
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
}
