using System.Net;
using System.Net.Sockets;

namespace BlazorCutout.Providers.Security;

/// <summary>Why an address is not a public unicast destination. <see cref="Public"/> is the only category we connect to.</summary>
public enum AddressCategory
{
    Public,
    Loopback,
    Private,
    LinkLocal,
    CarrierGradeNat,
    Multicast,
    Unspecified,
    Broadcast,
    CloudMetadata,
    UniqueLocal,
    /// <summary>Documentation, benchmarking, IETF-reserved and other never-routable ranges.</summary>
    Reserved,
    /// <summary>Teredo and local-use NAT64: tunnelling forms whose real target we cannot see.</summary>
    Tunnel,
}

/// <summary>
/// Classifies IP addresses for SSRF protection. IPv6 forms that embed an IPv4 address (IPv4-mapped, IPv4-compatible,
/// NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address they lead to, so ::ffff:127.0.0.1 is loopback.
/// </summary>
public static class AddressClassifier
{
    public readonly record struct Classification(AddressCategory Category, IPAddress? EmbeddedIPv4)
    {
        public bool IsPublic => Category == AddressCategory.Public;
    }

    // IPv4 (network, prefix length, category). Order matters: the metadata host sits inside link-local and must win.
    private static readonly (uint Net, int Bits, AddressCategory Cat)[] V4Ranges =
    [
        (Ip(169, 254, 169, 254), 32, AddressCategory.CloudMetadata), // AWS, GCP, Azure, OpenStack, DigitalOcean
        (Ip(168, 63, 129, 16), 32, AddressCategory.CloudMetadata),   // Azure wire server (publicly routable otherwise)
        (Ip(100, 100, 100, 200), 32, AddressCategory.CloudMetadata), // Alibaba Cloud metadata
        (Ip(255, 255, 255, 255), 32, AddressCategory.Broadcast),
        (Ip(0, 0, 0, 0), 8, AddressCategory.Unspecified),            // "this network", incl. 0.0.0.0
        (Ip(10, 0, 0, 0), 8, AddressCategory.Private),
        (Ip(100, 64, 0, 0), 10, AddressCategory.CarrierGradeNat),
        (Ip(127, 0, 0, 0), 8, AddressCategory.Loopback),
        (Ip(169, 254, 0, 0), 16, AddressCategory.LinkLocal),
        (Ip(172, 16, 0, 0), 12, AddressCategory.Private),
        (Ip(192, 0, 0, 0), 24, AddressCategory.Reserved),            // IETF protocol assignments
        (Ip(192, 0, 2, 0), 24, AddressCategory.Reserved),            // TEST-NET-1
        (Ip(192, 88, 99, 0), 24, AddressCategory.Reserved),          // deprecated 6to4 relay anycast
        (Ip(192, 168, 0, 0), 16, AddressCategory.Private),
        (Ip(198, 18, 0, 0), 15, AddressCategory.Reserved),           // benchmarking
        (Ip(198, 51, 100, 0), 24, AddressCategory.Reserved),         // TEST-NET-2
        (Ip(203, 0, 113, 0), 24, AddressCategory.Reserved),          // TEST-NET-3
        (Ip(224, 0, 0, 0), 4, AddressCategory.Multicast),
        (Ip(240, 0, 0, 0), 4, AddressCategory.Reserved),             // class E
    ];

    private static readonly IPAddress V6Metadata = IPAddress.Parse("fd00:ec2::254");

    public static Classification Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return new(ClassifyV4(ToUInt32(address)), null);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return new(AddressCategory.Reserved, null);

        address = new IPAddress(address.GetAddressBytes()); // drop the scope id so equality below is plain
        var b = address.GetAddressBytes();

        if (address.Equals(IPAddress.IPv6Any)) return new(AddressCategory.Unspecified, null);
        if (address.Equals(IPAddress.IPv6Loopback)) return new(AddressCategory.Loopback, null);
        if (address.Equals(V6Metadata)) return new(AddressCategory.CloudMetadata, null);

        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible form): the kernel may route either to IPv4.
        if (AllZero(b, 0, 10) && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)))
            return Embedded(b, 12);
        // 64:ff9b::/96 well-known NAT64 prefix: the gateway connects to the embedded IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && AllZero(b, 4, 8))
            return Embedded(b, 12);
        // 64:ff9b:1::/48 local-use NAT64 (RFC 8215): the embedding is network-specific, so refuse outright.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01)
            return new(AddressCategory.Tunnel, null);
        // 2002:AABB:CCDD::/48 6to4: the relay delivers to AA.BB.CC.DD.
        if (b[0] == 0x20 && b[1] == 0x02)
            return Embedded(b, 2);
        // 2001:0000::/32 Teredo: the client address is obfuscated; no legitimate image host lives there.
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
            return new(AddressCategory.Tunnel, null);
        // 2001:db8::/32 documentation; 100::/64 discard-only; 2001:10::/28 ORCHID; 2001:2::/48 benchmarking.
        if ((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
            || (b[0] == 0x01 && b[1] == 0x00 && AllZero(b, 2, 6))
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && (b[3] & 0xf0) == 0x10)
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x02 && b[4] == 0 && b[5] == 0))
            return new(AddressCategory.Reserved, null);
        if (b[0] == 0xff) return new(AddressCategory.Multicast, null);
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return new(AddressCategory.LinkLocal, null);  // fe80::/10
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return new(AddressCategory.Private, null);    // fec0::/10 deprecated site-local
        if ((b[0] & 0xfe) == 0xfc) return new(AddressCategory.UniqueLocal, null);                // fc00::/7
        if (AllZero(b, 0, 2)) return new(AddressCategory.Reserved, null); // the rest of ::/16 is unassigned
        return new(AddressCategory.Public, null);
    }

    public static string Describe(AddressCategory category) => category switch
    {
        AddressCategory.Loopback => "a loopback address",
        AddressCategory.Private => "a private-network address",
        AddressCategory.LinkLocal => "a link-local address",
        AddressCategory.CarrierGradeNat => "a carrier-grade NAT (100.64.0.0/10) address",
        AddressCategory.Multicast => "a multicast address",
        AddressCategory.Unspecified => "an unspecified (0.0.0.0 or ::) address",
        AddressCategory.Broadcast => "the broadcast address",
        AddressCategory.CloudMetadata => "a cloud metadata service address",
        AddressCategory.UniqueLocal => "an IPv6 unique-local (fc00::/7) address",
        AddressCategory.Reserved => "a reserved, non-routable address",
        AddressCategory.Tunnel => "a tunnelling (Teredo/NAT64) address",
        _ => "a public address",
    };

    private static Classification Embedded(byte[] b, int offset)
    {
        var v4 = new IPAddress(b.AsSpan(offset, 4));
        return new(ClassifyV4(ToUInt32(v4)), v4);
    }

    private static AddressCategory ClassifyV4(uint ip)
    {
        foreach (var (net, bits, cat) in V4Ranges)
        {
            var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
            if ((ip & mask) == net) return cat;
        }
        return AddressCategory.Public;
    }

    private static bool AllZero(byte[] b, int from, int count)
    {
        for (var i = from; i < from + count; i++)
            if (b[i] != 0) return false;
        return true;
    }

    private static uint ToUInt32(IPAddress v4)
    {
        var b = v4.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static uint Ip(byte a, byte b, byte c, byte d) => (uint)(a << 24 | b << 16 | c << 8 | d);
}
