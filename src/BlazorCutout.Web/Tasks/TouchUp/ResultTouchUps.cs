using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.TouchUp;

/// <summary>
/// Saves an erase/restore brush edit as a new version of a task's result. The browser sends only the edit (a greyscale
/// PNG, see <see cref="IResultEditor"/>); the new image is composed here from the stored original photo and the stored
/// current result, so a page cannot substitute pixels of its own (or another task's) for the result, and the photo
/// never has to travel back from the browser. Who may see the task and who may change it is <see cref="ItemAccess"/>'s
/// rule: the owner or an Admin edits; anyone else who can see it gets <c>NotOwner</c>; anyone who cannot gets
/// <c>UnknownTask</c>. Every refusal leaves the store and the database as they were.
/// </summary>
public sealed class ResultTouchUps(
    IDbContextFactory<AppDbContext> dbFactory,
    IAssetStore store,
    IResultEditor editor,
    TaskNotifier notifier,
    SqliteWriteGate writeGate,
    TimeProvider time,
    ILogger<ResultTouchUps> logger) : ITouchUpAccess
{
    /// <summary>An edit is mostly flat grey and compresses to kilobytes; this leaves room for heavy painting on large photos.</summary>
    public const int MaxEditBytes = 16 * 1024 * 1024;

    /// <summary>Whether the page should offer "Touch up" for this result: the same conditions <see cref="SaveAsync"/> enforces.</summary>
    public static bool CanTouchUp(TaskView task, TaskAssetView result) =>
        task.State == CutoutTaskState.Succeeded && task.Operation != ProviderOperation.GenerateBackground && result.Role == TaskAssetRole.Result
        && IResultEditor.SameShape(task.Source.Width, task.Source.Height, result.Width, result.Height);

    public async Task<bool> MayEditAsync(string userId, Guid taskId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(userId)) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ItemAccess.ModifiableTasks(db, userId).AnyAsync(t => t.Id == taskId, ct);
    }

    public async Task<TaskAssetView> SaveAsync(string userId, Guid taskId, Guid resultId, byte[] edit, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (edit.Length == 0)
            throw new TaskRejectedException("EmptyEdit", "The touch-up edit is empty; paint on the image before saving.");
        if (edit.Length > MaxEditBytes)
            throw new TaskRejectedException("EditTooLarge", $"The touch-up edit is {TaskText.Bytes(edit.Length)}; at most {TaskText.Bytes(MaxEditBytes)} is accepted.");

        AssetRecord current, source;
        AssetRecord? mask;
        string ownerId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var task = await ItemAccess.VisibleTasks(db, userId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct)
                ?? throw new TaskRejectedException("UnknownTask", "There is no such task.");
            if (!await ItemAccess.ModifiableTasks(db, userId).AnyAsync(t => t.Id == taskId, ct))
                throw new TaskRejectedException("NotOwner", "Only the task's owner (or an Admin) can touch up its result.");
            ownerId = task.OwnerId;
            if (task.State != CutoutTaskState.Succeeded)
                throw new TaskRejectedException("NotFinished", "The task has not finished successfully, so it has no result to touch up yet.");
            if (task.Operation == ProviderOperation.GenerateBackground)
                throw new TaskRejectedException("NotACutout", "A generated background is a finished picture, not a cut-out: the brush touches up cut-outs only.");
            var assets = await db.Assets.AsNoTracking().Where(a => a.TaskId == taskId).ToListAsync(ct);
            current = assets.FirstOrDefault(a => a.Id == resultId && a.Role == TaskAssetRole.Result)
                ?? throw new TaskRejectedException("UnknownTask", "This task has no such result.");
            if (assets.Any(a => a.Role == current.Role && a.Index == current.Index && a.Version > current.Version))
                throw Stale();
            // A task that also delivered a mask gets a new mask version too, so its "Mask" download matches the image.
            mask = ResultVersions.Newest(assets).FirstOrDefault(a => a.Role == TaskAssetRole.Mask && a.Index == current.Index);
            source = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == task.SourceAssetId, ct)
                ?? throw new TaskRejectedException("SourceMissing", "The original photo of this task is no longer stored, so nothing can be restored from it.");
        }

        var sourceBytes = await store.ReadAllAsync(source.StorageKey, ct);
        var resultBytes = await store.ReadAllAsync(current.StorageKey, ct);
        if (sourceBytes is null || resultBytes is null)
        {
            logger.LogError("Touch-up of task {TaskId}: file {Key} is missing from the store", taskId, sourceBytes is null ? source.StorageKey : current.StorageKey);
            throw new TaskRejectedException("SourceMissing", "A file of this task is missing from the store, so it cannot be touched up.");
        }

        EditedResult edited;
        try
        {
            // CPU-bound (decode, per-pixel blend, PNG encode): off the request thread.
            edited = await Task.Run(() => editor.ApplyEdit(sourceBytes, resultBytes, edit), ct);
        }
        catch (CutoutException e)
        {
            throw new TaskRejectedException("BadEdit", e.Message);
        }

        var now = time.GetUtcNow();
        var written = new List<(AssetRecord Asset, AssetRecord From)>(2);
        try
        {
            written.Add((await StoreVersionAsync(current, edited.Png, edited, now, ct), current));
            if (mask is not null) written.Add((await StoreVersionAsync(mask, edited.MaskPng, edited, now, ct), mask));
        }
        catch (AssetStorageException e)
        {
            foreach (var (stored, _) in written) store.Delete(stored.StorageKey);
            throw new TaskRejectedException("StorageUnavailable", e.Message);
        }
        var asset = written[0].Asset;

        Guid? sharedTo;
        var pruned = new List<AssetRecord>();
        try
        {
            using var write = await writeGate.EnterAsync(ct);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // Checked again under the write gate: two saves from the same version must not both become version N+1.
            var versions = await db.Assets.Where(a => a.TaskId == taskId && a.Role == current.Role && a.Index == current.Index)
                .Select(a => a.Version).ToListAsync(ct);
            if (versions.Any(v => v > current.Version))
                throw Stale();
            foreach (var (stored, from) in written)
            {
                var original = await db.Assets.AsNoTracking().FirstAsync(a => a.TaskId == taskId && a.Role == from.Role && a.Index == from.Index && a.Version == 0, ct);
                stored.FileName = ResultVersions.FileName(original, stored.Version);
                db.Assets.Add(stored);
                var oldestKept = stored.Version - ResultVersions.KeptTouchUps + 1;
                pruned.AddRange(await db.Assets.Where(a => a.TaskId == taskId && a.Role == from.Role && a.Index == from.Index
                                                           && a.Version >= 1 && a.Version < oldestKept).ToListAsync(ct));
            }
            db.Assets.RemoveRange(pruned);
            await db.SaveChangesAsync(ct);
            sharedTo = await db.TeamShares.Where(s => s.TaskId == taskId).Select(s => (Guid?)s.TeamId).FirstOrDefaultAsync(ct);
        }
        catch
        {
            foreach (var (stored, _) in written) store.Delete(stored.StorageKey);
            throw;
        }

        // Their rows are gone; a file whose deletion fails is left to the orphan sweep, as are their thumbnails.
        foreach (var old in pruned) store.Delete(old.StorageKey);
        logger.LogInformation("Task {TaskId}: result {ResultId} touched up as version {Version} ({AssetId}); {Pruned} older touch-ups removed",
            taskId, current.Id, asset.Version, asset.Id, pruned.Count);
        // The owner's pages and the team's gallery re-read the task and pick the newest version.
        notifier.Publish(new TaskChanged(taskId, ownerId, CutoutTaskState.Succeeded, 100, null, now));
        if (sharedTo is { } teamId) notifier.Publish(new GalleryChanged(taskId, teamId, GalleryChangeKind.Updated, now));
        return TaskRecords.ToView(asset);
    }

    /// <summary>Checked when the edit arrives and again under the write gate, where two saves from one version meet.</summary>
    private static TaskRejectedException Stale() =>
        new("StaleVersion", "This result has been touched up since you opened it; reopen it to edit the newest version.");

    /// <summary>Writes the file of the next version of <paramref name="from"/>; the row is added by the caller, under the write gate.</summary>
    private async Task<AssetRecord> StoreVersionAsync(AssetRecord from, byte[] png, EditedResult edited, DateTimeOffset now, CancellationToken ct)
    {
        var asset = AssetRecord.New(from.OwnerId, from.Role, "image/png", "", edited.Width, edited.Height, png.Length, now,
            taskId: from.TaskId, index: from.Index, version: from.Version + 1, editedFromId: from.Id);
        await store.SaveFileAsync(asset, png, ct);
        return asset;
    }
}
