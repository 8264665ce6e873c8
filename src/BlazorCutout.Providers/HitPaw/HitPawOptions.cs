namespace BlazorCutout.Providers.HitPaw;

/// <summary>
/// HitPaw image segmentation (seed 003), bound from <c>Providers:HitPaw</c>. Everything the document fixes has its
/// default here; everything it is silent about is a named decision in <see cref="HitPawDecisions"/>.
/// </summary>
public sealed class HitPawOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:" + HitPawProvider.ProviderId;

    public HitPawOptions()
    {
        BaseUrl = new Uri("https://api-base.hitpaw.com/");
        // 003: "poll at a ~2-5 s cadence"; the python example gives up after 120 polls × 5 s = 10 min.
        (PollInitialDelay, PollInterval, PollMaxInterval, PollDeadline) =
            (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));
    }

    public string DisplayName { get; set; } = "HitPaw";

    /// <summary>003: "job_id and output media files are valid for 8 days after completion".</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromDays(8);
}
