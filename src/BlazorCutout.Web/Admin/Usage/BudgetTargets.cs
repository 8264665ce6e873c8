using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Budgets;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Admin.Usage;

/// <summary>A user or a team a budget can be set for, as the budget form's picker lists it.</summary>
public sealed record BudgetTarget(BudgetScope Scope, string ScopeId, string Label)
{
    public string Key => $"{Scope}:{ScopeId}";
}

/// <summary>Teams first, then users, by name.</summary>
public sealed class BudgetTargets(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyList<BudgetTarget>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).Select(u => new { u.Id, u.Email }).ToListAsync(cancellationToken);
        return teams.Select(t => new BudgetTarget(BudgetScope.Team, t.Id.ToString(), $"Team {t.Name}"))
            .Concat(users.Select(u => new BudgetTarget(BudgetScope.User, u.Id, $"User {u.Email}")))
            .ToList();
    }
}
