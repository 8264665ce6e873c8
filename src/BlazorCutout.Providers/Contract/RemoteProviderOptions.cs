using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Secrets;

namespace BlazorCutout.Providers;

/// <summary>
/// The settings every remote provider shares, bound from <c>Providers:&lt;Id&gt;</c>. A client's own options class
/// derives from it (e.g. <c>PicWishOptions : RemoteProviderOptions</c> adding its polling path) and lives in its folder.
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
