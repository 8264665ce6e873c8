using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Budgets;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tasks.UrlFetch;
using BlazorCutout.Web.Tasks.Worker;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks;

/// <summary>
/// What the pages call. Validates and queues; reads tasks; asks the worker to cancel. After a task is
/// queued it never writes its state again except to cancel a task no worker has claimed yet. Who may read or change
/// which task is <see cref="ItemAccess"/>'s rule, never decided here.
/// </summary>
public sealed class TaskService(
    IDbContextFactory<AppDbContext> dbFactory,
    ProviderRegistry registry,
    ICutoutEngine engine,
    IAssetStore store,
    IThumbnailMaker thumbnails,
    AssetUrlSigner signer,
    TaskNotifier notifier,
    TaskSignal signal,
    UrlImageFetcher urlFetcher,
    TimeProvider time,
    SqliteWriteGate writeGate,
    BudgetService budgets,
    ILogger<TaskService> logger) : ITaskService
{
    private static readonly CutoutTaskState[] Active =
        [CutoutTaskState.Queued, CutoutTaskState.Submitting, CutoutTaskState.Processing, CutoutTaskState.Downloading];

    public IReadOnlyList<ProviderChoice> Providers() =>
        registry.All.Select(p =>
        {
            var availability = Availability(p);
            return new ProviderChoice(p.Descriptor, availability.IsAvailable, availability.Reason, p.Descriptor.Id == registry.Default?.Descriptor.Id);
        }).ToList();

    public async Task<TaskView> SubmitAsync(string userId, NewTaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(request);
        var (provider, sourceProbe, backgroundProbe) = Validate(request);
        if (request.TeamId is { } teamId)
        {
            await using var check = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await ItemAccess.MemberTeams(check, userId).AnyAsync(t => t.Id == teamId, cancellationToken))
                throw new TaskRejectedException("NotATeamMember", "You can only run a task for a team you are a member of; pick one of your teams or “Personal”.");
        }

        var now = time.GetUtcNow();
        var taskId = Guid.CreateVersion7(now);
        var source = NewAsset(userId, TaskAssetRole.Source, request.Source, sourceProbe, now);
        var background = request.BackgroundImage is { } bg ? NewAsset(userId, TaskAssetRole.BackgroundImage, bg, backgroundProbe!, now) : null;

        // Files first, then the rows in one transaction; on any failure nothing half-created remains.
        var written = new List<string>(2);
        try
        {
            await StoreAsync(source, request.Source.Bytes, written, cancellationToken);
            if (background is not null) await StoreAsync(background, request.BackgroundImage!.Bytes, written, cancellationToken);

            var task = new TaskRecord
            {
                Id = taskId,
                OwnerId = userId,
                TeamId = request.TeamId,
                ProviderId = provider.Descriptor.Id,
                Operation = request.Operation,
                OptionsJson = TaskRecords.SerializeOptions(request.Options),
                SourceAssetId = source.Id,
                BackgroundAssetId = background?.Id,
                State = CutoutTaskState.Queued,
                CreatedUtc = now.UtcDateTime,
                DueAtMs = TaskRecords.ToUnixMs(now),
            };
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                db.Assets.Add(source);
                if (background is not null) db.Assets.Add(background);
                db.Tasks.Add(task);
                await QueueWithinBudgetAsync(db, task, TaskCosts.Estimate(provider.Descriptor, request.Operation, request.Options), cancellationToken);
            }
            notifier.Publish(new TaskChanged(task.Id, userId, CutoutTaskState.Queued, null, null, now));
            signal.Wake();
            return TaskRecords.ToView(task, new Dictionary<Guid, AssetRecord> { [source.Id] = source }, Array.Empty<AssetRecord>().ToLookup(a => a.Id), registry);
        }
        catch (AssetStorageException e)
        {
            foreach (var key in written) store.Delete(key);
            throw new TaskRejectedException("StorageUnavailable", e.Message);
        }
        catch
        {
            foreach (var key in written) store.Delete(key);
            throw;
        }
    }

    public Task<IncomingImage> FetchImageAsync(string userId, string providerId, string url, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (!registry.TryGet(providerId ?? "", out var provider))
            throw new TaskRejectedException(nameof(ProviderErrorCode.UnknownProvider), $"There is no provider called '{providerId}'.");
        return urlFetcher.FetchAsync(userId, provider.Descriptor, url, progress, cancellationToken);
    }

    public async Task<TaskView?> GetAsync(string userId, Guid taskId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await ItemAccess.VisibleTasks(db, userId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null) return null;
        return (await ViewsAsync(db, [task], cancellationToken))[0];
    }

    public async Task<TaskPage> QueryAsync(string userId, TaskQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var q = ItemAccess.OwnTasks(db, userId).AsNoTracking();
        if (query.State is { } state) q = q.Where(t => t.State == state);
        if (!string.IsNullOrEmpty(query.ProviderId)) q = q.Where(t => t.ProviderId == query.ProviderId);
        if (query.Operation is { } op) q = q.Where(t => t.Operation == op);
        if (query.CreatedFrom is { } from)
        {
            var fromUtc = from.UtcDateTime;
            q = q.Where(t => t.CreatedUtc >= fromUtc);
        }
        if (query.CreatedBefore is { } before)
        {
            var beforeUtc = before.UtcDateTime;
            q = q.Where(t => t.CreatedUtc < beforeUtc);
        }
        var total = await q.CountAsync(cancellationToken);
        var take = Math.Clamp(query.Take, 1, 200);
        var page = await Ordered(q, query).ThenByDescending(t => t.Id)
            .Skip(Math.Max(0, query.Skip)).Take(take).ToListAsync(cancellationToken);
        return new TaskPage(await ViewsAsync(db, page, cancellationToken), total);
    }

    private static IOrderedQueryable<TaskRecord> Ordered(IQueryable<TaskRecord> q, TaskQuery query)
    {
        var ordered = (query.OrderBy, query.Ascending) switch
        {
            (TaskOrder.State, true) => q.OrderBy(t => t.State),
            (TaskOrder.State, false) => q.OrderByDescending(t => t.State),
            (TaskOrder.Provider, true) => q.OrderBy(t => t.ProviderId),
            (TaskOrder.Provider, false) => q.OrderByDescending(t => t.ProviderId),
            (TaskOrder.Operation, true) => q.OrderBy(t => t.Operation),
            (TaskOrder.Operation, false) => q.OrderByDescending(t => t.Operation),
            (_, true) => q.OrderBy(t => t.CreatedUtc),
            _ => q.OrderByDescending(t => t.CreatedUtc),
        };
        return query.OrderBy == TaskOrder.Created ? ordered : ordered.ThenByDescending(t => t.CreatedUtc);
    }

    public async Task<bool> CancelAsync(string userId, Guid taskId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Not yet claimed by any worker: nothing was sent, so the task can end here. SQLite serialises this
        // against the worker's claim, so exactly one of the two wins.
        var ownerId = await ItemAccess.ModifiableTasks(db, userId).Where(t => t.Id == taskId).Select(t => t.OwnerId).FirstOrDefaultAsync(cancellationToken);
        if (ownerId is null) return false;
        using var write = await writeGate.EnterAsync(cancellationToken);
        var canceledHere = await db.Tasks
            .Where(t => t.Id == taskId && t.State == CutoutTaskState.Queued && t.LeaseOwner == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.State, CutoutTaskState.Canceled)
                .SetProperty(t => t.CancelRequested, true)
                .SetProperty(t => t.ErrorMessage, CanceledMessage)
                .SetProperty(t => t.CompletedUtc, now.UtcDateTime), cancellationToken);
        if (canceledHere == 1)
        {
            notifier.Publish(new TaskChanged(taskId, ownerId, CutoutTaskState.Canceled, null, CanceledMessage, now));
            return true;
        }
        // Running: the worker owns the state; ask it to stop (at once if it holds the task, else at its next look).
        var requested = await db.Tasks
            .Where(t => t.Id == taskId && Active.Contains(t.State))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.CancelRequested, true)
                .SetProperty(t => t.DueAtMs, 0L), cancellationToken);
        if (requested == 0) return false;
        signal.RequestCancel(taskId);
        return true;
    }

    public const string CanceledMessage = "Canceled.";

    /// <summary>
    /// Saves the new task unless it would cross a budget. The check and the insert share the write gate and one
    /// transaction (BEGIN IMMEDIATE: SQLite's write lock from the first statement, so another process cannot
    /// slip in between either): two concurrent submissions are counted one after the other and cannot overshoot.
    /// </summary>
    private async Task QueueWithinBudgetAsync(AppDbContext db, TaskRecord task, ProviderCost estimate, CancellationToken cancellationToken)
    {
        using var write = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await budgets.CheckAsync(db, task.OwnerId, task.TeamId, estimate, time.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<TaskView?> RetryAsync(string userId, Guid taskId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var old = await ItemAccess.ModifiableTasks(db, userId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (old is null) return null;
        if (!old.State.IsFinal())
            throw new TaskRejectedException("StillRunning", "This task is still running; cancel it first or wait for it to finish.");
        if (!registry.TryGet(old.ProviderId, out var provider))
            throw new TaskRejectedException(nameof(ProviderErrorCode.UnknownProvider), $"The provider '{old.ProviderId}' is no longer configured.");
        var availability = Availability(provider);
        if (!availability.IsAvailable)
            throw new TaskRejectedException(nameof(ProviderErrorCode.ProviderUnavailable), availability.Reason ?? $"{provider.Descriptor.DisplayName} is unavailable.");
        var sourceExists = await db.Assets.AnyAsync(a => a.Id == old.SourceAssetId, cancellationToken);
        if (!sourceExists)
            throw new TaskRejectedException("SourceMissing", "The original image of this task is no longer stored; upload it again.");

        var now = time.GetUtcNow();
        var task = new TaskRecord
        {
            Id = Guid.CreateVersion7(now),
            // An Admin's retry stays the owner's task (the source is theirs), for the same team.
            OwnerId = old.OwnerId,
            TeamId = old.TeamId,
            ProviderId = old.ProviderId,
            Operation = old.Operation,
            OptionsJson = old.OptionsJson,
            SourceAssetId = old.SourceAssetId,
            BackgroundAssetId = old.BackgroundAssetId,
            State = CutoutTaskState.Queued,
            CreatedUtc = now.UtcDateTime,
            DueAtMs = TaskRecords.ToUnixMs(now),
            RetryOfId = old.Id,
        };
        db.Tasks.Add(task);
        await QueueWithinBudgetAsync(db, task, TaskCosts.Estimate(provider.Descriptor, task.Operation, TaskRecords.DeserializeOptions(task.OptionsJson)), cancellationToken);
        notifier.Publish(new TaskChanged(task.Id, task.OwnerId, CutoutTaskState.Queued, null, null, now));
        signal.Wake();
        return (await ViewsAsync(db, [task], cancellationToken))[0];
    }

    public async Task<bool> DeleteAsync(string userId, Guid taskId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await ItemAccess.ModifiableTasks(db, userId).AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null) return false;
        var sharedTo = await db.TeamShares.Where(s => s.TaskId == taskId).Select(s => (Guid?)s.TeamId).FirstOrDefaultAsync(cancellationToken);
        if (!task.State.IsFinal()) signal.RequestCancel(taskId); // the worker finds the row gone and discards its work

        using var write = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var results = await db.Assets.Where(a => a.TaskId == taskId).ToListAsync(cancellationToken);
        var inputs = new List<AssetRecord>();
        foreach (var inputId in new[] { (Guid?)task.SourceAssetId, task.BackgroundAssetId }.OfType<Guid>())
        {
            // Retries share their source: it goes with the last task that uses it.
            var shared = await db.Tasks.AnyAsync(t => t.Id != taskId && (t.SourceAssetId == inputId || t.BackgroundAssetId == inputId), cancellationToken);
            if (!shared && await db.Assets.FirstOrDefaultAsync(a => a.Id == inputId, cancellationToken) is { } input) inputs.Add(input);
        }
        // Not through the tracked entity: the worker may hold a lease on it (its lease is the row's concurrency token).
        var deleted = await db.Tasks.Where(t => t.Id == taskId).ExecuteDeleteAsync(cancellationToken);
        db.Assets.RemoveRange(results);
        db.Assets.RemoveRange(inputs);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var gone = results.Concat(inputs).ToList();
        foreach (var asset in gone) store.Delete(asset.StorageKey);
        // Thumbnails are kept by content, so one goes only when no other asset (a retry's, an identical upload) has it.
        var hashes = gone.Select(a => a.Sha256).Distinct().ToList();
        var stillHeld = await db.Assets.Where(a => hashes.Contains(a.Sha256)).Select(a => a.Sha256).Distinct().ToListAsync(CancellationToken.None);
        foreach (var hash in hashes.Except(stillHeld)) thumbnails.Forget(hash);
        if (deleted == 1 && !task.State.IsFinal())
            notifier.Publish(new TaskChanged(taskId, task.OwnerId, CutoutTaskState.Canceled, null, CanceledMessage, time.GetUtcNow()));
        // Its share went with it (cascade): the team's galleries drop it live.
        if (deleted == 1 && sharedTo is { } team)
            notifier.Publish(new GalleryChanged(taskId, team, GalleryChangeKind.Unshared, time.GetUtcNow()));
        return deleted == 1;
    }

    // ---- validation ----

    private (ICutoutProvider Provider, ImageProbe Source, ImageProbe? Background) Validate(NewTaskRequest request)
    {
        if (!registry.TryGet(request.ProviderId ?? "", out var provider))
            throw new TaskRejectedException(nameof(ProviderErrorCode.UnknownProvider), $"There is no provider called '{request.ProviderId}'.");
        var d = provider.Descriptor;
        var availability = Availability(provider);
        if (!availability.IsAvailable)
            throw new TaskRejectedException(nameof(ProviderErrorCode.ProviderUnavailable), availability.Reason ?? $"{d.DisplayName} is unavailable right now.");
        if (d.WhyNot(request.Operation) is { } unsupported)
            throw new TaskRejectedException(nameof(ProviderErrorCode.UnsupportedOperation), unsupported);
        if (request.Options is null)
            throw new TaskRejectedException(nameof(ProviderErrorCode.InvalidOption), "No options were given.");

        var byUrl = d.NeedsPublicUrlForUploads;
        var source = Probe(request.Source, "image");
        CheckLimits(d, source, byUrl);
        ImageProbe? background = null;
        if (request.BackgroundImage is not null)
        {
            background = Probe(request.BackgroundImage, "background image");
            CheckLimits(d, background, byUrl);
        }
        if (request.Options.BackgroundImage is not null && request.BackgroundImage is null)
            throw new TaskRejectedException(nameof(ProviderErrorCode.InvalidOption), "Give the background image as its own file.");

        // The job as the worker will build it (a placeholder URL stands for the signed one it will mint).
        var placeholder = new Uri("https://public.invalid/asset");
        var job = new ProviderJob(
            "validation",
            request.Operation,
            request.Options with { BackgroundImage = request.BackgroundImage is { } bg ? JobImageFor(d, bg.Bytes, placeholder) : null },
            JobImageFor(d, request.Source.Bytes, placeholder));
        try
        {
            ProviderJobValidator.Validate(d, job);
        }
        catch (ProviderException e)
        {
            throw new TaskRejectedException(e.Code.ToString(), e.Message);
        }
        return (provider, source, background);
    }

    private static JobImage JobImageFor(ProviderDescriptor d, byte[] bytes, Uri url) => d.NeedsPublicUrlForUploads
        ? JobImage.FromUrl(url)
        : JobImage.FromBytes(bytes, "image", "application/octet-stream");

    private ImageProbe Probe(IncomingImage image, string what)
    {
        if (image?.Bytes is not { Length: > 0 })
            throw new TaskRejectedException(nameof(CutoutErrorCode.Empty), $"The {what} is empty (0 bytes).");
        try
        {
            return engine.Probe(image.Bytes);
        }
        catch (CutoutException e) when (e.Code is CutoutErrorCode.AssetMissing or CutoutErrorCode.AssetCorrupt)
        {
            logger.LogError(e, "The engine cannot inspect images: {Message}", e.Message);
            throw new TaskRejectedException(e.Code.ToString(), "Images cannot be checked right now: the server's image engine is not set up. An administrator must prepare it.");
        }
        catch (CutoutException e)
        {
            var message = what == "image" ? e.Message : e.Message.Replace("The image", "The background image").Replace("The file", "The background image");
            throw new TaskRejectedException(e.Code.ToString(), message);
        }
    }

    private static void CheckLimits(ProviderDescriptor d, ImageProbe probe, bool byUrl)
    {
        try
        {
            d.Limits.Check(probe, byUrl);
        }
        catch (ProviderException e)
        {
            throw new TaskRejectedException(e.Code.ToString(), e.Message);
        }
    }

    /// <summary>The provider's own answer, plus ours: URL-only providers need a public base URL to receive uploads.</summary>
    private ProviderAvailability Availability(ICutoutProvider provider)
    {
        var own = provider.GetAvailability();
        if (!own.IsAvailable) return own;
        if (provider.Descriptor.NeedsPublicUrlForUploads && !signer.CanSign)
            return ProviderAvailability.Unavailable(
                $"{provider.Descriptor.DisplayName} only fetches images from a URL: set BlazorCutout:PublicBaseUrl (the address at which this server is reachable from the internet) to use it with uploads.");
        return own;
    }

    private static AssetRecord NewAsset(string userId, TaskAssetRole role, IncomingImage image, ImageProbe probe, DateTimeOffset now)
    {
        var contentType = ImageFormats.ContentTypeOf(probe.Format);
        return AssetRecord.New(userId, role, contentType, $"{ImageFormats.SafeStem(image.FileName)}.{ImageFormats.ExtensionOf(contentType)}",
            probe.Width, probe.Height, image.Bytes.Length, now);
    }

    private async Task StoreAsync(AssetRecord asset, byte[] bytes, List<string> written, CancellationToken cancellationToken)
    {
        var file = await store.SaveFileAsync(asset, bytes, cancellationToken);
        written.Add(file.Key);
    }

    private async Task<List<TaskView>> ViewsAsync(AppDbContext db, IReadOnlyList<TaskRecord> tasks, CancellationToken cancellationToken)
    {
        if (tasks.Count == 0) return [];
        var sourceIds = tasks.Select(t => t.SourceAssetId).Distinct().ToList();
        var taskIds = tasks.Select(t => t.Id).ToList();
        var sources = await db.Assets.AsNoTracking().Where(a => sourceIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var results = (await db.Assets.AsNoTracking().Where(a => a.TaskId != null && taskIds.Contains(a.TaskId.Value)).ToListAsync(cancellationToken))
            .ToLookup(a => a.TaskId!.Value);
        return tasks.Select(t => TaskRecords.ToView(t, sources, results, registry)).ToList();
    }
}
