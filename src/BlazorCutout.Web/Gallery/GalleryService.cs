using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.TouchUp;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Gallery;

/// <summary>
/// Reads the team gallery: the shares the user may see (<see cref="ItemAccess.VisibleShares"/>), newest first, a page
/// at a time by keyset on the share's id, so every page is one index seek on (TeamId, Id) whatever its depth
/// (measured by <c>./cutout bench gallery</c>). Thumbnails are our own authorised URLs, made once and cached.
/// </summary>
public sealed class GalleryService(IDbContextFactory<AppDbContext> dbFactory, ProviderRegistry registry)
{
    public async Task<GalleryChunk> PageAsync(string userId, GalleryQuery query, bool withTotal = true, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shares = Filter(db, userId, query);
        var total = withTotal ? await shares.CountAsync(ct) : 0;
        var take = Math.Clamp(query.Take, 1, GalleryQuery.MaxTake);
        if (query.After is { } after) shares = shares.Where(s => s.Id < after);
        var rows = await shares.OrderByDescending(s => s.Id).Take(take + 1)
            .Join(db.Tasks, s => s.TaskId, t => t.Id, (s, t) => new { Share = s, Task = t })
            .Join(db.Teams, x => x.Share.TeamId, team => team.Id, (x, team) => new { x.Share, x.Task, TeamName = team.Name })
            .Join(db.Users, x => x.Share.OwnerId, u => u.Id, (x, u) => new { x.Share, x.Task, x.TeamName, OwnerEmail = u.Email })
            .Select(x => new
            {
                x.Share.Id, x.Share.TaskId, x.Share.TeamId, x.TeamName, x.Share.OwnerId, x.OwnerEmail, x.Share.SharedUtc,
                x.Task.CreatedUtc, x.Task.Operation, x.Task.ProviderId, x.Share.SourceName,
            })
            .OrderByDescending(x => x.Id)
            .ToListAsync(ct);
        var more = rows.Count > take;
        if (more) rows.RemoveAt(rows.Count - 1);

        var taskIds = rows.Select(r => (Guid?)r.TaskId).ToList();
        var firstResults = (await db.Assets.AsNoTracking()
                .Where(a => taskIds.Contains(a.TaskId) && (a.Role == TaskAssetRole.Result || a.Role == TaskAssetRole.Mask))
                .Select(a => new { a.Id, a.TaskId, a.Role, a.Index, a.Version })
                .ToListAsync(ct))
            .GroupBy(a => a.TaskId!.Value)
            // The newest version: a touch-up is a new asset, so its thumbnail URL (and content-hash cache key) is new too.
            .ToDictionary(g => g.Key, g => ResultVersions.Newest(g, a => (a.Role, a.Index, a.Version)).OrderBy(a => a.Role).ThenBy(a => a.Index).First().Id);
        var ids = rows.Select(r => r.TaskId).ToList();
        var tags = (await db.TaskTags.Where(t => ids.Contains(t.TaskId)).ToListAsync(ct)).ToLookup(t => t.TaskId, t => t.Tag);

        var items = rows.Select(r => new GalleryItem(
            r.Id, r.TaskId, r.TeamId, r.TeamName, r.OwnerId, r.OwnerEmail ?? "(deleted account)",
            TaskRecords.Utc(r.SharedUtc), TaskRecords.Utc(r.CreatedUtc), r.Operation, r.ProviderId,
            registry.TryGet(r.ProviderId, out var p) ? p.Descriptor.DisplayName : r.ProviderId,
            r.SourceName,
            firstResults.TryGetValue(r.TaskId, out var assetId) ? TaskRecords.ThumbnailUrl(assetId) : null,
            tags[r.TaskId].OrderBy(t => t).ToList())).ToList();
        return new GalleryChunk(items, more ? rows[^1].Id : null, total);
    }

    /// <summary>The members whose shares the user may see, for the "member" filter.</summary>
    public async Task<IReadOnlyList<(string Id, string Email)>> MembersAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var teams = ItemAccess.VisibleTeams(db, userId).Select(t => t.Id);
        var rows = await db.TeamMemberships.Where(m => teams.Contains(m.TeamId)).Select(m => m.UserId).Distinct()
            .Join(db.Users, id => id, u => u.Id, (id, u) => new { u.Id, u.Email })
            .OrderBy(u => u.Email).ToListAsync(ct);
        return rows.Select(r => (r.Id, r.Email ?? r.Id)).ToList();
    }

    /// <summary>The teams whose gallery the user may open.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> TeamsAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await ItemAccess.VisibleTeams(db, userId).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        return rows.Select(r => (r.Id, r.Name)).ToList();
    }

    private static IQueryable<Data.Teams.TeamShare> Filter(AppDbContext db, string userId, GalleryQuery q)
    {
        var shares = ItemAccess.VisibleShares(db, userId).AsNoTracking();
        if (q.TeamId is { } team) shares = shares.Where(s => s.TeamId == team);
        if (!string.IsNullOrEmpty(q.MemberId)) shares = shares.Where(s => s.OwnerId == q.MemberId);
        if (q.SharedFrom is { } from)
        {
            var fromUtc = from.UtcDateTime;
            shares = shares.Where(s => s.SharedUtc >= fromUtc);
        }
        if (q.SharedBefore is { } before)
        {
            var beforeUtc = before.UtcDateTime;
            shares = shares.Where(s => s.SharedUtc < beforeUtc);
        }
        if (q.Operation is { } op) shares = shares.Where(s => db.Tasks.Any(t => t.Id == s.TaskId && t.Operation == op));
        if (!string.IsNullOrEmpty(q.ProviderId)) shares = shares.Where(s => db.Tasks.Any(t => t.Id == s.TaskId && t.ProviderId == q.ProviderId));
        if (!string.IsNullOrWhiteSpace(q.Tag))
        {
            var tag = q.Tag.Trim().ToLowerInvariant();
            shares = shares.Where(s => db.TaskTags.Any(t => t.TaskId == s.TaskId && t.Tag == tag));
        }
        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var term = q.Search.Trim().ToLowerInvariant();
            // File name: contains, case-insensitive (SQLite's LIKE ignores ASCII case), on the share row's own copy of it;
            // tag: prefix, as one uncorrelated set of task ids (tags are stored lower-case).
            var pattern = "%" + EscapeLike(term) + "%";
            var prefix = EscapeLike(term) + "%";
            var tagged = db.TaskTags.Where(t => EF.Functions.Like(t.Tag, prefix, "\\")).Select(t => t.TaskId);
            shares = shares.Where(s => EF.Functions.Like(s.SourceName, pattern, "\\") || tagged.Contains(s.TaskId));
        }
        return shares;
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
