using System.Net;
using BlazorCutout.Providers.Security;
using Xunit;

namespace BlazorCutout.Providers.Tests.Security;

public class AddressClassifierTests
{
    [Theory]
    // IPv4 classes
    [InlineData("127.0.0.1", AddressCategory.Loopback)]
    [InlineData("127.255.255.254", AddressCategory.Loopback)]
    [InlineData("10.0.0.1", AddressCategory.Private)]
    [InlineData("10.255.255.255", AddressCategory.Private)]
    [InlineData("172.16.0.1", AddressCategory.Private)]
    [InlineData("172.31.255.255", AddressCategory.Private)]
    [InlineData("192.168.1.1", AddressCategory.Private)]
    [InlineData("169.254.1.1", AddressCategory.LinkLocal)]
    [InlineData("169.254.169.254", AddressCategory.CloudMetadata)]
    [InlineData("168.63.129.16", AddressCategory.CloudMetadata)]
    [InlineData("100.64.0.1", AddressCategory.CarrierGradeNat)]
    [InlineData("100.127.255.255", AddressCategory.CarrierGradeNat)]
    [InlineData("224.0.0.1", AddressCategory.Multicast)]
    [InlineData("239.255.255.250", AddressCategory.Multicast)]
    [InlineData("0.0.0.0", AddressCategory.Unspecified)]
    [InlineData("0.1.2.3", AddressCategory.Unspecified)]
    [InlineData("255.255.255.255", AddressCategory.Broadcast)]
    [InlineData("240.0.0.1", AddressCategory.Reserved)]
    [InlineData("192.0.2.10", AddressCategory.Reserved)]
    [InlineData("198.18.0.1", AddressCategory.Reserved)]
    // IPv6 classes
    [InlineData("::1", AddressCategory.Loopback)]
    [InlineData("::", AddressCategory.Unspecified)]
    [InlineData("fe80::1", AddressCategory.LinkLocal)]
    [InlineData("febf::1", AddressCategory.LinkLocal)]
    [InlineData("fc00::1", AddressCategory.UniqueLocal)]
    [InlineData("fdff:ffff::1", AddressCategory.UniqueLocal)]
    [InlineData("fd00:ec2::254", AddressCategory.CloudMetadata)]
    [InlineData("ff02::1", AddressCategory.Multicast)]
    [InlineData("fec0::1", AddressCategory.Private)]
    [InlineData("2001:db8::1", AddressCategory.Reserved)]
    // IPv4 embedded in IPv6: judged by the IPv4 address
    [InlineData("::ffff:127.0.0.1", AddressCategory.Loopback)]
    [InlineData("::ffff:7f00:1", AddressCategory.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressCategory.Private)]
    [InlineData("::ffff:169.254.169.254", AddressCategory.CloudMetadata)]
    [InlineData("::ffff:0.0.0.0", AddressCategory.Unspecified)]
    [InlineData("::127.0.0.1", AddressCategory.Loopback)]
    [InlineData("64:ff9b::7f00:1", AddressCategory.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressCategory.CloudMetadata)]
    [InlineData("64:ff9b:1::1", AddressCategory.Tunnel)]
    [InlineData("2002:7f00:1::1", AddressCategory.Loopback)]
    [InlineData("2002:c0a8:101::1", AddressCategory.Private)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressCategory.Tunnel)]
    // Public
    [InlineData("93.184.216.34", AddressCategory.Public)]
    [InlineData("8.8.8.8", AddressCategory.Public)]
    [InlineData("172.32.0.1", AddressCategory.Public)]
    [InlineData("100.128.0.1", AddressCategory.Public)]
    [InlineData("2606:4700:4700::1111", AddressCategory.Public)]
    [InlineData("::ffff:8.8.8.8", AddressCategory.Public)]
    [InlineData("64:ff9b::808:808", AddressCategory.Public)]
    [InlineData("2002:808:808::1", AddressCategory.Public)]
    public void Classifies(string address, AddressCategory expected) =>
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)).Category);

    [Fact]
    public void Scope_id_does_not_hide_link_local() =>
        Assert.Equal(AddressCategory.LinkLocal, AddressClassifier.Classify(IPAddress.Parse("fe80::1%2")).Category);

    [Fact]
    public void Mapped_addresses_report_the_embedded_IPv4() =>
        Assert.Equal(IPAddress.Parse("10.1.2.3"), AddressClassifier.Classify(IPAddress.Parse("::ffff:10.1.2.3")).EmbeddedIPv4);
}
