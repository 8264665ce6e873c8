using System.Buffers;
using System.IO.Compression;
using System.Security.Claims;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks.TouchUp;
using BlazorCutout.Web.Teams.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// <c>GET /assets/zip?tasks=id,id…</c>: the results of several tasks the caller may see (<see cref="ItemAccess"/>: own,
/// shared to one of their teams, any for an Admin) as one ZIP, streamed as it is written. The rules of
/// <see cref="AssetEndpoints"/> hold: no one signed in gets 401; ids of tasks the caller may not see, unknown
/// ids and tasks that did not succeed are skipped without a word, so the answer reveals nothing about them; when
/// nothing is left, 404. More than <see cref="MaxTasks"/> ids, or one that is not an id, is a 400.
/// </summary>
public static class AssetArchive
{
    public const string Route = "/assets/zip";
    public const int MaxTasks = 100;

    private const int CopyBufferSize = 64 * 1024;

    /// <summary>The link that downloads these tasks' results as a ZIP (ids without dashes: up to 100 fit in any URL limit).</summary>
    public static string Url(IEnumerable<Guid> taskIds) => $"{Route}?tasks={string.Join(',', taskIds.Select(id => id.ToString("N")))}";

    /// <summary>
    /// What a task puts in the archive: its result images, or its mask when it has no image (output "Mask only"), the
    /// same file its own Download gives. Masks beside images stay out: they are a download of their own.
    /// </summary>
    public static IReadOnlyList<T> Pick<T>(IReadOnlyCollection<T> results, Func<T, TaskAssetRole> role)
    {
        var images = results.Where(r => role(r) == TaskAssetRole.Result).ToList();
        return images.Count > 0 ? images : results.Where(r => role(r) == TaskAssetRole.Mask).ToList();
    }

    /// <summary>How many images the archive of these tasks holds, as the pages say it (a batch counts each of its results).</summary>
    public static int ImageCount(IEnumerable<TaskView> tasks) =>
        tasks.Where(t => t.State == CutoutTaskState.Succeeded).Sum(t => Pick(t.Results, r => r.Role).Count);

    /// <summary>The distinct ids in the order given, or why the list is refused.</summary>
    public static (IReadOnlyList<Guid> Ids, string? Problem) ParseIds(string? text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
            return ([], "Name at least one task: ?tasks=<id>,<id>…");
        var ids = new List<Guid>();
        foreach (var part in parts)
        {
            if (!Guid.TryParse(part, out var id))
                return ([], $"“{(part.Length > 40 ? part[..40] + "…" : part)}” is not a task id.");
            if (!ids.Contains(id))
                ids.Add(id);
        }
        return ids.Count > MaxTasks ? ([], $"At most {MaxTasks} tasks can be downloaded at once; {ids.Count} were named.") : (ids, null);
    }

    /// <summary>Names as given, except that a name already taken (ignoring case, as Windows and macOS do) becomes "name (2).ext".</summary>
    public static IReadOnlyList<string> UniqueNames(IEnumerable<string> names)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unique = new List<string>();
        foreach (var name in names)
        {
            var stem = Path.GetFileNameWithoutExtension(name);
            var extension = Path.GetExtension(name);
            var candidate = name;
            for (var n = 2; !taken.Add(candidate); n++)
                candidate = $"{stem} ({n}){extension}";
            unique.Add(candidate);
        }
        return unique;
    }

    internal static async Task<IResult> ServeAsync([FromQuery] string? tasks, HttpContext http, IDbContextFactory<AppDbContext> dbFactory,
        IAssetStore store, ILoggerFactory log, CancellationToken ct)
    {
        var (ids, problem) = ParseIds(tasks);
        if (problem is not null)
            return Results.Problem(detail: problem, statusCode: StatusCodes.Status400BadRequest);
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(userId))
            return Results.NotFound();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var succeeded = await ItemAccess.VisibleTasks(db, userId).AsNoTracking()
            .Where(t => ids.Contains(t.Id) && t.State == CutoutTaskState.Succeeded)
            .Select(t => (Guid?)t.Id)
            .ToListAsync(ct);
        var assets = await db.Assets.AsNoTracking()
            .Where(a => succeeded.Contains(a.TaskId) && (a.Role == TaskAssetRole.Result || a.Role == TaskAssetRole.Mask))
            .ToListAsync(ct);

        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var entries = assets.GroupBy(a => a.TaskId!.Value)
            .OrderBy(g => order[g.Key])
            .SelectMany(g => Pick(ResultVersions.Newest(g).ToList(), a => a.Role).OrderBy(a => a.Role).ThenBy(a => a.Index))
            .ToList();
        if (entries.Count == 0)
            return Results.NotFound();
        var names = UniqueNames(entries.Select(a => $"{ImageFormats.SafeStem(a.FileName)}.{ImageFormats.ExtensionOf(a.ContentType)}"));
        return new ZipResult(entries.Zip(names).ToList(), store, log);
    }

    private sealed class ZipResult(IReadOnlyList<(AssetRecord Asset, string Name)> entries, IAssetStore store, ILoggerFactory log) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            response.ContentType = "application/zip";
            response.Headers.CacheControl = "private, no-store";
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName($"blazorcutout-{entries.Count}-images.zip");
            response.Headers.ContentDisposition = disposition.ToString();

            var ct = http.RequestAborted;
            var pipe = response.BodyWriter;
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                // Disposed only on success: a download broken off half-way is useless, so nothing more is written to it.
                var zip = new ZipArchive(new PipeAppendStream(pipe), ZipArchiveMode.Create, leaveOpen: true);
                foreach (var (asset, name) in entries)
                {
                    await using var source = store.OpenRead(asset.StorageKey);
                    if (source is null)
                    {
                        AssetEndpoints.LogMissing(asset, log);
                        continue;
                    }
                    // Stored, not deflated: PNG, JPEG and WebP are compressed already, and deflating them again costs CPU for nothing.
                    var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                    entry.LastWriteTime = TaskRecords.Utc(asset.CreatedUtc);
                    var target = entry.Open();
                    int read;
                    while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), ct)) > 0)
                    {
                        target.Write(buffer, 0, read);
                        if ((await pipe.FlushAsync(ct)).IsCompleted)
                            return; // the client went away
                    }
                    target.Dispose();
                }
                zip.Dispose();
                await pipe.FlushAsync(ct);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
