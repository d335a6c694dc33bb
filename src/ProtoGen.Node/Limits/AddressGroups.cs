using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ProtoGen.Node.Limits;

/// <summary>
/// How the node groups remote addresses: by source prefix for handshake limits (btcd's admission: /24 for IPv4, /64
/// for IPv6), by network group for eviction diversity (Bitcoin Core's <c>CNetAddr::GetGroup</c> without an asmap: /16
/// for IPv4, /32 for IPv6), and which addresses are local (Core's <c>CNetAddr::IsLocal</c>). IPv4-mapped IPv6
/// addresses count as the IPv4 address they carry, so a dual-stack listener groups them with plain IPv4.
/// </summary>
internal static class AddressGroups
{
    /// <summary>Prefix bits of an IPv4 handshake source (btcd <c>inboundIPv4PrefixBits</c>).</summary>
    public const int SourcePrefixBitsIPv4 = 24;

    /// <summary>Prefix bits of an IPv6 handshake source (btcd <c>inboundIPv6PrefixBits</c>).</summary>
    public const int SourcePrefixBitsIPv6 = 64;

    /// <summary>Prefix bits of an IPv4 network group (Bitcoin Core <c>GetGroup</c>: the /16).</summary>
    public const int NetGroupBitsIPv4 = 16;

    /// <summary>Prefix bits of an IPv6 network group (Bitcoin Core <c>GetGroup</c>: the /32).</summary>
    public const int NetGroupBitsIPv6 = 32;

    /// <summary>The address with an IPv4-mapped IPv6 address turned back into IPv4 and any IPv6 scope dropped.</summary>
    /// <param name="address">The address.</param>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }

    /// <summary>The handshake source of <paramref name="address"/>: its /24 (IPv4) or /64 (IPv6).</summary>
    /// <param name="address">The remote address.</param>
    public static AddressPrefix SourcePrefix(IPAddress address) => Prefix(address, SourcePrefixBitsIPv4, SourcePrefixBitsIPv6);

    /// <summary>
    /// The network group of <paramref name="address"/> for eviction: its /16 (IPv4) or /32 (IPv6); every local
    /// address falls in one group, as in Bitcoin Core.
    /// </summary>
    /// <param name="address">The remote address.</param>
    public static AddressPrefix NetGroup(IPAddress address)
    {
        var normalized = Normalize(address);
        return IsLocal(normalized) ? AddressPrefix.Local : Prefix(normalized, NetGroupBitsIPv4, NetGroupBitsIPv6);
    }

    /// <summary>
    /// Whether <paramref name="address"/> is local as Bitcoin Core's <c>CNetAddr::IsLocal</c> defines it: IPv4
    /// 127.0.0.0/8 or 0.0.0.0/8, or IPv6 ::1 (IPv4-mapped addresses unmapped first).
    /// </summary>
    /// <param name="address">The address.</param>
    public static bool IsLocal(IPAddress address)
    {
        var normalized = Normalize(address);
        if (normalized.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            normalized.TryWriteBytes(bytes, out _);
            return bytes[0] is 127 or 0;
        }

        return IPAddress.IPv6Loopback.Equals(normalized);
    }

    /// <summary>Whether <paramref name="endPoint"/> is a local IP endpoint (see <see cref="IsLocal(IPAddress)"/>).</summary>
    /// <param name="endPoint">The endpoint.</param>
    public static bool IsLocal(EndPoint? endPoint) => endPoint is IPEndPoint ip && IsLocal(ip.Address);

    private static AddressPrefix Prefix(IPAddress address, int bitsIPv4, int bitsIPv6)
    {
        var normalized = Normalize(address);
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        normalized.TryWriteBytes(bytes, out int written);
        bool v4 = written == 4;
        int bits = v4 ? bitsIPv4 : bitsIPv6;
        ulong high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        if (v4)
        {
            high &= bits == 0 ? 0 : ~((1UL << (64 - bits)) - 1) & 0xFFFF_FFFF_0000_0000UL;
            low = 0;
        }
        else if (bits <= 64)
        {
            high &= bits == 0 ? 0 : ~0UL << (64 - bits);
            low = 0;
        }
        else
        {
            low &= ~0UL << (128 - bits);
        }

        return new AddressPrefix(v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, high, low, (byte)bits);
    }
}

/// <summary>A masked address prefix: a family, up to 128 masked bits and the prefix length.</summary>
/// <param name="Family">IPv4 or IPv6 (<see cref="AddressFamily.Unspecified"/> for the local group).</param>
/// <param name="High">The first 64 bits (IPv4: the four bytes in the top 32 bits).</param>
/// <param name="Low">The last 64 bits.</param>
/// <param name="Bits">The prefix length.</param>
internal readonly record struct AddressPrefix(AddressFamily Family, ulong High, ulong Low, byte Bits)
{
    /// <summary>The one group every local address belongs to.</summary>
    public static AddressPrefix Local => new(AddressFamily.Unspecified, 0, 0, 0);

    /// <inheritdoc/>
    public override string ToString()
    {
        if (Family == AddressFamily.Unspecified)
        {
            return "local";
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        var address = Family == AddressFamily.InterNetwork ? new IPAddress(bytes[..4]) : new IPAddress(bytes);
        return address + "/" + Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
