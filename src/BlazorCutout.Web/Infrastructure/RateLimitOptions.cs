namespace BlazorCutout.Web.Infrastructure;

/// <summary><c>BlazorCutout:Security:RateLimits</c>: requests per client address per minute before 429.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "BlazorCutout:Security:RateLimits";

    /// <summary>Form posts to log in, register and change a password, together.</summary>
    public int AccountPostsPerMinute { get; set; } = 10;
}
