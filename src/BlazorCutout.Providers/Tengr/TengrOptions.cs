namespace BlazorCutout.Providers.Tengr;

/// <summary>
/// Tengr.ai artworks segmentation (seed 001), bound from <c>Providers:Tengr</c>. The method-specific tuning parameters
/// that <see cref="JobOptions"/> has no field for are configured here (admin-level defaults, the document's defaults
/// unless changed) and validated against the documented ranges before every request, like the per-job ones.
/// </summary>
public sealed class TengrOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:" + TengrProvider.ProviderId;

    public TengrOptions()
    {
        BaseUrl = TengrDecisions.DefaultBaseUrl;
        // DECISION: 001 is silent about polling: first after 1 s, then every 2 s growing ×1.5 up to 5 s, for at most 5 minutes.
        (PollInterval, PollBackoffFactor, PollMaxInterval) = (TimeSpan.FromSeconds(2), 1.5, TimeSpan.FromSeconds(5));
    }

    public string DisplayName { get; set; } = "Tengr.ai";

    /// <summary>
    /// The README's decision: <c>GET /v2/artworks/{id}</c>, same body shape as the 202 answer; configurable, as the seeds
    /// ask for an undocumented polling path. <c>{id}</c> is replaced by the id (each path segment is escaped when the
    /// request is built).
    /// </summary>
    public string PollPath { get; set; } = "/v2/artworks/{id}";

    // ---- text mode (001 defaults) ----
    /// <summary>001: ≤ 1 (we also require ≥ 0), default 0.2.</summary>
    public double TextConfidence { get; set; } = 0.2;
    /// <summary>001: −1..100, default −1 (unlimited).</summary>
    public int TextMaxDetections { get; set; } = -1;
    /// <summary>001: default true.</summary>
    public bool TextCombineMasks { get; set; } = true;

    // ---- points mode (001 defaults) ----
    /// <summary>001: ≤ 10 (we also require ≥ 0), default 0.</summary>
    public int PointsRefinementSteps { get; set; }
    /// <summary>001: default true.</summary>
    public bool PointsMultimask { get; set; } = true;
    /// <summary>001: default true.</summary>
    public bool PointsBestMask { get; set; } = true;
}
