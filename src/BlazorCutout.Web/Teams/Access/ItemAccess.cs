using BlazorCutout.Web.Account;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data.Teams;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Teams.Access;

/// <summary>
/// The one visibility rule. A user may SEE a task, and every asset it uses or produced, when they own it, when it is
/// shared to a team they are a member of now, or when they are an Admin. A user may MODIFY (cancel, retry, delete,
/// share, unshare, tag) only what they own, or anything as an Admin. Every page, endpoint, asset URL, thumbnail, ZIP and
/// hub group asks here; nothing else compares owner ids. The rules are query filters, so they run inside the same SQL
/// as the read they guard, and the Admin role and memberships are read at that moment: a member removed from a team
/// loses its items at their next request, and a demoted Admin at theirs.
/// </summary>
public static class ItemAccess
{
    // In the filters below the Admin test is written out in full each time: EF translates it (an uncorrelated
    // subquery SQLite evaluates once) only when it is inline in the expression tree.

    /// <summary>Whether <paramref name="userId"/> holds the Admin role now.</summary>
    public static Task<bool> IsAdminAsync(AppDbContext db, string userId, CancellationToken ct = default) =>
        db.UserRoles.AnyAsync(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin), ct);

    /// <summary>The shares <paramref name="userId"/> may see: those of their teams (all of them for an Admin).</summary>
    public static IQueryable<TeamShare> VisibleShares(AppDbContext db, string userId) =>
        db.TeamShares.Where(s =>
            db.TeamMemberships.Any(m => m.TeamId == s.TeamId && m.UserId == userId)
            || db.UserRoles.Any(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)));

    /// <summary>Tasks <paramref name="userId"/> may see.</summary>
    public static IQueryable<TaskRecord> VisibleTasks(AppDbContext db, string userId) =>
        db.Tasks.Where(t =>
            t.OwnerId == userId
            || db.TeamShares.Any(s => s.TaskId == t.Id && db.TeamMemberships.Any(m => m.TeamId == s.TeamId && m.UserId == userId))
            || db.UserRoles.Any(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)));

    /// <summary>
    /// Assets <paramref name="userId"/> may fetch: their own, the results and masks of a task they may see, and the
    /// source and background image such a task was made from.
    /// </summary>
    public static IQueryable<AssetRecord> VisibleAssets(AppDbContext db, string userId)
    {
        var sharedToMe = db.TeamShares.Where(s => db.TeamMemberships.Any(m => m.TeamId == s.TeamId && m.UserId == userId));
        return db.Assets.Where(a =>
            a.OwnerId == userId
            || (a.TaskId != null && sharedToMe.Any(s => s.TaskId == a.TaskId))
            || sharedToMe.Any(s => db.Tasks.Any(t => t.Id == s.TaskId && (t.SourceAssetId == a.Id || t.BackgroundAssetId == a.Id)))
            || db.UserRoles.Any(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)));
    }

    /// <summary>Tasks <paramref name="userId"/> may change: their own, or any as an Admin.</summary>
    public static IQueryable<TaskRecord> ModifiableTasks(AppDbContext db, string userId) =>
        db.Tasks.Where(t => t.OwnerId == userId
            || db.UserRoles.Any(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)));

    /// <summary>The user's own tasks: what History and the Studio list (seeing a teammate's work is the gallery's job).</summary>
    public static IQueryable<TaskRecord> OwnTasks(AppDbContext db, string userId) => db.Tasks.Where(t => t.OwnerId == userId);

    /// <summary>Teams <paramref name="userId"/> is a member of (what they may share to and run tasks for).</summary>
    public static IQueryable<Team> MemberTeams(AppDbContext db, string userId) =>
        db.Teams.Where(t => db.TeamMemberships.Any(m => m.TeamId == t.Id && m.UserId == userId));

    /// <summary>Teams whose gallery <paramref name="userId"/> may open: their own, every team for an Admin.</summary>
    public static IQueryable<Team> VisibleTeams(AppDbContext db, string userId) =>
        db.Teams.Where(t => db.TeamMemberships.Any(m => m.TeamId == t.Id && m.UserId == userId)
            || db.UserRoles.Any(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)));
}
