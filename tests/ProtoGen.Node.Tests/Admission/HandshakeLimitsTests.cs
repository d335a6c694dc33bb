using System.Net;
using ProtoGen.Node.Admission;

namespace ProtoGen.Node.Tests.Admission;

/// <summary>
/// <see cref="HandshakeLimits"/> on a fake clock: btcd's 8 incomplete handshakes per /24 or /64 source, 2 per second
/// (burst 4) per source and 20 per second (burst 40) overall, and the loopback exemption.
/// </summary>
public class HandshakeLimitsTests
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(55));

    [Fact]
    public void A_source_may_have_8_incomplete_handshakes_and_the_ninth_is_refused_until_one_ends()
    {
        // A generous rate, so only the pending limit speaks.
        var limits = new HandshakeLimits(new AdmissionOptions { SourceHandshakeBurst = 100, HandshakeBurst = 100 }, _time);
        var tickets = new List<HandshakeTicket>();
        for (int i = 0; i < 8; i++)
        {
            Assert.Null(limits.TryAdmit(IPAddress.Parse($"9.9.9.{i}"), out var ticket));
            tickets.Add(ticket);
        }

        Assert.Equal(AdmissionRefusal.SourcePendingHandshakes, limits.TryAdmit(IPAddress.Parse("9.9.9.200"), out _));
        Assert.Null(limits.TryAdmit(IPAddress.Parse("9.9.8.1"), out _)); // another /24
        Assert.Equal(9, limits.PendingCount);

        tickets[3].Release();
        tickets[3].Release(); // twice releases once
        Assert.Null(limits.TryAdmit(IPAddress.Parse("9.9.9.201"), out _));
        Assert.Equal(AdmissionRefusal.SourcePendingHandshakes, limits.TryAdmit(IPAddress.Parse("9.9.9.202"), out _));
    }

    [Fact]
    public void Sources_are_grouped_by_slash_24_and_slash_64_and_an_IPv4_mapped_address_counts_as_IPv4()
    {
        var limits = new HandshakeLimits(new AdmissionOptions { MaxPendingHandshakesPerSource = 1, SourceHandshakeBurst = 100, HandshakeBurst = 100 }, _time);

        Assert.Null(limits.TryAdmit(IPAddress.Parse("9.9.9.1"), out _));
        Assert.Equal(AdmissionRefusal.SourcePendingHandshakes, limits.TryAdmit(IPAddress.Parse("::ffff:9.9.9.77"), out _));
        Assert.Null(limits.TryAdmit(IPAddress.Parse("9.9.10.1"), out _));

        Assert.Null(limits.TryAdmit(IPAddress.Parse("2a01:4f8:1:2::1"), out _));
        Assert.Equal(AdmissionRefusal.SourcePendingHandshakes, limits.TryAdmit(IPAddress.Parse("2a01:4f8:1:2:ffff::9"), out _));
        Assert.Null(limits.TryAdmit(IPAddress.Parse("2a01:4f8:1:3::1"), out _));
    }

    [Fact]
    public void A_source_may_start_2_handshakes_per_second_with_a_burst_of_4()
    {
        var limits = new HandshakeLimits(new AdmissionOptions { MaxPendingHandshakesPerSource = 1_000 }, _time);
        for (int i = 0; i < 4; i++)
        {
            Assert.Null(limits.TryAdmit(IPAddress.Parse("9.9.9.1"), out _));
        }

        Assert.Equal(AdmissionRefusal.SourceHandshakeRate, limits.TryAdmit(IPAddress.Parse("9.9.9.2"), out _));
        Assert.Null(limits.TryAdmit(IPAddress.Parse("8.8.8.8"), out _)); // another source has its own bucket

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Null(limits.TryAdmit(IPAddress.Parse("9.9.9.3"), out _));
        Assert.Equal(AdmissionRefusal.SourceHandshakeRate, limits.TryAdmit(IPAddress.Parse("9.9.9.4"), out _));
    }

    [Fact]
    public void The_server_starts_20_handshakes_per_second_with_a_burst_of_40_and_a_refused_one_costs_its_source_nothing()
    {
        // The source refills so slowly that only its burst of 4 counts here.
        var limits = new HandshakeLimits(new AdmissionOptions { SourceHandshakeRate = 0.001 }, _time);
        for (int i = 0; i < 40; i++)
        {
            Assert.Null(limits.TryAdmit(IPAddress.Parse($"9.9.{i}.1"), out var ticket));
            ticket.Release();
        }

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(AdmissionRefusal.HandshakeRate, limits.TryAdmit(IPAddress.Parse("8.8.8.8"), out _));
        }

        // One second: 20 more server-wide; 8.8.8.0/24 still has its whole burst.
        _time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 4; i++)
        {
            Assert.Null(limits.TryAdmit(IPAddress.Parse("8.8.8.8"), out _));
        }

        Assert.Equal(AdmissionRefusal.SourceHandshakeRate, limits.TryAdmit(IPAddress.Parse("8.8.8.8"), out _));
        for (int i = 0; i < 16; i++)
        {
            Assert.Null(limits.TryAdmit(IPAddress.Parse($"7.7.{i}.1"), out _));
        }

        Assert.Equal(AdmissionRefusal.HandshakeRate, limits.TryAdmit(IPAddress.Parse("7.7.100.1"), out _));
    }

    [Fact]
    public void Loopback_sources_skip_the_per_source_limits_unless_LimitLoopback_is_set()
    {
        var exempt = new HandshakeLimits(new AdmissionOptions { MaxPendingHandshakesPerSource = 1, SourceHandshakeBurst = 1 }, _time);
        for (int i = 0; i < 10; i++)
        {
            Assert.Null(exempt.TryAdmit(IPAddress.Loopback, out _));
            Assert.Null(exempt.TryAdmit(IPAddress.IPv6Loopback, out _));
        }

        Assert.Equal(0, exempt.PendingCount);

        var limited = new HandshakeLimits(new AdmissionOptions { MaxPendingHandshakesPerSource = 1, SourceHandshakeBurst = 5, LimitLoopback = true }, _time);
        Assert.Null(limited.TryAdmit(IPAddress.Loopback, out _));
        Assert.Equal(AdmissionRefusal.SourcePendingHandshakes, limited.TryAdmit(IPAddress.Parse("127.0.0.9"), out _));
    }

    [Fact]
    public void The_server_rate_applies_to_loopback_too()
    {
        var limits = new HandshakeLimits(new AdmissionOptions { HandshakeBurst = 2 }, _time);

        Assert.Null(limits.TryAdmit(IPAddress.Loopback, out _));
        Assert.Null(limits.TryAdmit(IPAddress.Loopback, out _));
        Assert.Equal(AdmissionRefusal.HandshakeRate, limits.TryAdmit(IPAddress.Loopback, out _));
    }

    [Fact]
    public void At_most_MaxTrackedSources_buckets_are_remembered()
    {
        var limits = new HandshakeLimits(new AdmissionOptions { MaxTrackedSources = 16, HandshakeBurst = 1_000 }, _time);
        for (int i = 0; i < 100; i++)
        {
            Assert.Null(limits.TryAdmit(IPAddress.Parse($"9.{i}.0.1"), out var ticket));
            ticket.Release();
        }

        Assert.Equal(16, limits.TrackedSources);
        Assert.Equal(0, limits.PendingCount);
    }
}
