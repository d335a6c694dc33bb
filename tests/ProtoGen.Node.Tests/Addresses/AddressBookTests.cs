using System.Net;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Addresses;

namespace ProtoGen.Node.Tests.Addresses;

/// <summary><see cref="AddressBook"/>: bounded, routable IPv4 and IPv6 only, sampled for getaddr.</summary>
public class AddressBookTests
{
    [Fact]
    public void The_book_never_holds_more_than_its_capacity()
    {
        var book = new AddressBook(capacity: 50);

        foreach (var address in AddressRelayTests.Addresses(0, 500))
        {
            Assert.True(book.Add(AddressRelayTests.V2(address)));
        }

        Assert.Equal(50, book.Count);
        Assert.Equal(50, book.GetAll().Select(a => a.Address.ToIPAddress()).Distinct().Count());
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("0.1.2.3")]
    [InlineData("172.20.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("198.18.0.1")]
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.1")]
    [InlineData("203.0.113.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:10::1")]
    [InlineData("::ffff:8.8.8.8")]
    public void Unroutable_addresses_are_not_kept(string address)
    {
        var ip = IPAddress.Parse(address);
        var network = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? AddressNetwork.IPv4 : AddressNetwork.IPv6;

        Assert.False(new AddressBook().Add(new NetworkAddressV2 { Services = ServiceFlags.Network, Address = new AddrV2Address(network, ip.GetAddressBytes()), Port = 8333 }));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2a01:4f8::1")]
    public void Routable_addresses_are_kept(string address)
    {
        var ip = IPAddress.Parse(address);
        var network = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? AddressNetwork.IPv4 : AddressNetwork.IPv6;

        Assert.True(new AddressBook().Add(new NetworkAddressV2 { Services = ServiceFlags.Network, Address = new AddrV2Address(network, ip.GetAddressBytes()), Port = 8333 }));
    }

    [Fact]
    public void Networks_a_TCP_node_cannot_reach_are_not_kept()
    {
        Assert.False(new AddressBook().Add(new NetworkAddressV2 { Services = ServiceFlags.Network, Address = new AddrV2Address(AddressNetwork.TorV3, new byte[32]), Port = 8333 }));
    }

    [Fact]
    public void A_sample_takes_at_most_the_percentage_and_count_asked_and_leaves_out_the_asking_peers_own()
    {
        var book = new AddressBook();
        var addresses = AddressRelayTests.Addresses(0, 200);
        for (int i = 0; i < addresses.Length; i++)
        {
            book.Add(AddressRelayTests.V2(addresses[i]), source: i < 100 ? 7 : 8);
        }

        Assert.Equal(46, book.GetAddresses(1_000, 23).Count);
        Assert.Equal(10, book.GetAddresses(10, 23).Count);
        var forSeven = book.GetAddresses(1_000, 100, exclude: 7);
        Assert.Equal(100, forSeven.Count);
        Assert.All(forSeven, a => Assert.True(a.Address.Bytes.Span[3] >= 100));
    }
}
