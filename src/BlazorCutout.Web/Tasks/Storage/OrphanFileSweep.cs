using BlazorCutout.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// Removes stored files that no asset row holds: a result stored just before a crash, ahead of the transaction that
/// would have recorded it; a file whose deletion failed; half-written temporaries; and thumbnails of content no asset
/// has any more. Runs at start-up and then once a day. A file is judged only once it is older than <see cref="Grace"/>,
/// far longer than any task takes from storing its files to committing their rows, so an in-flight task is never robbed.
/// A database with no assets at all removes nothing.
/// </summary>
public sealed class OrphanFileSweep(
    IDbContextFactory<AppDbContext> dbFactory,
    IAssetStore store,
    IThumbnailMaker thumbnails,
    TimeProvider time,
    ILogger<OrphanFileSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // listing the store must not hold up the host's start
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Orphan sweep failed; the next one tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over the asset store and the thumbnail cache.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var judgedBefore = time.GetUtcNow() - Grace;

        // Files are listed before rows are read: a row committed meanwhile is seen, so its file is kept.
        var files = store.List().ToList();
        var oldKeys = files.Where(f => f.WrittenUtc < judgedBefore).Select(f => f.Key).ToList();
        var oldHashes = thumbnails.Kept().Where(t => t.WrittenUtc < judgedBefore).Select(t => t.Sha256).Distinct().ToList();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var heldKeys = await db.Assets.AsNoTracking().Where(a => oldKeys.Contains(a.StorageKey)).Select(a => a.StorageKey).ToListAsync(cancellationToken);
        var heldHashes = await db.Assets.AsNoTracking().Where(a => oldHashes.Contains(a.Sha256)).Select(a => a.Sha256).Distinct().ToListAsync(cancellationToken);

        var orphanKeys = oldKeys.Except(heldKeys, StringComparer.Ordinal).ToList();
        if (orphanKeys.Count > 0 && !await db.Assets.AnyAsync(cancellationToken))
        {
            // Files but not a single asset row: far likelier a replaced or re-created database than a crash. Keep them.
            logger.LogWarning("Orphan sweep skipped: {Files} stored files but the database holds no assets (was it replaced?); nothing removed",
                files.Count);
            return new SweepResult(files.Count, 0, 0);
        }
        foreach (var key in orphanKeys) store.Delete(key);
        var orphanHashes = oldHashes.Except(heldHashes, StringComparer.Ordinal).ToList();
        foreach (var hash in orphanHashes) thumbnails.Forget(hash);

        var result = new SweepResult(files.Count, orphanKeys.Count, orphanHashes.Count);
        logger.LogInformation(
            "Orphan sweep: {Files} stored files, {Removed} held by no asset and older than {Grace} removed; thumbnails of {Hashes} images no asset has removed",
            result.StoredFiles, result.RemovedFiles, Grace, result.RemovedThumbnailImages);
        return result;
    }
}

/// <summary>What one sweep found: stored files looked at, files removed, and images whose thumbnails were removed.</summary>
public sealed record SweepResult(int StoredFiles, int RemovedFiles, int RemovedThumbnailImages);
