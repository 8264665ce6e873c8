using System.Net;
using System.Threading.RateLimiting;
using BlazorCutout.Web.Account;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// What the app does at its edge before any page runs: believe forwarded headers only from known proxies, send HSTS on
/// https, and throttle the account forms per client address (429 with Retry-After), and the Studio's images per client
/// address (<see cref="IntakeRateLimiter"/>: they come through the circuit, which the middleware does not see).
/// </summary>
public static class EdgeProtection
{
    /// <summary>The statically rendered forms whose POST guesses or creates credentials.</summary>
    public static readonly string[] ThrottledAccountPaths = ["/Account/Login", "/Account/Register", "/Account/Manage/ChangePassword"];

    public static IServiceCollection AddEdgeProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var proxy = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.ForwardLimit = proxy.ForwardLimit;
            // Defaults are loopback only; add what the operator names. A bad entry stops the start with its text.
            foreach (var address in proxy.KnownProxies)
                options.KnownProxies.Add(IPAddress.TryParse(address, out var ip) ? ip
                    : throw new InvalidOperationException($"{ProxyOptions.Section}:KnownProxies has '{address}', which is not an IP address."));
            foreach (var network in proxy.KnownNetworks)
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var net) ? net
                    : throw new InvalidOperationException($"{ProxyOptions.Section}:KnownNetworks has '{network}', which is not a CIDR network."));
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = false; // other services may share the parent domain over http
        });

        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IntakeRateLimiter>(); // images through the circuit, per address
        services.AddScoped<ClientAddress>();
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsPost(context.Request.Method) && IsThrottledAccountPath(context.Request.Path)
                    ? RateLimitPartition.GetFixedWindowLimiter("account:" + ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = Math.Max(1, limits.AccountPostsPerMinute),
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync($"Too many attempts from your address. Try again in {seconds} seconds.", cancellationToken);
            };
        });
        return services;
    }

    /// <summary>First in the pipeline: every later step sees the real client address and scheme.</summary>
    public static IApplicationBuilder UseForwardedHeadersFromKnownProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>HSTS only on https responses (the middleware itself skips http and localhost).</summary>
    public static IApplicationBuilder UseHstsWhenHttps(this IApplicationBuilder app) => app.UseHsts();

    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool IsThrottledAccountPath(PathString path) =>
        ThrottledAccountPaths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));
}
