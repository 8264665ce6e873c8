using BlazorCutout.Providers.PicWish;

namespace BlazorCutout.Providers.GptGe;

/// <summary>
/// Bound from <c>Providers:GptGe</c> (Enabled, BaseUrl, ApiKey, …). Without an ApiKey the provider is listed as unavailable.
/// Polling: the shared default cadence, as PicWish (whose service gpt.ge resells) asks, every 1–2 s; the 5-minute
/// default deadline suits background generation, which takes longer than a cut-out.
/// </summary>
public sealed class GptGeOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:GptGe";
    public static readonly Uri DefaultBaseUrl = new("https://api.gpt.ge/");

    public string DisplayName { get; set; } = "gpt.ge";

    /// <summary>
    /// DECISION (seeds/README.md): the seeds do not describe polling; the reseller's wider docs poll <c>GET /task/{task_id}</c>,
    /// and the seeds ask for the polling path to stay configurable. <c>{task_id}</c> is replaced by the id (each path
    /// segment is escaped when the request is built).
    /// </summary>
    public string PollPathTemplate { get; set; } = "task/{task_id}";

    /// <summary>Send <c>sync=1</c> (declared synchronous). Off by default; as PicWish's, its requests then get at least <see cref="PicWishProvider.SyncAttemptTimeout"/>.</summary>
    public bool UseSync { get; set; }

    /// <summary>Result URLs are valid for 1 hour (seeds/README.md).</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromHours(1);
}
