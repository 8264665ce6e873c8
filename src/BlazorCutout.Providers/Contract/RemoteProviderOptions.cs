using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Secrets;

namespace BlazorCutout.Providers;

/// <summary>
/// The settings every remote provider shares, bound from <c>Providers:&lt;Id&gt;</c> by
/// <see cref="ServiceCollectionExtensions.AddRemoteProvider{TOptions, TProvider}"/>. A client's own options class derives
/// from it (e.g. <c>PicWishOptions : RemoteProviderOptions</c> adding its polling path), lives in its folder and sets its
/// service's polling cadence in its constructor.
/// </summary>
public abstract class RemoteProviderOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>API root; each client supplies the vendor's default.</summary>
    public Uri? BaseUrl { get; set; }
    /// <summary>Binds from a plain string; masked everywhere it could be printed.</summary>
    public Secret? ApiKey { get; set; }
    /// <summary>Overrides the client's declared pace (PicWish default 2/s).</summary>
    public double? RequestsPerSecond { get; set; }
    public int? Concurrency { get; set; }
    public ProviderResilienceOptions Resilience { get; set; } = new();
    /// <summary>Ask the provider to call back (needs a public base URL); polling continues regardless.</summary>
    public bool UseCallbacks { get; set; }
    public string PriceUnit { get; set; } = "coins";
    /// <summary>Configured prices per operation, used when the provider does not report what it charged.</summary>
    public Dictionary<ProviderOperation, OperationPriceSettings> Prices { get; set; } = [];

    /// <summary>
    /// BlazorCutout's public base URL; null = the top-level setting (<see cref="PublicBaseUrlSetting"/>), filled in at
    /// registration. URL-only providers (HitPaw, Tengr) cannot take uploads without one and are shown as unavailable.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>First poll after this delay…</summary>
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>…then every interval, growing by <see cref="PollBackoffFactor"/> up to <see cref="PollMaxInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public double PollBackoffFactor { get; set; } = 1.25;
    /// <summary>The name <c>Providers:PicWish</c> and <c>Providers:GptGe</c> used for <see cref="PollBackoffFactor"/>; still read.</summary>
    public double PollBackoff { get => PollBackoffFactor; set => PollBackoffFactor = value; }
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>The worker gives up after this long from submission.</summary>
    public TimeSpan PollDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a "coins exhausted" / "key refused" answer keeps the provider marked unavailable unless an admin clears it.</summary>
    public TimeSpan AccountHoldFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest result file fetched (a 4096² RGBA PNG stays well below).</summary>
    public long MaxResultBytes { get; set; } = 64L * 1024 * 1024;

    public PollCadence PollCadence() => new(PollInitialDelay, PollInterval, PollBackoffFactor, PollMaxInterval, PollDeadline);

    /// <summary>A fixed cadence (the first poll and every later one, no back-off), as an administrator's poll interval means.</summary>
    public void PollEvery(TimeSpan interval) => (PollInitialDelay, PollInterval, PollMaxInterval) = (interval, interval, interval);

    public ProviderRate RateOr(ProviderRate declared) =>
        new(RequestsPerSecond ?? declared.RequestsPerSecond, Concurrency ?? declared.Concurrency);

    public PriceTable PriceTableOr(PriceTable declared) => Prices.Count == 0 ? declared
        : new PriceTable(PriceUnit, Prices.ToDictionary(p => p.Key, p => p.Value.ToPrice()));
}

/// <summary>Mutable twin of <see cref="OperationPrice"/> for configuration binding.</summary>
public sealed class OperationPriceSettings
{
    public decimal PerOperation { get; set; }
    public decimal PerImage { get; set; }
    public decimal PerBatchItem { get; set; }
    public OperationPrice ToPrice() => new(PerOperation, PerImage, PerBatchItem);
}
