namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// Bound from <c>Providers:PicWish</c> (Enabled, BaseUrl, ApiKey, RequestsPerSecond, Concurrency, Resilience, Prices, …).
/// Without an ApiKey the provider is listed as unavailable with the reason.
/// </summary>
public sealed class PicWishOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:PicWish";
    public static readonly Uri DefaultBaseUrl = new("https://techhk.aoscdn.com/");

    /// <summary>
    /// 004: "GET … every 1-2 seconds": the shared default cadence (first poll after 1 s, then 1 s growing ×1.25 up to 2 s).
    /// PicWish gives up after 180 s of processing (state -8); the deadline leaves a little more for queueing.
    /// </summary>
    public PicWishOptions() => PollDeadline = TimeSpan.FromSeconds(240);

    public string DisplayName { get; set; } = "PicWish";

    /// <summary>
    /// Send <c>sync=1</c> and get the result in the create answer (the provider is then declared synchronous). Off by
    /// default: the document recommends async. A sync call holds a connection up to the 180-s processing limit, so its
    /// requests get at least <see cref="PicWishProvider.SyncAttemptTimeout"/> (190 s) whatever <c>Resilience:AttemptTimeout</c> says.
    /// </summary>
    public bool UseSync { get; set; }

    /// <summary>How long result URLs stay valid after the task completed (004: 1 hour).</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromHours(1);
}
