using System.Net;
using BlazorCutout.Web.Account;
using BlazorCutout.Web.Tests.Support;

namespace BlazorCutout.Web.Tests.Security;

/// <summary>Behind TLS: forwarded headers only from known proxies, Secure auth cookie on https, HSTS on https.</summary>
public sealed class BehindProxyTests
{
    private const string PublicHost = "cutout.example.org";

    [Fact]
    public async Task Https_forwarded_by_a_known_proxy_gets_a_secure_auth_cookie_and_hsts()
    {
        using var app = new AppFactory();
        using var peers = app.WithPeerAddresses();

        var (cookie, hsts) = await LogInAsync(peers, peer: "127.0.0.1", forwardedProto: "https");

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(hsts);
        Assert.Contains("max-age=31536000", hsts);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_ignored()
    {
        using var app = new AppFactory();
        using var peers = app.WithPeerAddresses();

        var (cookie, hsts) = await LogInAsync(peers, peer: "203.0.113.9", forwardedProto: "https");

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Null(hsts);
    }

    [Fact]
    public async Task A_configured_proxy_network_is_believed()
    {
        using var app = new AppFactory().WithSetting("BlazorCutout:Proxy:KnownNetworks:0", "10.1.0.0/16");
        using var peers = app.WithPeerAddresses();

        var (cookie, hsts) = await LogInAsync(peers, peer: "10.1.2.3", forwardedProto: "https");

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(hsts);
    }

    [Fact]
    public async Task An_https_public_address_makes_the_auth_cookie_secure_even_on_plain_http()
    {
        using var app = new AppFactory().WithSetting("BlazorCutout:PublicBaseUrl", "https://" + PublicHost);
        using var peers = app.WithPeerAddresses();

        var (cookie, _) = await LogInAsync(peers, peer: "127.0.0.1", forwardedProto: null);

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Plain_http_without_a_public_https_address_keeps_working_without_secure_or_hsts()
    {
        using var app = new AppFactory();
        using var peers = app.WithPeerAddresses();

        var (cookie, hsts) = await LogInAsync(peers, peer: "127.0.0.1", forwardedProto: null);

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Null(hsts);
    }

    // Registers an account, then logs in through the given peer with the given X-Forwarded-Proto; returns the auth cookie header and HSTS.
    private static async Task<(string Cookie, string? Hsts)> LogInAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app, string peer, string? forwardedProto)
    {
        var email = TestBrowser.UniqueEmail();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(TestPeer.Header, peer);
        client.DefaultRequestHeaders.Host = PublicHost; // HSTS is never sent to localhost
        if (forwardedProto is not null) client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        var browser = new TestBrowser(new HttpClient(new CookieRelay(client)) { BaseAddress = client.BaseAddress });
        using (await browser.RegisterAsync(email)) { }
        using var login = await browser.LoginAsync(email);
        HttpAssert.RedirectsTo(login, "/studio");
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AccountServiceCollectionExtensions.AuthCookieName + "=", StringComparison.Ordinal));
        return (cookie, login.Headers.TryGetValues("Strict-Transport-Security", out var h) ? h.Single() : null);
    }

    // Keeps cookies by hand: a cookie container would (rightly) not send a Secure cookie back over the test's http URL.
    private sealed class CookieRelay(HttpClient inner) : HttpMessageHandler
    {
        private readonly Dictionary<string, string> _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var forward = new HttpRequestMessage(request.Method, request.RequestUri!.PathAndQuery) { Content = request.Content };
            if (_cookies.Count > 0) forward.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await inner.SendAsync(forward, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var pair in set.Select(c => c.Split(';')[0]))
                    _cookies[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
            return response;
        }
    }
}
