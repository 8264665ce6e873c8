using BlazorCutout.Web.Account;
using BlazorCutout.Web.Admin.Usage;
using BlazorCutout.Web.Budgets;
using BlazorCutout.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Admin.Users;

/// <summary>One account as /admin/users shows it, with its teams and what it spent this (UTC) month, per unit.</summary>
public sealed record UserRow(
    string Id, string Email, bool IsAdmin, DateTime CreatedUtc, bool LockedOut, IReadOnlyList<string> Teams, int TasksThisMonth, IReadOnlyList<CoinTotal> SpendThisMonth);

public sealed class UserAdminException(string message) : Exception(message);

/// <summary>
/// The accounts page's service: search, promote/demote, lock/unlock, delete. The last Admin can never be demoted,
/// locked or deleted: the count and the change happen inside the write gate, so two Admins demoting each other at
/// once cannot both succeed. Each call uses its own scope: the page lives in a long-lived circuit, and Identity's
/// stores would otherwise keep a stale context.
/// </summary>
public sealed class UserAdmin(IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> dbFactory, SqliteWriteGate writeGate, TimeProvider time)
{
    public const int MaxResults = 200;

    // Seam for issue 13: once invitations exist (made, used, expired), list them here beside the accounts.

    public async Task<IReadOnlyList<UserRow>> SearchAsync(string? search, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var q = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var upper = search.Trim().ToUpperInvariant();
            q = q.Where(u => u.NormalizedEmail!.Contains(upper));
        }
        var users = await q.OrderBy(u => u.Email).Take(MaxResults)
            .Select(u => new { u.Id, u.Email, u.CreatedUtc, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var ids = users.Select(u => u.Id).ToList();
        var admins = (await db.UserRoles.Join(db.Roles.Where(r => r.Name == Roles.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Where(id => ids.Contains(id)).ToListAsync(cancellationToken)).ToHashSet();
        var teams = (await db.TeamMemberships.Where(m => ids.Contains(m.UserId))
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { m.UserId, t.Name })
            .ToListAsync(cancellationToken)).ToLookup(x => x.UserId, x => x.Name);
        var monthStart = BudgetPeriods.MonthStart(now);
        var spend = (await db.CostEntries.AsNoTracking().Where(c => c.Day >= monthStart && ids.Contains(c.UserId))
            .Select(c => new LedgerLine(c.TaskId, c.Day, c.RecordedUtc, c.UserId, "", c.TeamId, null, c.ProviderId, "", (decimal?)c.Amount, c.Unit, c.Estimated))
            .ToListAsync(cancellationToken)).ToLookup(l => l.UserId);
        var monthStartUtc = monthStart.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var tasks = (await db.Tasks.AsNoTracking().Where(t => t.CreatedUtc >= monthStartUtc && ids.Contains(t.OwnerId))
            .GroupBy(t => t.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken)).ToDictionary(x => x.Key, x => x.Count);
        return users.Select(u => new UserRow(u.Id, u.Email ?? "", admins.Contains(u.Id), u.CreatedUtc, u.LockoutEnd > now,
            teams[u.Id].Order(StringComparer.OrdinalIgnoreCase).ToList(), tasks.GetValueOrDefault(u.Id), UsageReporter.Coins(spend[u.Id]))).ToList();
    }

    public Task SetAdminAsync(string userId, bool admin, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, guardLastAdmin: !admin, "demote", async (users, user) =>
        {
            var result = admin ? await AddAdminAsync(users, user) : await RemoveAdminAsync(users, user);
            return result;
        }, cancellationToken);

    public Task SetLockedAsync(string userId, bool locked, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, guardLastAdmin: locked, "lock", async (users, user) =>
        {
            // Locked "for ever" (an end date far away) until unlocked here; unlocking also forgets failed attempts.
            var result = await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
            if (result.Succeeded && !locked) result = await users.ResetAccessFailedCountAsync(user);
            if (result.Succeeded && locked) result = await users.UpdateSecurityStampAsync(user); // ends open sessions
            return result;
        }, cancellationToken);

    public Task DeleteAsync(string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, guardLastAdmin: true, "delete", (users, user) => users.DeleteAsync(user), cancellationToken);

    private async Task ChangeAsync(string userId, bool guardLastAdmin, string verb, Func<UserManager<AppUser>, AppUser, Task<IdentityResult>> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        using var write = await writeGate.EnterAsync(cancellationToken);
        var user = await users.FindByIdAsync(userId) ?? throw new UserAdminException("There is no such user.");
        if (guardLastAdmin && await users.IsInRoleAsync(user, Roles.Admin))
        {
            var otherActiveAdmins = (await users.GetUsersInRoleAsync(Roles.Admin))
                .Count(u => u.Id != user.Id && !(u.LockoutEnd > time.GetUtcNow()));
            if (otherActiveAdmins == 0)
                throw new UserAdminException($"{user.Email} is the last Admin: make another account Admin before you {verb} this one.");
        }
        var result = await change(users, user);
        if (!result.Succeeded)
            throw new UserAdminException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    private static async Task<IdentityResult> AddAdminAsync(UserManager<AppUser> users, AppUser user)
    {
        if (await users.IsInRoleAsync(user, Roles.Admin)) return IdentityResult.Success;
        var result = await users.AddToRoleAsync(user, Roles.Admin);
        if (result.Succeeded && await users.IsInRoleAsync(user, Roles.Member)) result = await users.RemoveFromRoleAsync(user, Roles.Member);
        return result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result;
    }

    private static async Task<IdentityResult> RemoveAdminAsync(UserManager<AppUser> users, AppUser user)
    {
        if (!await users.IsInRoleAsync(user, Roles.Admin)) return IdentityResult.Success;
        var result = await users.RemoveFromRoleAsync(user, Roles.Admin);
        if (result.Succeeded && !await users.IsInRoleAsync(user, Roles.Member)) result = await users.AddToRoleAsync(user, Roles.Member);
        // A new stamp: the revalidating state provider signs the demoted Admin's open circuits out within its interval.
        return result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result;
    }
}
