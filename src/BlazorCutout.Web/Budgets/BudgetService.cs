using System.Globalization;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Budgets;
using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Budgets;

/// <summary>A budget with what is used of it now, for the admin table and the 80 % banner.</summary>
public sealed record BudgetStatus(long Id, BudgetScope Scope, string ScopeId, string ScopeName, BudgetKind Kind, string Unit, decimal Limit, decimal Used, DateTime ResetsUtc)
{
    /// <summary>Share of the limit used, 0–100+ (a limit of 0 is fully used).</summary>
    public decimal Percent => Limit <= 0 ? 100 : Math.Round(Used * 100 / Limit, 1);
    public bool NearOrOver => Percent >= BudgetService.WarnPercent;
    public string Describe() => Kind == BudgetKind.DailyTasks
        ? $"{BudgetService.Amount(Used)} of {BudgetService.Amount(Limit)} tasks today"
        : $"{BudgetService.Amount(Used)} of {BudgetService.Amount(Limit)} {Unit} this month";
}

public sealed class BudgetException(string message) : Exception(message);

/// <summary>
/// Budgets: set and listed by Admins, checked by <see cref="TaskService"/> inside the transaction that queues a task.
/// </summary>
public sealed class BudgetService(IDbContextFactory<AppDbContext> dbFactory, BudgetUsage usage, SqliteWriteGate writeGate, TimeProvider time)
{
    /// <summary>Admins are warned from this share of a limit on.</summary>
    public const decimal WarnPercent = 80;
    public const decimal MaxLimit = 1_000_000_000;
    public const string BudgetExceededCode = "BudgetExceeded";

    /// <summary>
    /// Refuses the task that would cross a limit of its owner or of the team it runs for. Call it inside the write
    /// gate and the transaction that inserts the task: SQLite then has one writer, so two submissions can never both
    /// see the room that only one of them fits in.
    /// </summary>
    public async Task CheckAsync(AppDbContext db, string userId, Guid? teamId, ProviderCost estimate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var teamKey = teamId?.ToString();
        var budgets = await db.Budgets.AsNoTracking()
            .Where(b => (b.Scope == BudgetScope.User && b.ScopeId == userId) || (teamKey != null && b.Scope == BudgetScope.Team && b.ScopeId == teamKey))
            .ToListAsync(cancellationToken);
        foreach (var b in budgets.OrderBy(b => b.Scope).ThenBy(b => b.Kind))
        {
            if (b.Kind == BudgetKind.DailyTasks)
            {
                var used = await usage.TasksTodayAsync(db, b.Scope, b.ScopeId, now, cancellationToken);
                if (used + 1 > b.Limit)
                    throw Refusal($"{await WhoseAsync(db, b, cancellationToken)} daily limit of {Amount(b.Limit)} tasks is reached ({used} today)",
                        BudgetPeriods.NextDay(now));
            }
            else if (estimate.Amount > 0 && BudgetUsage.SameUnit(b.Unit, estimate.Unit))
            {
                var used = await usage.CoinsThisMonthAsync(db, b.Scope, b.ScopeId, b.Unit, now, cancellationToken);
                if (used + estimate.Amount > b.Limit)
                    throw Refusal($"This task (about {Amount(estimate.Amount)} {b.Unit}) would go over {Lower(await WhoseAsync(db, b, cancellationToken))} monthly budget of {Amount(b.Limit)} {b.Unit} ({Amount(used)} used)",
                        BudgetPeriods.NextMonth(now));
            }
        }
    }

    public async Task<IReadOnlyList<BudgetStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var budgets = await db.Budgets.AsNoTracking().ToListAsync(cancellationToken);
        var list = new List<BudgetStatus>(budgets.Count);
        foreach (var b in budgets)
        {
            var used = b.Kind == BudgetKind.DailyTasks
                ? await usage.TasksTodayAsync(db, b.Scope, b.ScopeId, now, cancellationToken)
                : await usage.CoinsThisMonthAsync(db, b.Scope, b.ScopeId, b.Unit, now, cancellationToken);
            var reset = b.Kind == BudgetKind.DailyTasks ? BudgetPeriods.NextDay(now) : BudgetPeriods.NextMonth(now);
            list.Add(new BudgetStatus(b.Id, b.Scope, b.ScopeId, await NameAsync(db, b.Scope, b.ScopeId, cancellationToken), b.Kind, b.Unit, b.Limit, used, reset));
        }
        return list.OrderBy(s => s.Scope).ThenBy(s => s.ScopeName, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Kind).ThenBy(s => s.Unit).ToList();
    }

    /// <summary>Sets (or replaces) the limit of a scope, kind and unit.</summary>
    public async Task SetAsync(BudgetScope scope, string scopeId, BudgetKind kind, string? unit, decimal limit, string? updatedBy, CancellationToken cancellationToken = default)
    {
        unit = kind == BudgetKind.DailyTasks ? "" : unit?.Trim().ToLowerInvariant() ?? "";
        if (kind == BudgetKind.MonthlyCoins && unit.Length == 0)
            throw new BudgetException("Name the unit the budget counts (for example coins or credits): each service's unit is budgeted on its own.");
        if (unit.Length > Budget.MaxUnitLength)
            throw new BudgetException($"A unit name is at most {Budget.MaxUnitLength} characters.");
        if (limit < 0 || limit > MaxLimit)
            throw new BudgetException($"A limit is between 0 and {MaxLimit:N0}.");
        if (kind == BudgetKind.DailyTasks && limit != decimal.Truncate(limit))
            throw new BudgetException("A daily task limit is a whole number of tasks.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var exists = scope == BudgetScope.User
            ? await db.Users.AnyAsync(u => u.Id == scopeId, cancellationToken)
            : Guid.TryParse(scopeId, out var teamId) && await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken);
        if (!exists)
            throw new BudgetException(scope == BudgetScope.User ? "There is no such user." : "There is no such team.");

        using var write = await writeGate.EnterAsync(cancellationToken);
        var row = await db.Budgets.FirstOrDefaultAsync(b => b.Scope == scope && b.ScopeId == scopeId && b.Kind == kind && b.Unit == unit, cancellationToken);
        if (row is null)
        {
            row = new Budget { Scope = scope, ScopeId = scopeId, Kind = kind, Unit = unit };
            db.Budgets.Add(row);
        }
        row.Limit = limit;
        row.UpdatedBy = updatedBy;
        row.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        using var write = await writeGate.EnterAsync(cancellationToken);
        return await db.Budgets.Where(b => b.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
    }

    internal static string Amount(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static TaskRejectedException Refusal(string what, DateTime resetUtc) =>
        new(BudgetExceededCode, $"{what}; it resets {BudgetPeriods.Describe(resetUtc)}. Nothing was queued or charged.");

    private static string Lower(string whose) => whose.StartsWith("Your", StringComparison.Ordinal) ? "your" + whose[4..] : whose;

    private static async Task<string> WhoseAsync(AppDbContext db, Budget b, CancellationToken cancellationToken) =>
        b.Scope == BudgetScope.User ? "Your" : $"The team “{await NameAsync(db, b.Scope, b.ScopeId, cancellationToken)}”’s";

    private static async Task<string> NameAsync(AppDbContext db, BudgetScope scope, string scopeId, CancellationToken cancellationToken)
    {
        if (scope == BudgetScope.User)
            return await db.Users.Where(u => u.Id == scopeId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) ?? "(deleted user)";
        var teamId = Guid.Parse(scopeId);
        return await db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken) ?? "(deleted team)";
    }
}
