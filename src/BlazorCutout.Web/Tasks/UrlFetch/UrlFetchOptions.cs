namespace BlazorCutout.Web.Tasks.UrlFetch;

/// <summary>
/// <c>BlazorCutout:UrlFetch</c>: how many image URLs the server fetches for users at once, and where the bodies are
/// written while they arrive. Each fetch costs a connection, a temporary file up to the provider's limit and a slot of
/// the time limit; the caps keep one user (or everyone together) from tying up the server with slow or endless bodies.
/// </summary>
public sealed class UrlFetchOptions
{
    public const string Section = "BlazorCutout:UrlFetch";

    /// <summary>Fetches one user may have running at once; one more is refused with a message, not queued.</summary>
    public int MaxPerUser { get; set; } = 2;

    /// <summary>Fetches running at once for all users together.</summary>
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>Where bodies are written while they arrive (default <c>&lt;data&gt;/fetch</c>); each file goes when its fetch ends.</summary>
    public string? Directory { get; set; }

    /// <summary>The problem with these settings, in words naming the key, or null.</summary>
    public string? Problem() =>
        MaxPerUser < 1 ? $"{Section}:MaxPerUser must be at least 1 (it is {MaxPerUser})."
        : MaxConcurrent < 1 ? $"{Section}:MaxConcurrent must be at least 1 (it is {MaxConcurrent})."
        : MaxPerUser > MaxConcurrent ? $"{Section}:MaxPerUser ({MaxPerUser}) cannot be more than {Section}:MaxConcurrent ({MaxConcurrent})."
        : string.IsNullOrWhiteSpace(Directory) ? $"{Section}:Directory is empty."
        : null;
}
