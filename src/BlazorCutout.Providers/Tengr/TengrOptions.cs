namespace BlazorCutout.Providers.Tengr;

/// <summary>
/// Tengr.ai artworks segmentation (seed 001), bound from <c>Providers:Tengr</c>. The method-specific tuning parameters
/// that <see cref="JobOptions"/> has no field for are configured here (admin-level defaults, the document's defaults
/// unless changed) and validated against the documented ranges before every request, like the per-job ones.
/// </summary>
public sealed class TengrOptions : RemoteProviderOptions
{
    public const string SectionName = "Providers:" + TengrProvider.ProviderId;

    public TengrOptions() => BaseUrl = TengrDecisions.DefaultBaseUrl;

    public string DisplayName { get; set; } = "Tengr.ai";

    /// <summary>001: <c>POST /v2/artworks/segmentation</c> (202 with the artwork).</summary>
    public string CreatePath { get; set; } = "/v2/artworks/segmentation";

    /// <summary>The README's decision: <c>GET /v2/artworks/{id}</c>, same body shape as the 202 answer.</summary>
    public string PollPath { get; set; } = "/v2/artworks/{id}";

    /// <summary>BlazorCutout's public base URL; null = the top-level setting (<see cref="PublicBaseUrlSetting"/>).</summary>
    public Uri? PublicBaseUrl { get; set; }

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

    // ---- polling (001 is silent; see TengrDecisions) ----
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public double PollBackoffFactor { get; set; } = 1.5;
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollDeadline { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan AccountHoldFor { get; set; } = TimeSpan.FromMinutes(15);
    public long MaxResultBytes { get; set; } = 64L * 1024 * 1024;
}
