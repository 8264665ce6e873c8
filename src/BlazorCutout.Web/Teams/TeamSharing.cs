using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Teams;

/// <summary>
/// Sharing a finished task to a team's gallery, unsharing it, and its tags. Only the owner or an Admin may do any of
/// it (<see cref="ItemAccess.ModifiableTasks"/>), and only to a team the owner is a member of. Each refusal is a
/// <see cref="TaskRejectedException"/> in our words and changes nothing.
/// </summary>
public sealed class TeamSharing(IDbContextFactory<AppDbContext> dbFactory, SqliteWriteGate writeGate, TaskNotifier notifier, TimeProvider time) : ITeamSharing
{
    public async Task ShareAsync(string actorId, Guid taskId, Guid teamId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = await RequireModifiableAsync(db, actorId, taskId, "share", ct);
        if (task.State != CutoutTaskState.Succeeded)
            throw new TaskRejectedException("NotFinished", "Only a finished, successful result can be shared.");
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct);
        var ownerIsMember = team is not null && await db.TeamMemberships.AnyAsync(m => m.TeamId == teamId && m.UserId == task.OwnerId, ct);
        if (team is null || !ownerIsMember)
            throw new TaskRejectedException("NotATeamMember", task.OwnerId == actorId
                ? "You can only share to a team you are a member of."
                : "The owner of this task is not a member of that team.");

        var now = time.GetUtcNow();
        var existing = await db.TeamShares.FirstOrDefaultAsync(s => s.TaskId == taskId, ct);
        if (existing?.TeamId == teamId) return;
        if (existing is not null) db.TeamShares.Remove(existing); // moving to another team: a new row, so it is newest there
        var sourceName = await db.Assets.Where(a => a.Id == task.SourceAssetId).Select(a => a.FileName).FirstOrDefaultAsync(ct) ?? "";
        db.TeamShares.Add(new TeamShare
        {
            TaskId = taskId, TeamId = teamId, OwnerId = task.OwnerId, SharedById = actorId, SharedUtc = now.UtcDateTime, SourceName = sourceName,
        });
        using (await writeGate.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
        if (existing is not null) notifier.Publish(new GalleryChanged(taskId, existing.TeamId, GalleryChangeKind.Unshared, now));
        notifier.Publish(new GalleryChanged(taskId, teamId, GalleryChangeKind.Shared, now));
    }

    /// <summary>Takes the task out of its team's gallery. False when it was not shared.</summary>
    public async Task<bool> UnshareAsync(string actorId, Guid taskId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireModifiableAsync(db, actorId, taskId, "unshare", ct);
        var share = await db.TeamShares.FirstOrDefaultAsync(s => s.TaskId == taskId, ct);
        if (share is null) return false;
        db.TeamShares.Remove(share);
        using (await writeGate.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
        notifier.Publish(new GalleryChanged(taskId, share.TeamId, GalleryChangeKind.Unshared, time.GetUtcNow()));
        return true;
    }

    /// <summary>What the share controls show for this task to this user; null when the user may not see the task.</summary>
    public async Task<ShareState?> StateAsync(string userId, Guid taskId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = await ItemAccess.VisibleTasks(db, userId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null) return null;
        var mayChange = await ItemAccess.ModifiableTasks(db, userId).AnyAsync(t => t.Id == taskId, ct);
        var shared = await db.TeamShares.Where(s => s.TaskId == taskId)
            .Join(db.Teams, s => s.TeamId, t => t.Id, (s, t) => new { t.Id, t.Name }).FirstOrDefaultAsync(ct);
        // The teams it may go to are the owner's (an Admin shares on the owner's behalf).
        var teams = mayChange
            ? (await db.TeamMemberships.Where(m => m.UserId == task.OwnerId)
                .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role }).OrderBy(t => t.Name).ToListAsync(ct))
                .Select(t => new MyTeam(t.Id, t.Name, t.Role)).ToList()
            : [];
        var tags = await db.TaskTags.Where(t => t.TaskId == taskId).Select(t => t.Tag).OrderBy(t => t).ToListAsync(ct);
        return new ShareState(mayChange, task.State == CutoutTaskState.Succeeded, shared?.Id, shared?.Name, teams, tags);
    }

    /// <summary>Replaces the task's tags. Trimmed, lower-cased, duplicates dropped; refused whole when one is too long or there are too many.</summary>
    public async Task<IReadOnlyList<string>> SetTagsAsync(string actorId, Guid taskId, IEnumerable<string> tags, CancellationToken ct = default)
    {
        var clean = CleanTags(tags);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireModifiableAsync(db, actorId, taskId, "tag", ct);
        using (await writeGate.EnterAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.TaskTags.Where(t => t.TaskId == taskId).ExecuteDeleteAsync(ct);
            db.TaskTags.AddRange(clean.Select(tag => new TaskTag { TaskId = taskId, Tag = tag }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (await db.TeamShares.Where(s => s.TaskId == taskId).Select(s => (Guid?)s.TeamId).FirstOrDefaultAsync(ct) is { } teamId)
            notifier.Publish(new GalleryChanged(taskId, teamId, GalleryChangeKind.Updated, time.GetUtcNow()));
        return clean;
    }

    /// <summary>Tags as stored: trimmed, inner spaces collapsed, lower-case, distinct, in the order given.</summary>
    public static IReadOnlyList<string> CleanTags(IEnumerable<string> tags)
    {
        var clean = new List<string>();
        foreach (var raw in tags ?? [])
        {
            var tag = string.Join(' ', (raw ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
            if (tag.Length == 0) continue;
            if (tag.Length > TaskTag.MaxLength)
                throw new TaskRejectedException("TagTooLong", $"The tag “{tag[..20]}…” has {tag.Length} characters; a tag can have at most {TaskTag.MaxLength}.");
            if (!clean.Contains(tag)) clean.Add(tag);
        }
        if (clean.Count > TaskTag.MaxPerTask)
            throw new TaskRejectedException("TooManyTags", $"A result can have at most {TaskTag.MaxPerTask} tags; {clean.Count} were given.");
        return clean;
    }

    private static async Task<Data.Tasks.TaskRecord> RequireModifiableAsync(AppDbContext db, string actorId, Guid taskId, string what, CancellationToken ct)
    {
        var task = await ItemAccess.ModifiableTasks(db, actorId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is not null) return task;
        // Someone else's task the caller can see (a teammate's share) gets a plain answer; one they cannot see stays unknown.
        var visible = await ItemAccess.VisibleTasks(db, actorId).AnyAsync(t => t.Id == taskId, ct);
        throw visible
            ? new TaskRejectedException("NotOwner", $"Only the owner of this result (or an administrator) can {what} it.")
            : new TaskRejectedException("UnknownTask", "There is no such result.");
    }
}
