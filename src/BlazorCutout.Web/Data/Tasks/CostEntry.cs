using BlazorCutout.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Tasks;

/// <summary>
/// The cost ledger: one row per task that a provider finished, written in the same transaction as the task's final
/// state. <see cref="TaskId"/> is UNIQUE, so a cost can never be recorded twice. Rows outlive their task (deleting a
/// task from the history does not un-spend the coins); aggregated per user, team, provider and day by the admin views.
/// </summary>
public sealed class CostEntry
{
    public long Id { get; set; }
    public Guid TaskId { get; set; }
    public required string UserId { get; set; }
    /// <summary>The team the task was run for (null: personal). No foreign key on purpose: like <see cref="TaskId"/>,
    /// the row outlives a deleted team, so past spending stays attributed.</summary>
    public Guid? TeamId { get; set; }
    public required string ProviderId { get; set; }
    public ProviderOperation Operation { get; set; }
    public decimal Amount { get; set; }
    public required string Unit { get; set; }
    /// <summary>True when the amount comes from the configured price table rather than the provider's own report.</summary>
    public bool Estimated { get; set; }
    /// <summary>
    /// The service charged but no price was known (none reported, none configured): <see cref="Amount"/> is 0 and means
    /// nothing, so totals leave the row out and count it apart.
    /// </summary>
    public bool Unpriced { get; set; }
    /// <summary>UTC day of completion, for per-day aggregation.</summary>
    public DateOnly Day { get; set; }
    public DateTime RecordedUtc { get; set; }
}

internal sealed class CostEntryConfiguration : IEntityTypeConfiguration<CostEntry>
{
    public void Configure(EntityTypeBuilder<CostEntry> b)
    {
        b.ToTable("CostEntries");
        b.HasKey(c => c.Id);
        b.Property(c => c.UserId).IsRequired().HasMaxLength(450);
        b.Property(c => c.ProviderId).IsRequired().HasMaxLength(64);
        b.Property(c => c.Operation).HasConversion<string>().HasMaxLength(32);
        b.Property(c => c.Unit).IsRequired().HasMaxLength(32);
        b.HasIndex(c => c.TaskId).IsUnique();
        b.HasIndex(c => new { c.Day, c.ProviderId });
        b.HasIndex(c => new { c.UserId, c.Day });
        b.HasIndex(c => new { c.TeamId, c.Day });
    }
}
