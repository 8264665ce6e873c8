using Microsoft.Extensions.Options;

namespace BlazorCutout.Providers.Security;

/// <summary>
/// Builds the only kind of socket handler BlazorCutout uses for outbound HTTP: connections go through
/// <see cref="UrlGuard.ConnectAsync"/>, redirects are never followed automatically (each hop must be re-validated by the
/// caller), no proxy (a proxy would resolve names itself, past the guard), no cookies, no transparent decompression
/// (a small gzip body must not become gigabytes behind the size limit's back).
/// </summary>
public sealed class SafeHttpHandlerFactory(UrlGuard guard)
{
    public SafeHttpHandlerFactory(IOptions<UrlGuardOptions> options) : this(new UrlGuard(options)) { }

    public UrlGuard Guard { get; } = guard;

    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = Guard.ConnectAsync,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = Guard.Options.ConnectTimeout,
        // Re-resolve (and so re-check) names regularly instead of pinning a pooled connection forever.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxResponseHeadersLength = 64, // KiB
    };
}
