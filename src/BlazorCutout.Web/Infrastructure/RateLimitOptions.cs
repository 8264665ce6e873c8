using System.ComponentModel.DataAnnotations;

namespace BlazorCutout.Web.Infrastructure;

/// <summary><c>BlazorCutout:Security:RateLimits</c>: what one client address may do per minute before it is refused.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "BlazorCutout:Security:RateLimits";

    /// <summary>Form posts to log in, register and change a password, together (then 429 with Retry-After).</summary>
    [Range(1, 1_000_000)]
    public int AccountPostsPerMinute { get; set; } = 10;

    /// <summary>
    /// Images the Studio takes in, uploaded files and image URLs together, counted per file. A team behind one address
    /// shares it, so it is set for a busy team, not for one person: five full drops a minute.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ImagesPerMinute { get; set; } = 100;
}
