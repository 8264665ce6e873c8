namespace BlazorCutout.Providers.GptGe;

/// <summary>Bound from <c>Providers:GptGe</c> (Enabled, BaseUrl, ApiKey, …). Without an ApiKey the provider is listed as unavailable.</summary>
public sealed class GptGeOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:GptGe";
    public static readonly Uri DefaultBaseUrl = new("https://api.gpt.ge/");

    public string DisplayName { get; set; } = "gpt.ge";
    public string SegmentationPath { get; set; } = "task/pic/segmentation";
    public string BackgroundPath { get; set; } = "task/pic/background";
    /// <summary>
    /// DECISION (seeds/README.md): the seeds do not describe polling; the reseller's wider docs poll <c>GET /task/{task_id}</c>.
    /// <c>{task_id}</c> is replaced by the escaped id.
    /// </summary>
    public string PollPathTemplate { get; set; } = "task/{task_id}";

    /// <summary>Send <c>sync=1</c> (declared synchronous). Off by default; needs a long <c>Resilience:AttemptTimeout</c> when on.</summary>
    public bool UseSync { get; set; }

    /// <summary>As PicWish, whose service gpt.ge resells: poll every 1–2 s.</summary>
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public double PollBackoff { get; set; } = 1.25;
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Background generation takes longer than a cut-out; allow 5 minutes.</summary>
    public TimeSpan PollDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Result URLs are valid for 1 hour (seeds/README.md).</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromHours(1);
    public long MaxResultBytes { get; set; } = 60L * 1024 * 1024;
}
