using System.Net;
using BlazorCutout.Providers.Security;
using Xunit;

namespace BlazorCutout.Providers.Tests.Security;

public class UrlGuardTests
{
    private static UrlGuard Guard(Action<UrlGuardOptions>? configure = null, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        var options = new UrlGuardOptions();
        configure?.Invoke(options);
        return new UrlGuard(options, resolve);
    }

    private static UrlRefusedException Refused(string url, Action<UrlGuardOptions>? configure = null) =>
        Assert.Throws<UrlRefusedException>(() => Guard(configure).EnsureAllowed(new Uri(url)));

    [Theory]
    // every class, literal IPv4
    [InlineData("https://127.0.0.1/", AddressCategory.Loopback)]
    [InlineData("https://127.1.2.3/", AddressCategory.Loopback)]
    [InlineData("https://10.0.0.5/x.png", AddressCategory.Private)]
    [InlineData("https://172.16.3.4/", AddressCategory.Private)]
    [InlineData("https://192.168.0.10/", AddressCategory.Private)]
    [InlineData("https://169.254.10.10/", AddressCategory.LinkLocal)]
    [InlineData("https://169.254.169.254/latest/meta-data/", AddressCategory.CloudMetadata)]
    [InlineData("https://100.64.1.1/", AddressCategory.CarrierGradeNat)]
    [InlineData("https://224.0.0.251/", AddressCategory.Multicast)]
    [InlineData("https://0.0.0.0/", AddressCategory.Unspecified)]
    [InlineData("https://255.255.255.255/", AddressCategory.Broadcast)]
    // IPv6 literals
    [InlineData("https://[::1]/", AddressCategory.Loopback)]
    [InlineData("https://[::]/", AddressCategory.Unspecified)]
    [InlineData("https://[fe80::1]/", AddressCategory.LinkLocal)]
    [InlineData("https://[fc00::1]/", AddressCategory.UniqueLocal)]
    [InlineData("https://[fd12:3456::1]/", AddressCategory.UniqueLocal)]
    [InlineData("https://[fd00:ec2::254]/", AddressCategory.CloudMetadata)]
    [InlineData("https://[ff02::1]/", AddressCategory.Multicast)]
    [InlineData("https://[::ffff:127.0.0.1]/", AddressCategory.Loopback)]
    [InlineData("https://[::ffff:7f00:1]/", AddressCategory.Loopback)]
    [InlineData("https://[::ffff:169.254.169.254]/", AddressCategory.CloudMetadata)]
    [InlineData("https://[::ffff:192.168.1.1]/", AddressCategory.Private)]
    [InlineData("https://[64:ff9b::7f00:1]/", AddressCategory.Loopback)]
    [InlineData("https://[2002:a00:1::]/", AddressCategory.Private)]
    // decimal, hex and octal IPv4 notations
    [InlineData("https://2130706433/", AddressCategory.Loopback)]
    [InlineData("https://0x7f000001/", AddressCategory.Loopback)]
    [InlineData("https://0x7f.1/", AddressCategory.Loopback)]
    [InlineData("https://0177.0.0.1/", AddressCategory.Loopback)]
    [InlineData("https://127.1/", AddressCategory.Loopback)]
    [InlineData("https://0x7f.0.0.1/", AddressCategory.Loopback)]
    [InlineData("https://017700000001/", AddressCategory.Loopback)]
    [InlineData("https://2852039166/", AddressCategory.CloudMetadata)]
    [InlineData("https://0xa9.0xfe.0xa9.0xfe/", AddressCategory.CloudMetadata)]
    [InlineData("https://167772161/", AddressCategory.Private)]
    [InlineData("https://0/", AddressCategory.Unspecified)]
    public void Refuses_forbidden_literal_addresses(string url, AddressCategory category)
    {
        var e = Refused(url);
        Assert.Equal(UrlRefusal.ForbiddenAddress, e.Refusal);
        Assert.Equal(category, e.Category);
        Assert.Equal(ProviderErrorCode.UrlRefused, e.Code);
        Assert.False(e.IsTransient);
        Assert.Contains(AddressClassifier.Describe(category), e.Message);
    }

    [Fact]
    public void Decimal_form_message_names_the_real_address()
    {
        var e = Refused("https://2130706433/");
        Assert.Contains("127.0.0.1", e.Message);
        Assert.Contains("loopback", e.Message);
    }

    [Fact]
    public void Mapped_form_message_names_the_embedded_address() =>
        Assert.Contains("embeds 127.0.0.1", Refused("https://[::ffff:127.0.0.1]/").Message);

