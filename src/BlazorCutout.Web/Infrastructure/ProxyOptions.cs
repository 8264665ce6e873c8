namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// <c>BlazorCutout:Proxy</c>: the reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> are believed.
/// Loopback is always trusted (a proxy on the same machine); headers from anyone else are ignored, so a client cannot
/// pose as another address (and dodge the rate limits) or claim https.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "BlazorCutout:Proxy";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Trusted proxy networks in CIDR form, e.g. <c>172.18.0.0/16</c> for a Docker network.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may add themselves to X-Forwarded-For.</summary>
    public int ForwardLimit { get; set; } = 1;
}
