using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Budgets;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Worker;
using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Budgets;

/// <summary>
/// How much of a budget is used: the one count behind the submission check, the admin banner and the budgets table.
/// Coins are the month's ledger rows in the budget's unit plus a reservation for every unfinished task of the scope
/// (it has no ledger row yet): what the provider reported at acceptance (HitPaw's <c>consume_coins</c>), else the
/// price table's estimate. So a burst of submissions is counted before any of them is charged.
/// </summary>
public sealed class BudgetUsage(ProviderRegistry registry)
{
    private static readonly CutoutTaskState[] Unfinished =
        [CutoutTaskState.Queued, CutoutTaskState.Submitting, CutoutTaskState.Processing, CutoutTaskState.Downloading];

    /// <summary>Tasks of the scope created today (UTC), whatever became of them: a failed or local task still counts.</summary>
    public Task<int> TasksTodayAsync(AppDbContext db, BudgetScope scope, string scopeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dayStart = BudgetPeriods.DayStart(now);
        return TasksOf(db, scope, scopeId).CountAsync(t => t.CreatedUtc >= dayStart, cancellationToken);
    }

    /// <summary>Coins of <paramref name="unit"/> recorded this month (UTC) plus the reservations of unfinished tasks.</summary>
    public async Task<decimal> CoinsThisMonthAsync(AppDbContext db, BudgetScope scope, string scopeId, string unit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var monthStart = BudgetPeriods.MonthStart(now);
        // Summed here, not in SQL: SQLite stores decimals as text and EF cannot SUM them there.
        var recorded = await LedgerOf(db, scope, scopeId)
            .Where(c => c.Day >= monthStart)
            .Select(c => new { c.Unit, c.Amount })
            .ToListAsync(cancellationToken);
        var unfinished = await TasksOf(db, scope, scopeId)
            .Where(t => Unfinished.Contains(t.State))
            .ToListAsync(cancellationToken);
        return recorded.Where(r => SameUnit(r.Unit, unit)).Sum(r => r.Amount)
            + unfinished.Select(Reservation).Where(c => SameUnit(c.Unit, unit)).Sum(c => c.Amount);
    }

    public static bool SameUnit(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private ProviderCost Reservation(TaskRecord t) =>
        registry.TryGet(t.ProviderId, out var provider) ? TaskCosts.WithoutFinalReport(t, provider.Descriptor).Cost : ProviderCost.Zero("");

    private static IQueryable<TaskRecord> TasksOf(AppDbContext db, BudgetScope scope, string scopeId)
    {
        if (scope == BudgetScope.User) return db.Tasks.AsNoTracking().Where(t => t.OwnerId == scopeId);
        var teamId = Guid.Parse(scopeId);
        return db.Tasks.AsNoTracking().Where(t => t.TeamId == teamId);
    }

    private static IQueryable<CostEntry> LedgerOf(AppDbContext db, BudgetScope scope, string scopeId)
    {
        if (scope == BudgetScope.User) return db.CostEntries.AsNoTracking().Where(c => c.UserId == scopeId);
        var teamId = Guid.Parse(scopeId);
        return db.CostEntries.AsNoTracking().Where(c => c.TeamId == teamId);
    }
}