    [Theory]
    [InlineData("http://example.com/a.png", UrlRefusal.SchemeNotAllowed, "plain http")]
    [InlineData("ftp://example.com/a.png", UrlRefusal.SchemeNotAllowed, "'ftp:'")]
    [InlineData("file:///etc/passwd", UrlRefusal.SchemeNotAllowed, "'file:'")]
    [InlineData("gopher://example.com/", UrlRefusal.SchemeNotAllowed, "'gopher:'")]
    [InlineData("https://user:pass@example.com/", UrlRefusal.UserInfo, "user name or password")]
    [InlineData("https://example.com@127.0.0.1/", UrlRefusal.UserInfo, "user name or password")]
    [InlineData("https://example.com:8443/", UrlRefusal.PortNotAllowed, "port 8443")]
    public void Refuses_url_shapes(string url, UrlRefusal refusal, string messagePart)
    {
        var e = Refused(url);
        Assert.Equal(refusal, e.Refusal);
        Assert.Contains(messagePart, e.Message);
    }

    [Fact]
    public void Relative_url_is_refused() =>
        Assert.Equal(UrlRefusal.NotAbsolute, Assert.Throws<UrlRefusedException>(() => Guard().EnsureAllowed(new Uri("/a.png", UriKind.Relative))).Refusal);

    [Fact]
    public void Http_and_other_ports_only_by_setting()
    {
        var guard = Guard(o => { o.AllowHttp = true; o.AllowNonDefaultPorts = true; });
        guard.EnsureAllowed(new Uri("http://example.com:8080/a.png"));
        guard.EnsureAllowed(new Uri("https://example.com/a.png"));
        Guard().EnsureAllowed(new Uri("https://example.com:443/a.png"));
    }

    [Fact]
    public void Public_literal_is_allowed() => Guard().EnsureAllowed(new Uri("https://93.184.216.34/a.png"));

    [Fact]
    public async Task Localhost_resolves_to_loopback_and_is_refused()
    {
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => Guard().EnsureAllowedAsync(new Uri("https://localhost/a.png")));
        Assert.Equal(UrlRefusal.ForbiddenAddress, e.Refusal);
        Assert.Equal(AddressCategory.Loopback, e.Category);
        Assert.Contains("localhost (", e.Message);
    }

    [Fact]
    public async Task One_forbidden_address_among_public_ones_refuses_the_host()
    {
        var guard = Guard(resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7") }));
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => guard.EnsureAllowedAsync(new Uri("https://cdn.example/a.png")));
        Assert.Equal(AddressCategory.Private, e.Category);
        Assert.Contains("cdn.example (10.0.0.7)", e.Message);
    }

    [Fact]
    public async Task Host_resolving_to_public_addresses_is_allowed()
    {
        var guard = Guard(resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1::1") }));
        await guard.EnsureAllowedAsync(new Uri("https://cdn.example/a.png"));
    }

    [Fact]
    public async Task Unresolvable_host_is_refused()
    {
        var guard = Guard(resolve: (_, _) => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => guard.EnsureAllowedAsync(new Uri("https://nowhere.example/")));
        Assert.Equal(UrlRefusal.HostNotResolved, e.Refusal);
    }

    [Fact]
    public async Task Test_allowances_are_explicit_and_narrow()
    {
        var exact = Guard(o => o.AllowedTestEndpoints.Add("127.0.0.1:5555"));
        exact.EnsureAllowed(new Uri("https://127.0.0.1:5555/"));                               // exempt from address and port rules
        Assert.Throws<UrlRefusedException>(() => exact.EnsureAllowed(new Uri("https://127.0.0.1:5556/")));
        Assert.Throws<UrlRefusedException>(() => exact.EnsureAllowed(new Uri("https://127.0.0.2:5555/")));

        var loopback = Guard(o => { o.AllowLoopbackForTests = true; o.AllowNonDefaultPorts = true; });
        await loopback.EnsureAllowedAsync(new Uri("https://127.0.0.1:9/"));
        await loopback.EnsureAllowedAsync(new Uri("https://[::1]:9/"));
        Assert.Equal(AddressCategory.Private,
            Assert.Throws<UrlRefusedException>(() => loopback.EnsureAllowed(new Uri("https://10.0.0.1/"))).Category);
    }

    [Fact]
    public void Malformed_test_endpoint_fails_fast() =>
        Assert.Throws<InvalidOperationException>(() => Guard(o => o.AllowedTestEndpoints.Add("localhost")));

    [Theory]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("0177.0.0.01", "127.0.0.1")]
    [InlineData("10.1", "10.0.0.1")]
    [InlineData("192.168.257", "192.168.1.1")]
    [InlineData("1.2.3.4.", "1.2.3.4")]
    public void Parses_inet_aton_forms(string host, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), UrlGuard.ParseInetAton(host));

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("08.1.1.1")]
    [InlineData("4294967296")]
    public void Rejects_invalid_inet_aton_forms(string host) => Assert.Null(UrlGuard.ParseInetAton(host));
}
