using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Providers;

/// <summary>
/// An administrator's settings for one remote provider. Every non-null value overrides the provider's configuration
/// (<c>Providers:&lt;Id&gt;</c>); null means "as configured". The API key is stored only encrypted with ASP.NET Core Data
/// Protection (purpose <c>BlazorCutout.ProviderKeys.v1</c>, keys in the data directory).
/// </summary>
public sealed class ProviderSettingsRecord
{
    /// <summary>The provider's descriptor id ("picwish", "gptge", "hitpaw", "tengr").</summary>
    public required string ProviderId { get; set; }
    public bool? Enabled { get; set; }
    public string? BaseUrl { get; set; }
    /// <summary>Data Protection ciphertext of the API key; never the key itself.</summary>
    public string? ProtectedApiKey { get; set; }
    /// <summary>A fixed polling cadence in seconds (first poll and every later one).</summary>
    public double? PollIntervalSeconds { get; set; }
    public double? RequestsPerSecond { get; set; }
    public int? Concurrency { get; set; }
    /// <summary><see cref="BlazorCutout.Web.Admin.Providers.ProviderPrices"/> as JSON: unit and price per operation.</summary>
    public string? PricesJson { get; set; }
    /// <summary>E-mail of the administrator who saved last.</summary>
    public string? UpdatedBy { get; set; }
    public DateTime UpdatedUtc { get; set; }
}

internal sealed class ProviderSettingsRecordConfiguration : IEntityTypeConfiguration<ProviderSettingsRecord>
{
    public void Configure(EntityTypeBuilder<ProviderSettingsRecord> b)
    {
        b.ToTable("ProviderSettings");
        b.HasKey(s => s.ProviderId);
        b.Property(s => s.ProviderId).HasMaxLength(64);
        b.Property(s => s.BaseUrl).HasMaxLength(2048);
        b.Property(s => s.ProtectedApiKey).HasMaxLength(4096);
        b.Property(s => s.PricesJson).HasMaxLength(8192);
        b.Property(s => s.UpdatedBy).HasMaxLength(256);
    }
}
