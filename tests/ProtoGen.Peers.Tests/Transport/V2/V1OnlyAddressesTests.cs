using System.Net;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>The bounded set of addresses learnt to speak v1 only.</summary>
public sealed class V1OnlyAddressesTests
{
    private static IPEndPoint At(int i) => new(IPAddress.Parse($"10.0.{i / 256}.{i % 256}"), 8333);

    [Fact]
    public void It_keeps_at_most_its_capacity_forgetting_the_oldest_first()
    {
        var set = new V1OnlyAddresses(capacity: 100);
        for (int i = 0; i < 1_000; i++)
        {
            set.Add(At(i));
            Assert.True(set.Count <= 100);
        }

        Assert.Equal(100, set.Count);
        Assert.False(set.Contains(At(0)));
        Assert.False(set.Contains(At(899)));
        Assert.True(set.Contains(At(900)));
        Assert.True(set.Contains(At(999)));
    }

    [Fact]
    public void Adding_an_address_again_does_not_take_another_slot()
    {
        var set = new V1OnlyAddresses(capacity: 2);
        set.Add(At(1));
        set.Add(At(1));
        set.Add(At(2));

        Assert.Equal(2, set.Count);
        Assert.True(set.Contains(At(1)));
        Assert.True(set.Contains(At(2)));
    }

    [Fact]
    public void An_IPv4_mapped_IPv6_address_is_the_same_as_its_IPv4_address()
    {
        var set = new V1OnlyAddresses();
        var v4 = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 18444);
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.7"), 18444);

        set.Add(mapped);
        Assert.True(set.Contains(v4));
        Assert.True(set.Contains(mapped));
        Assert.False(set.Contains(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 18445)));
        set.Add(v4);
        Assert.Equal(1, set.Count);
        Assert.True(set.Remove(v4));
        Assert.False(set.Contains(mapped));
        Assert.False(set.Contains(null));
    }

    [Fact]
    public void An_address_removed_and_added_again_is_kept_like_any_other()
    {
        var set = new V1OnlyAddresses(capacity: 2);
        set.Add(At(1));
        Assert.True(set.Remove(At(1)));
        set.Add(At(1));
        set.Add(At(2));

        // Two addresses in a set of two: both must be there.
        Assert.Equal(2, set.Count);
        Assert.True(set.Contains(At(1)));
        Assert.True(set.Contains(At(2)));
    }
}
