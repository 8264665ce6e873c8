using System.Diagnostics;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Gallery;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BlazorCutout.Bench;

/// <summary>
/// cutout-bench gallery [--items 10000] [--rounds 20]: seeds one team with N shared tasks (each with its source, a result,
/// tags) in a SQLite file with the app's migrations, then times <see cref="GalleryService.PageAsync"/> — the server's
/// whole work for one gallery page — for the first page, a middle page and the last page (keyset), a filtered page
/// (member + tag) and a search. Reports median/p95 per kind and each median as a ratio of the first page's. Target:
/// ≤ 200 ms per page.
/// </summary>
internal static class GalleryBench
{
    public static async Task<int> RunAsync(string[] argv)
    {
        int Int(string name, int fallback) => Array.IndexOf(argv, name) is var i and >= 0 && i + 1 < argv.Length ? int.Parse(argv[i + 1]) : fallback;
        var count = Int("--items", 10_000);
        var rounds = Int("--rounds", 20);
        var directory = Path.Combine(Path.GetTempPath(), "blazorcutout-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var options = new DbContextOptionsBuilder<AppDbContext>()
                .UseSqlite(DataServiceCollectionExtensions.ConnectionStringFor(Path.Combine(directory, "bench.db"))).Options;
            var factory = new PooledDbContextFactory<AppDbContext>(options);
            var seeded = Stopwatch.StartNew();
            var (viewer, member) = await SeedAsync(factory, count);
            Console.WriteLine($"seeded {count} shared items in one team in {seeded.Elapsed.TotalSeconds:F1} s");

            var gallery = new GalleryService(factory, new ProviderRegistry([]));
            // Cursors of the middle and the last page, walked once.
            var cursors = new List<long?> { null };
            for (long? after = null; ;)
            {
                var page = await gallery.PageAsync(viewer, new GalleryQuery(After: after), withTotal: false);
                if (page.NextCursor is null) break;
                cursors.Add(after = page.NextCursor);
            }
            var kinds = new (string Name, GalleryQuery Query)[]
            {
                ("first page", new GalleryQuery()),
                ($"middle page ({cursors.Count / 2 + 1} of {cursors.Count})", new GalleryQuery(After: cursors[cursors.Count / 2])),
                ($"last page ({cursors.Count} of {cursors.Count})", new GalleryQuery(After: cursors[^1])),
                ("member + tag filter", new GalleryQuery(MemberId: member, Tag: "red")),
                ("search \"photo-12\"", new GalleryQuery(Search: "photo-12")),
            };
            Console.WriteLine($"{"page",-28} {"median ms",10} {"p95 ms",8} {"vs first",9}   ({rounds} rounds, {GalleryQuery.DefaultTake} items a page, with the total count)");
            double? baseline = null;
            foreach (var (name, query) in kinds)
            {
                await gallery.PageAsync(viewer, query); // warm
                var times = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    var sw = Stopwatch.StartNew();
                    await gallery.PageAsync(viewer, query);
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                var median = times[times.Count / 2];
                var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)];
                baseline ??= median;
                Console.WriteLine($"{name,-28} {median,10:F1} {p95,8:F1} {median / baseline.Value,8:F2}x");
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(string Viewer, string Member)> SeedAsync(IDbContextFactory<AppDbContext> factory, int count)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        var users = Enumerable.Range(0, 10).Select(i => new AppUser { Id = $"user-{i}", UserName = $"user{i}@bench.test", Email = $"user{i}@bench.test", NormalizedEmail = $"USER{i}@BENCH.TEST" }).ToList();
        db.Users.AddRange(users);
        var team = new Team { Id = Guid.NewGuid(), Name = "Bench", NormalizedName = "BENCH", CreatedUtc = now };
        db.Teams.Add(team);
        db.TeamMemberships.AddRange(users.Select(u => new TeamMembership { TeamId = team.Id, UserId = u.Id, Role = TeamRole.Member, AddedUtc = now }));
        await db.SaveChangesAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            var owner = users[i % users.Count].Id;
            var at = now.AddSeconds(-count + i);
            var task = new TaskRecord
            {
                Id = Guid.CreateVersion7(at), OwnerId = owner, ProviderId = i % 3 == 0 ? "picwish" : "local", Operation = ProviderOperation.RemoveBackground,
                OptionsJson = "{}", SourceAssetId = Guid.NewGuid(), State = CutoutTaskState.Succeeded, CreatedUtc = at, CompletedUtc = at, TeamId = team.Id,
            };
            db.Assets.Add(Asset(task.SourceAssetId, owner, null, TaskAssetRole.Source, $"photo-{i}.jpg", at));
            db.Assets.Add(Asset(Guid.NewGuid(), owner, task.Id, TaskAssetRole.Result, $"photo-{i}-cutout.png", at));
            db.Tasks.Add(task);
            db.TeamShares.Add(new TeamShare { TaskId = task.Id, TeamId = team.Id, OwnerId = owner, SharedById = owner, SharedUtc = at, SourceName = $"photo-{i}.jpg" });
            db.TaskTags.Add(new TaskTag { TaskId = task.Id, Tag = i % 2 == 0 ? "red" : "blue" });
            if (i % 1000 == 999) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return (users[0].Id, users[1].Id);
    }

    private static AssetRecord Asset(Guid id, string owner, Guid? taskId, TaskAssetRole role, string name, DateTime at) => new()
    {
        Id = id, OwnerId = owner, TaskId = taskId, Role = role, ContentType = "image/png", FileName = name, Width = 640, Height = 480, Bytes = 1000,
        Sha256 = new string('0', 64), StorageKey = "none", CreatedUtc = at,
    };
}
