using System;
using System.Net;
using System.Net.Sockets;

namespace ProtoGen.Bitcoin;

/// <summary>A network address without a timestamp, as in the version message: services, IPv6 (or IPv4-mapped) address, big-endian port.</summary>
[WireType]
public readonly partial record struct NetworkAddress
{
    /// <summary>The services the node advertises.</summary>
    public ServiceFlags Services { get; init; }

    /// <summary>The address: 16 bytes, IPv4 as an IPv4-mapped IPv6 address.</summary>
    [FixedLength(16)]
    public WireBytes Address { get; init; }

    /// <summary>The TCP port (big-endian on the wire).</summary>
    [BigEndian]
    public ushort Port { get; init; }

    /// <summary>An all-zero address, as sent when the address is unknown.</summary>
    public static NetworkAddress Unspecified => new() { Address = new byte[16] };

    /// <summary>Creates an address from an endpoint.</summary>
    /// <param name="endPoint">The endpoint.</param>
    /// <param name="services">The services.</param>
    public static NetworkAddress FromEndPoint(IPEndPoint endPoint, ServiceFlags services = ServiceFlags.None)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var ip = endPoint.Address.AddressFamily == AddressFamily.InterNetwork ? endPoint.Address.MapToIPv6() : endPoint.Address;
        return new NetworkAddress { Services = services, Address = ip.GetAddressBytes(), Port = (ushort)endPoint.Port };
    }

    /// <summary>The address as an <see cref="IPAddress"/> (IPv4-mapped addresses unmapped).</summary>
    public IPAddress ToIPAddress()
    {
        if (Address.Length != 16)
        {
            return IPAddress.IPv6None;
        }

        var ip = new IPAddress(Address.Span);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }

    /// <summary>The address and port as text.</summary>
    public override string ToString() => new IPEndPoint(ToIPAddress(), Port).ToString();
}

/// <summary>An addr entry: a timestamp and a network address.</summary>
[WireType]
public readonly partial record struct TimestampedNetworkAddress
{
    /// <summary>When the address was last seen, in Unix seconds.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The address.</summary>
    public NetworkAddress Address { get; init; }
}

/// <summary>An addrv2 entry (BIP155): timestamp, CompactSize services, network-specific address, port.</summary>
[WireType]
public readonly partial record struct NetworkAddressV2
{
    /// <summary>When the address was last seen, in Unix seconds.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The services the node advertises (a CompactSize on the wire).</summary>
    [CompactSize]
    public ServiceFlags Services { get; init; }

    /// <summary>The network and address bytes.</summary>
    [WireCodec(typeof(AddrV2AddressCodec), MinEncodedSize = 2)]
    public AddrV2Address Address { get; init; }

    /// <summary>The TCP port (big-endian on the wire).</summary>
    [BigEndian]
    public ushort Port { get; init; }
}

/// <summary>A BIP155 address: its network and raw bytes (length checked for every known network).</summary>
/// <param name="Network">The network identifier.</param>
/// <param name="Bytes">The address bytes.</param>
public readonly record struct AddrV2Address(AddressNetwork Network, WireBytes Bytes)
{
    /// <summary>The address length BIP155 fixes for <paramref name="network"/>, or -1 for an unknown network.</summary>
    /// <param name="network">The network.</param>
    public static int ExpectedLength(AddressNetwork network) => network switch
    {
        AddressNetwork.IPv4 => 4,
        AddressNetwork.IPv6 => 16,
        AddressNetwork.TorV2 => 10,
        AddressNetwork.TorV3 => 32,
        AddressNetwork.I2P => 32,
        AddressNetwork.Cjdns => 16,
        _ => -1,
    };

    /// <summary>The address as an <see cref="IPAddress"/> for IPv4 and IPv6, otherwise null.</summary>
    public IPAddress? ToIPAddress() => Network is AddressNetwork.IPv4 or AddressNetwork.IPv6 && Bytes.Length == ExpectedLength(Network) ? new IPAddress(Bytes.Span) : null;
}
