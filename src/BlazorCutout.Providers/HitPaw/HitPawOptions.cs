namespace BlazorCutout.Providers.HitPaw;

/// <summary>
/// HitPaw image segmentation (seed 003), bound from <c>Providers:HitPaw</c>. Everything the document fixes has its
/// default here; everything it is silent about is a named decision in <see cref="HitPawDecisions"/>.
/// </summary>
public sealed class HitPawOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:" + HitPawProvider.ProviderId;

    public HitPawOptions() => BaseUrl = new Uri("https://api-base.hitpaw.com/");

    public string DisplayName { get; set; } = "HitPaw";

    /// <summary>003: <c>POST /api/image-segmentation</c>.</summary>
    public string SubmitPath { get; set; } = "/api/image-segmentation";

    /// <summary>003: <c>POST /api/task-status</c> (a POST that only reads: marked retry-safe).</summary>
    public string StatusPath { get; set; } = "/api/task-status";

    /// <summary>
    /// BlazorCutout's public base URL. Null: taken from the top-level setting (<see cref="PublicBaseUrlSetting"/>) when the
    /// provider is registered with <see cref="HitPawServiceCollectionExtensions.AddHitPawProvider"/>. Without one, HitPaw
    /// cannot receive uploads (it only fetches <c>file_url</c>) and is shown as unavailable.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>003: "poll at a ~2-5 s cadence". First poll after this delay…</summary>
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>…then every interval, growing by <see cref="PollBackoffFactor"/> up to <see cref="PollMaxInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public double PollBackoffFactor { get; set; } = 1.25;
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>The worker gives up after this long from submission (the python example: 120 polls × 5 s = 10 min).</summary>
    public TimeSpan PollDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>003: "job_id and output media files are valid for 8 days after completion".</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromDays(8);

    /// <summary>How long a "coins exhausted" / "key refused" answer keeps HitPaw marked unavailable unless an admin clears it.</summary>
    public TimeSpan AccountHoldFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest result file fetched (a 4096² RGBA PNG stays well below).</summary>
    public long MaxResultBytes { get; set; } = 64L * 1024 * 1024;
}
