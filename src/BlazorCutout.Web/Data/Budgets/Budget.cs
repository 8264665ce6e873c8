using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Budgets;

/// <summary>Whose spending a budget bounds: one user's (all their tasks) or one team's (tasks run for the team).</summary>
public enum BudgetScope { User, Team }

/// <summary>A monthly coin budget counts one unit (HitPaw coins are not PicWish credits); a daily task limit counts every task, local ones too.</summary>
public enum BudgetKind { MonthlyCoins, DailyTasks }

/// <summary>
/// One limit set by an Admin. <see cref="ScopeId"/> is the user id or the team id as text, without a foreign key:
/// the budgets service removes a team's or user's budgets with it, and a leftover row bounds nobody. Months and days
/// are UTC, the clock of the cost ledger's <c>Day</c>.
/// </summary>
public sealed class Budget
{
    public const int MaxUnitLength = 32;

    public long Id { get; set; }
    public BudgetScope Scope { get; set; }
    public required string ScopeId { get; set; }
    public BudgetKind Kind { get; set; }
    /// <summary>The coin unit of a <see cref="BudgetKind.MonthlyCoins"/> budget; empty for a task limit.</summary>
    public required string Unit { get; set; }
    /// <summary>Coins per month, or tasks per day (a whole number).</summary>
    public decimal Limit { get; set; }
    public string? UpdatedBy { get; set; }
    public DateTime UpdatedUtc { get; set; }
}

internal sealed class BudgetConfiguration : IEntityTypeConfiguration<Budget>
{
    public void Configure(EntityTypeBuilder<Budget> b)
    {
        b.ToTable("Budgets");
        b.HasKey(x => x.Id);
        b.Property(x => x.Scope).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.ScopeId).IsRequired().HasMaxLength(450);
        b.Property(x => x.Unit).IsRequired().HasMaxLength(Budget.MaxUnitLength);
        b.Property(x => x.UpdatedBy).HasMaxLength(256);
        // One limit per scope, kind and unit; the submission check reads a scope's budgets through this index.
        b.HasIndex(x => new { x.Scope, x.ScopeId, x.Kind, x.Unit }).IsUnique();
    }
}
