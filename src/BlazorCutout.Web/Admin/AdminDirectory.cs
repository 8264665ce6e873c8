using BlazorCutout.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Admin;

public sealed record UserSummary(string Id, string Email, IReadOnlyList<string> Roles, DateTime CreatedUtc, bool LockedOut);

/// <summary>Read model of the accounts for the Admin page.</summary>
public sealed class AdminDirectory(IDbContextFactory<AppDbContext> contexts, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserSummary>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        // A short-lived context per query: the page lives in a long-lived circuit.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Users
            .OrderBy(u => u.CreatedUtc)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.CreatedUtc,
                u.LockoutEnd,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
                    .OrderBy(name => name)
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return rows.Select(r => new UserSummary(r.Id, r.Email ?? "", r.Roles, r.CreatedUtc, r.LockoutEnd > now)).ToList();
    }
}
