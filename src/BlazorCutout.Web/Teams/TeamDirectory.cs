using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Teams;

/// <summary>
/// Teams and their members: created, renamed and deleted by Admins, who also add and remove members and set their
/// role. Every method names the acting user and checks the Admin role itself, so no page can forget to. Refusals are
/// <see cref="TaskRejectedException"/>s written for the user; a refused call changes nothing.
/// </summary>
public sealed class TeamDirectory(IDbContextFactory<AppDbContext> dbFactory, SqliteWriteGate writeGate, TeamHubGroups hubGroups,
    TaskNotifier notifier, TimeProvider time) : IMyTeams
{
    public async Task<IReadOnlyList<TeamView>> ListAsync(string actorId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireAdminAsync(db, actorId, ct);
        return await db.Teams.OrderBy(t => t.Name)
            .Select(t => new TeamView(t.Id, t.Name,
                db.TeamMemberships.Count(m => m.TeamId == t.Id),
                db.TeamShares.Count(s => s.TeamId == t.Id)))
            .ToListAsync(ct);
    }

    /// <summary>The teams <paramref name="userId"/> is in (account menu, team picker, share menu).</summary>
    public async Task<IReadOnlyList<MyTeam>> MineAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.TeamMemberships.Where(m => m.UserId == userId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role })
            .OrderBy(t => t.Name).Select(t => new MyTeam(t.Id, t.Name, t.Role)).ToListAsync(ct);
    }

    public async Task<TeamView> CreateAsync(string actorId, string name, CancellationToken ct = default)
    {
        var clean = CleanName(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireAdminAsync(db, actorId, ct);
        await RequireFreeNameAsync(db, clean, null, ct);
        var team = new Team { Id = Guid.CreateVersion7(time.GetUtcNow()), Name = clean, NormalizedName = clean.ToUpperInvariant(), CreatedUtc = time.GetUtcNow().UtcDateTime };
        db.Teams.Add(team);
        using (await writeGate.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
        return new TeamView(team.Id, team.Name, 0, 0);
    }

    public async Task RenameAsync(string actorId, Guid teamId, string name, CancellationToken ct = default)
    {
        var clean = CleanName(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireAdminAsync(db, actorId, ct);
        var team = await FindAsync(db, teamId, ct);
        await RequireFreeNameAsync(db, clean, teamId, ct);
        team.Name = clean;
        team.NormalizedName = clean.ToUpperInvariant();
        using (await writeGate.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Deletes the team. Its shared items stay with their owners, unshared (the shares go with the team); tasks run for
    /// it become personal, and the cost ledger keeps the team's id. Returns how many items were unshared.
    /// </summary>
    public async Task<int> DeleteAsync(string actorId, Guid teamId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireAdminAsync(db, actorId, ct);
        var team = await FindAsync(db, teamId, ct);
        var members = await db.TeamMemberships.Where(m => m.TeamId == teamId).Select(m => m.UserId).ToListAsync(ct);
        var shared = await db.TeamShares.Where(s => s.TeamId == teamId).Select(s => s.TaskId).ToListAsync(ct);
        using (await writeGate.EnterAsync(ct))
        {
            db.Teams.Remove(team); // cascades: memberships, shares; Tasks.TeamId is set to null
            await db.SaveChangesAsync(ct);
        }
        foreach (var userId in members) await hubGroups.LeftAsync(userId, teamId);
        var now = time.GetUtcNow();
        foreach (var taskId in shared) notifier.Publish(new GalleryChanged(taskId, teamId, GalleryChangeKind.Unshared, now));
        return shared.Count;
    }

    public async Task<IReadOnlyList<TeamMemberView>> MembersAsync(string actorId, Guid teamId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireAdminAsync(db, actorId, ct);
        await FindAsync(db, teamId, ct);
        return await db.TeamMemberships.Where(m => m.TeamId == teamId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, Email = u.Email ?? u.UserName ?? u.Id, m.Role })
            .OrderBy(m => m.Email).Select(m => new TeamMemberView(m.Id, m.Email, m.Role)).ToListAsync(ct);
    }

    /// <summary>
    /// Adds the account with this e-mail address to the team, or changes its role if it is in already. The seam for
    /// invitations (issue 13): an accepted invitation to a team ends here, and <see cref="MayManageMembersAsync"/> is
    /// where a team lead's right to invite belongs.
    /// </summary>
    public async Task AddMemberAsync(string actorId, Guid teamId, string email, TeamRole role, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await MayManageMembersAsync(db, actorId, teamId, ct))
            throw new TaskRejectedException("NotAllowed", "Only an administrator can change a team's members.");
        await FindAsync(db, teamId, ct);
        var normalized = (email ?? "").Trim().ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
            ?? throw new TaskRejectedException("UnknownUser", $"There is no account with the e-mail address “{email?.Trim()}”.");
        var membership = await db.TeamMemberships.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == user.Id, ct);
        if (membership is null)
            db.TeamMemberships.Add(new TeamMembership { TeamId = teamId, UserId = user.Id, Role = role, AddedUtc = time.GetUtcNow().UtcDateTime });
        else
            membership.Role = role;
        using (await writeGate.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
        if (membership is null) await hubGroups.JoinedAsync(user.Id, teamId);
    }

    /// <summary>Removes the member. Items they shared stay in the team's gallery; from now on they no longer see the team's.</summary>
    public async Task RemoveMemberAsync(string actorId, Guid teamId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await MayManageMembersAsync(db, actorId, teamId, ct))
            throw new TaskRejectedException("NotAllowed", "Only an administrator can change a team's members.");
        int removed;
        using (await writeGate.EnterAsync(ct))
            removed = await db.TeamMemberships.Where(m => m.TeamId == teamId && m.UserId == userId).ExecuteDeleteAsync(ct);
        if (removed == 0)
            throw new TaskRejectedException("NotAMember", "That account is not a member of this team.");
        await hubGroups.LeftAsync(userId, teamId);
    }

    /// <summary>Who may change a team's members: Admins today. Team leads inviting to their own team (issue 13) goes here.</summary>
    private static Task<bool> MayManageMembersAsync(AppDbContext db, string actorId, Guid teamId, CancellationToken ct) =>
        ItemAccess.IsAdminAsync(db, actorId, ct);

    private static string CleanName(string? name)
    {
        var clean = string.Join(' ', (name ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (clean.Length == 0)
            throw new TaskRejectedException("TeamNameEmpty", "Give the team a name.");
        if (clean.Length > Team.MaxNameLength)
            throw new TaskRejectedException("TeamNameTooLong", $"A team name can have at most {Team.MaxNameLength} characters; this one has {clean.Length}.");
        return clean;
    }

    private static async Task RequireFreeNameAsync(AppDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var normalized = name.ToUpperInvariant();
        if (await db.Teams.AnyAsync(t => t.NormalizedName == normalized && t.Id != except, ct))
            throw new TaskRejectedException("TeamNameTaken", $"There is already a team called “{name}”.");
    }

    private static async Task<Team> FindAsync(AppDbContext db, Guid teamId, CancellationToken ct) =>
        await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, ct)
        ?? throw new TaskRejectedException("UnknownTeam", "That team does not exist (it may just have been deleted).");

    private static async Task RequireAdminAsync(AppDbContext db, string actorId, CancellationToken ct)
    {
        if (!await ItemAccess.IsAdminAsync(db, actorId, ct))
            throw new TaskRejectedException("NotAllowed", "Only an administrator can manage teams.");
    }
}
