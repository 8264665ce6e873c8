namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// Bound from <c>Providers:PicWish</c> (Enabled, BaseUrl, ApiKey, RequestsPerSecond, Concurrency, Resilience, Prices, …).
/// Without an ApiKey the provider is listed as unavailable with the reason.
/// </summary>
public sealed class PicWishOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:PicWish";
    public static readonly Uri DefaultBaseUrl = new("https://techhk.aoscdn.com/");

    public string DisplayName { get; set; } = "PicWish";
    public string CreatePath { get; set; } = "api/tasks/visual/segmentation";
    /// <summary>GET path of a task; <c>{task_id}</c> is replaced by the escaped id.</summary>
    public string PollPathTemplate { get; set; } = "api/tasks/visual/segmentation/{task_id}";

    /// <summary>
    /// Send <c>sync=1</c> and get the result in the create answer (the provider is then declared synchronous). Off by
    /// default: the document recommends async, and a sync call holds a connection up to the 180-s processing limit, so
    /// <c>Resilience:AttemptTimeout</c> must be raised (≥ 190 s) when this is on.
    /// </summary>
    public bool UseSync { get; set; }

    /// <summary>004: "GET … every 1-2 seconds". First poll after 1 s, then 1 s growing ×1.25 up to 2 s.</summary>
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public double PollBackoff { get; set; } = 1.25;
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>PicWish gives up after 180 s of processing (state -8); a little more for queueing.</summary>
    public TimeSpan PollDeadline { get; set; } = TimeSpan.FromSeconds(240);

    /// <summary>How long result URLs stay valid after the task completed (004: 1 hour).</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Largest result file we download.</summary>
    public long MaxResultBytes { get; set; } = 60L * 1024 * 1024;
}
