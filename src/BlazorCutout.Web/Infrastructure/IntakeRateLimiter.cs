using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// The images one client address may hand the Studio per minute (<see cref="RateLimitOptions.ImagesPerMinute"/>),
/// uploads and URLs together: a fixed window per address, as the account forms have.
/// </summary>
public sealed class IntakeRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public IntakeRateLimiter(IOptions<RateLimitOptions> options)
    {
        var perMinute = options.Value.ImagesPerMinute;
        limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Counts one image for <paramref name="address"/>; null when it may come in, else the sentence that says when to try again.</summary>
    public string? TryTake(string address)
    {
        using var lease = limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
            return null;
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return $"Too many images from your address in the last minute. Try again in {seconds.ToString(CultureInfo.InvariantCulture)} seconds.";
    }

    public void Dispose() => limiter.Dispose();
}
