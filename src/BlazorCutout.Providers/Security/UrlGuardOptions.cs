namespace BlazorCutout.Providers.Security;

/// <summary>
/// Bound from <c>Security:UrlGuard</c>. The defaults are the production stance; everything that loosens it is explicit.
/// </summary>
public sealed class UrlGuardOptions
{
    public const string SectionName = "Security:UrlGuard";

    /// <summary>Plain http is refused unless set (result CDNs and webhooks are all https).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Only 443 (and 80 when http is allowed) by default: image hosts and webhooks live there, while odd ports on public
    /// hosts are where admin consoles and debug endpoints hide. Set to reach a self-hosted service on another port.
    /// </summary>
    public bool AllowNonDefaultPorts { get; set; }

    /// <summary>Redirects followed by <see cref="SafeDownloader"/>, each re-validated (scheme, host, port, addresses).</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>Time limit for a whole download (all redirects, headers and body).</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Used when a caller passes no explicit limit: 30 MB, the largest input any seed provider accepts.</summary>
    public long DefaultMaxBytes { get; set; } = 30L * 1024 * 1024;

    /// <summary>TEST ONLY: let every loopback address through (emulators on 127.0.0.1). Never set in production.</summary>
    public bool AllowLoopbackForTests { get; set; }

    /// <summary>
    /// TEST ONLY: exact "ip:port" endpoints (e.g. "127.0.0.1:41234") exempt from the address and port rules. Narrower than
    /// <see cref="AllowLoopbackForTests"/>: a redirect from an allowed emulator to any other loopback port is still refused.
    /// </summary>
    public List<string> AllowedTestEndpoints { get; set; } = [];
}
