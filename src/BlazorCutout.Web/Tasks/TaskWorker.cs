using System.Data.Common;
using System.Net.Http;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using BlazorCutout.Web.Tasks.Callbacks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks;

/// <summary>
/// The only writer of a task's state after it is queued. One loop claims due tasks per provider (as many as the
/// provider's concurrency leaves free) with a single atomic UPDATE … RETURNING that takes a lease; each claimed task
/// then runs one step (submit, one poll, download) on the thread pool and gives the lease back with the time of its
/// next step. A heartbeat renews the leases this worker holds; a crashed worker's leases run out and another (or the
/// restarted) worker resumes its tasks from the stored state: a saved provider task id is polled, never resubmitted.
/// Every state change is one SaveChanges (one transaction, guarded by the lease) followed by one notification.
/// </summary>
public sealed class TaskWorker : BackgroundService
{
    private const string ActiveStates = "('Queued','Submitting','Processing','Downloading')";

    private readonly IDbContextFactory<AppDbContext> _dbFactory;
    private readonly ProviderRegistry _registry;
    private readonly IAssetStore _store;
    private readonly AssetUrlSigner _signer;
    private readonly ICutoutEngine _engine;
    private readonly TaskNotifier _notifier;
    private readonly TaskSignal _signal;
    private readonly TimeProvider _time;
    private readonly TaskOptions _options;
    private readonly ILogger<TaskWorker> _logger;
    private readonly SqliteWriteGate _writeGate;
    private readonly CallbackUrls _callbacks;
    private readonly UrlGuard _guard;
    private readonly string _owner = "w-" + Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ProviderRateLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ProviderRateLimiter> _retiredLimiters = [];
    private readonly List<Task> _items = [];
    private readonly object _gate = new();
    private CancellationToken _stopping;

    public TaskWorker(
        IDbContextFactory<AppDbContext> dbFactory, ProviderRegistry registry, IAssetStore store, AssetUrlSigner signer,
        ICutoutEngine engine, TaskNotifier notifier, TaskSignal signal, TimeProvider time, IOptions<TaskOptions> options,
        ILogger<TaskWorker> logger, SqliteWriteGate writeGate, CallbackUrls callbacks, UrlGuard guard)
    {
        _callbacks = callbacks;
        _guard = guard;
        _writeGate = writeGate;
        _dbFactory = dbFactory;
        _registry = registry;
        _store = store;
        _signer = signer;
        _engine = engine;
        _notifier = notifier;
        _signal = signal;
        _time = time;
        _options = options.Value;
        _logger = logger;
        foreach (var p in registry.All)
            if (p.Descriptor.Rate.RequestsPerSecond is > 0)
                _limiters[p.Descriptor.Id] = new ProviderRateLimiter(p.Descriptor.Id, p.Descriptor.Rate);
    }

    /// <summary>This worker's lease owner id (for logs and tests).</summary>
    public string OwnerId => _owner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await Task.Yield();
        var heartbeat = HeartbeatAsync(stoppingToken);
        _logger.LogInformation("Task worker {Owner} started", _owner);
        try
        {
            await FailTasksOfRemovedProvidersAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Task worker: could not check for tasks of removed providers");
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ClaimRoundAsync(stoppingToken)) continue;
                var delay = await NextDelayAsync(stoppingToken);
                await _signal.WaitAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Task worker: claiming failed; trying again shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }

        // Let running steps end (submissions finish, polls and waits stop), then hand back what we still hold.
        Task[] running;
        lock (_gate) running = [.. _items];
        try { await Task.WhenAll(running); } catch { /* logged per item */ }
        try { await heartbeat; } catch (OperationCanceledException) { }
        await ReleaseAllAsync();
        _logger.LogInformation("Task worker {Owner} stopped", _owner);
    }

    public override void Dispose()
    {
        foreach (var l in _limiters.Values.Concat(_retiredLimiters)) l.Dispose();
        base.Dispose();
    }

    // ---- scheduling ----

    /// <summary>
    /// One statement claims, for every provider at once, as many due tasks as its free concurrency allows (oldest due
    /// first). SQLite runs it as one write transaction, so two workers can never claim the same task.
    /// </summary>
    private async Task<bool> ClaimRoundAsync(CancellationToken ct)
    {
        var free = new List<(ICutoutProvider Provider, int Free)>();
        lock (_gate)
        {
            foreach (var p in _registry.All)
            {
                var n = Math.Max(1, p.Descriptor.Rate.Concurrency) - _inFlight.GetValueOrDefault(p.Descriptor.Id);
                if (n > 0) free.Add((p, n));
            }
        }
        if (free.Count == 0) return false;

        var now = NowMs();
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var cases = new System.Text.StringBuilder();
        var inList = new System.Text.StringBuilder();
        for (var i = 0; i < free.Count; i++)
        {
            cases.Append($" WHEN $p{i} THEN $n{i}");
            inList.Append(i == 0 ? $"$p{i}" : $", $p{i}");
            Add(command, $"$p{i}", free[i].Provider.Descriptor.Id);
            Add(command, $"$n{i}", free[i].Free);
        }
        command.CommandText = $"""
            UPDATE "Tasks" SET "LeaseOwner" = $owner, "LeaseUntilMs" = $until
            WHERE "Id" IN (
                SELECT "Id" FROM (
                    SELECT "Id", "ProviderId", ROW_NUMBER() OVER (PARTITION BY "ProviderId" ORDER BY "DueAtMs", "Id") AS "Rank"
                    FROM "Tasks"
                    WHERE "State" IN {ActiveStates} AND "DueAtMs" <= $now
                      AND ("LeaseUntilMs" IS NULL OR "LeaseUntilMs" < $now)
                      AND "ProviderId" IN ({inList}))
                WHERE "Rank" <= CASE "ProviderId"{cases} ELSE 0 END)
            RETURNING "Id", "ProviderId";
            """;
        Add(command, "$owner", _owner);
        Add(command, "$until", now + (long)_options.LeaseDuration.TotalMilliseconds);
        Add(command, "$now", now);
        var claimed = new List<(Guid Id, string ProviderId)>();
        using (await _writeGate.EnterAsync(ct))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) claimed.Add((reader.GetGuid(0), reader.GetString(1)));
        foreach (var (id, providerId) in claimed)
        {
            if (_registry.TryGet(providerId, out var provider)) Start(provider, id);
        }
        return claimed.Count > 0;
    }

    /// <summary>Until the earliest due task that a free provider could take, capped by the idle poll.</summary>
    private async Task<TimeSpan> NextDelayAsync(CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT MIN(CASE WHEN "LeaseUntilMs" IS NOT NULL AND "LeaseUntilMs" > "DueAtMs" THEN "LeaseUntilMs" ELSE "DueAtMs" END)
            FROM "Tasks" WHERE "State" IN {ActiveStates} AND ("LeaseOwner" IS NULL OR "LeaseOwner" <> $owner);
            """;
        Add(command, "$owner", _owner);
        var result = await command.ExecuteScalarAsync(ct);
        if (result is null or DBNull) return _options.IdlePoll;
        var delay = TimeSpan.FromMilliseconds(Convert.ToInt64(result) - NowMs());
        // Due now but not claimed: every provider that has work is at its concurrency; a finishing step wakes us.
        if (delay <= TimeSpan.Zero) return _options.IdlePoll;
        return delay < _options.IdlePoll ? delay + TimeSpan.FromMilliseconds(1) : _options.IdlePoll;
    }

    private void Start(ICutoutProvider provider, Guid taskId)
    {
        var id = provider.Descriptor.Id;
        var cts = new CancellationTokenSource();
        _signal.Register(taskId, cts);
        Task item = null!;
        // Under the gate: the item's own clean-up (also under the gate) then always sees it registered.
        lock (_gate)
        {
            _inFlight[id] = _inFlight.GetValueOrDefault(id) + 1;
            item = Task.Run(async () =>
            {
                try
                {
                    await RunStepAsync(provider, taskId, cts.Token);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Task {TaskId}: unexpected error in the worker", taskId);
                    await ReleaseAsync(taskId, delay: _options.RetryDelay);
                }
                finally
                {
                    _signal.Unregister(taskId, cts);
                    cts.Dispose();
                    lock (_gate)
                    {
                        _inFlight[id]--;
                        _items.Remove(item);
                    }
                    _signal.Wake();
                }
            }, CancellationToken.None);
            _items.Add(item);
        }
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.Heartbeat, _time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await using var db = await _dbFactory.CreateDbContextAsync(ct);
                var until = NowMs() + (long)_options.LeaseDuration.TotalMilliseconds;
                using var write = await _writeGate.EnterAsync(ct);
                await db.Tasks.Where(t => t.LeaseOwner == _owner).ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseUntilMs, until), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                _logger.LogError(e, "Task worker: lease heartbeat failed");
            }
        }
    }

    private async Task ReleaseAllAsync()
    {
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync();
            using var write = await _writeGate.EnterAsync();
            await db.Tasks.Where(t => t.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseUntilMs, (long?)null));
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Task worker: could not hand back its leases; they expire by themselves");
        }
    }

    /// <summary>Gives a task back without changing its state (used when a step ended without deciding).</summary>
    private async Task ReleaseAsync(Guid taskId, TimeSpan delay)
    {
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync();
            var due = NowMs() + (long)delay.TotalMilliseconds;
            using var write = await _writeGate.EnterAsync();
            await db.Tasks.Where(t => t.Id == taskId && t.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.LeaseOwner, (string?)null)
                    .SetProperty(t => t.LeaseUntilMs, (long?)null)
                    .SetProperty(t => t.DueAtMs, due));
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Task {TaskId}: could not hand back its lease; it expires by itself", taskId);
        }
    }

    // ---- one step of one task ----

    private sealed class Step(AppDbContext db, TaskRecord task, ICutoutProvider provider, CancellationToken canceled) : IAsyncDisposable
    {
        public AppDbContext Db { get; } = db;
        public TaskRecord Task { get; } = task;
        public ICutoutProvider Provider { get; } = provider;
        public ProviderDescriptor Descriptor => Provider.Descriptor;
        /// <summary>The owner canceled (in-process token).</summary>
        public CancellationToken Canceled { get; } = canceled;
        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private async Task RunStepAsync(ICutoutProvider provider, Guid taskId, CancellationToken canceled)
    {
        var db = await _dbFactory.CreateDbContextAsync(CancellationToken.None);
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId && t.LeaseOwner == _owner);
        if (task is null) { await db.DisposeAsync(); return; } // deleted, or the lease was lost
        await using var step = new Step(db, task, provider, canceled);

        if (task.CancelRequested || canceled.IsCancellationRequested)
        {
            await CancelAsync(step);
            return;
        }
        switch (task.State)
        {
            case CutoutTaskState.Queued:
                await SubmitAsync(step);
                break;
            case CutoutTaskState.Submitting:
                if (task.ProviderTaskId is not null)
                {
                    // Accepted before a restart: resume as Processing, never resubmit.
                    task.State = CutoutTaskState.Processing;
                    if (!await SaveAsync(step)) return;
                    await PollAsync(step);
                }
                else if (provider.Descriptor.IsSynchronous)
                    await SubmitAsync(step); // in-process and free: nothing can have been charged
                else
                    await FailAsync(step, "Interrupted",
                        $"The server stopped while this task was being sent to {provider.Descriptor.DisplayName}, so it cannot tell whether the service received it. " +
                        "It was not sent again, to avoid paying twice; retry it if you want the result.");
                break;
            case CutoutTaskState.Processing:
                await PollAsync(step);
                break;
            case CutoutTaskState.Downloading:
                // Interrupted while storing results: ask again (results are listed by every Done answer) or, in-process, redo.
                if (task.ProviderTaskId is not null) await PollAsync(step);
                else if (provider.Descriptor.IsSynchronous) await SubmitAsync(step);
                else await FailAsync(step, "Interrupted", "The server stopped while storing this task's result; retry it.");
                break;
            default:
                await ReleaseAsync(taskId, TimeSpan.Zero);
                break;
        }
    }

    private async Task SubmitAsync(Step step)
    {
        var t = step.Task;
        var d = step.Descriptor;
        if (t.Attempts >= _options.MaxSubmitAttempts)
        {
            await FailAsync(step, t.ErrorCode ?? nameof(ProviderErrorCode.ProviderUnavailable),
                $"{d.DisplayName} could not take the task after {t.Attempts} attempts{(t.ErrorMessage is null ? "" : ": " + t.ErrorMessage)}");
            return;
        }
        t.State = CutoutTaskState.Submitting;
        t.Attempts++;
        t.Progress = null;
        t.SubmittedUtc = _time.GetUtcNow().UtcDateTime;
        if (!await SaveAsync(step)) return;

        ProviderJob job;
        try
        {
            job = await BuildJobAsync(step);
        }
        catch (TaskRejectedException e)
        {
            await FailAsync(step, e.Code, e.Message);
            return;
        }

        ProviderSubmission submission;
        try
        {
            using var pace = await PaceAsync(d, step.Canceled);
            // Not the stopping token: a submission in flight is allowed to finish so its answer is saved.
            submission = await step.Provider.SubmitAsync(job, step.Canceled);
        }
        catch (OperationCanceledException) when (step.Canceled.IsCancellationRequested)
        {
            await CancelAsync(step);
            return;
        }
        catch (ProviderException e) when (e.IsTransient && (d.IsSynchronous || CertainlyNotAccepted(e)))
        {
            _logger.LogInformation("Task {TaskId}: {Provider} did not take the job ({Code}); queued again", t.Id, d.Id, e.Code);
            t.State = CutoutTaskState.Queued;
            t.SubmittedUtc = null;
            t.ErrorCode = e.Code.ToString();
            t.ErrorMessage = e.Message;
            await SaveAndReleaseAsync(step, RetryDelay(t.Attempts, e.RetryAfter));
            return;
        }
        catch (ProviderException e) when (e.IsTransient)
        {
            await FailAsync(step, e.Code.ToString(),
                $"{e.Message.TrimEnd('.')}. It is unknown whether {d.DisplayName} received the task, so it was not sent again (to avoid paying twice); retry it if no result arrives.",
                logAs: e);
            return;
        }
        catch (ProviderException e)
        {
            await FailAsync(step, e.Code.ToString(), e.Message, logAs: e);
            return;
        }

        switch (submission)
        {
            case ProviderSubmission.Accepted accepted:
                // Saved before anything else: from here a restart polls this id and never submits again.
                t.ProviderTaskId = accepted.ProviderTaskId;
                t.AcceptedCostAmount = accepted.ReportedCost?.Amount;
                t.AcceptedCostUnit = accepted.ReportedCost?.Unit;
                t.State = CutoutTaskState.Processing;
                t.PollCount = 0;
                t.ErrorCode = null;
                t.ErrorMessage = null;
                await SaveAndReleaseAsync(step, d.Polling.DelayBefore(0));
                break;
            case ProviderSubmission.Completed completed:
                await CompleteAsync(step, completed.Result);
                break;
        }
    }

    private async Task PollAsync(Step step)
    {
        var t = step.Task;
        var d = step.Descriptor;
        var now = _time.GetUtcNow();
        var submittedAt = TaskRecords.Utc(t.SubmittedUtc ?? t.CreatedUtc);
        if (d.Polling.IsPastDeadline(submittedAt, now))
        {
            await FailAsync(step, nameof(ProviderErrorCode.Timeout),
                $"{d.DisplayName} did not finish within {Describe(d.Polling.Deadline)}, so the task was stopped. You can retry it.");
            return;
        }

        _signal.TakePollRequest(t.Id); // this poll is the confirmation a callback asked for

        ProviderPoll poll;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(step.Canceled, _stopping);
        try
        {
            using var pace = await PaceAsync(d, cts.Token);
            poll = await step.Provider.PollAsync(t.ProviderTaskId!, cts.Token);
        }
        catch (OperationCanceledException) when (step.Canceled.IsCancellationRequested)
        {
            await CancelAsync(step);
            return;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await ReleaseAsync(t.Id, TimeSpan.Zero);
            return;
        }
        catch (ProviderException e) when (e.IsTransient)
        {
            await TransientAsync(step, e);
            return;
        }
        catch (ProviderException e)
        {
            await FailAsync(step, e.Code.ToString(), e.Message, logAs: e);
            return;
        }

        switch (poll)
        {
            case ProviderPoll.Progress progress:
            {
                var changed = t.State != CutoutTaskState.Processing || t.Progress != progress.Percent;
                t.State = CutoutTaskState.Processing;
                t.Progress = progress.Percent is { } p ? Math.Clamp(p, 0, 100) : null;
                t.PollCount++;
                // A callback that arrived while this poll was in flight gets its own confirming poll at once.
                var next = _signal.TakePollRequest(t.Id) ? TimeSpan.Zero : NextPollDelay(t, d);
                await SaveAndReleaseAsync(step, next, notify: changed);
                break;
            }
            case ProviderPoll.Done done:
                await CompleteAsync(step, done);
                break;
            case ProviderPoll.Failed failed:
                _logger.LogInformation("Task {TaskId}: {Provider} reported failure {Code} ({Detail})", t.Id, d.Id, failed.Code, failed.ProviderDetail);
                await FailAsync(step, failed.Code.ToString(), failed.UserMessage);
                break;
        }
    }

    private async Task TransientAsync(Step step, ProviderException e)
    {
        var t = step.Task;
        t.PollCount++; // grows the back-off; the provider's deadline ends a task that never recovers
        _logger.LogInformation("Task {TaskId}: transient {Code} from {Provider}; trying again", t.Id, e.Code, step.Descriptor.Id);
        var delay = e.RetryAfter is { } ra && ra > NextPollDelay(t, step.Descriptor) ? ra : NextPollDelay(t, step.Descriptor);
        await SaveAndReleaseAsync(step, delay, notify: false);
    }

    private async Task CompleteAsync(Step step, ProviderPoll.Done done)
    {
        var t = step.Task;
        var d = step.Descriptor;
        t.State = CutoutTaskState.Downloading;
        if (!await SaveAsync(step)) return;

        var source = await step.Db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == t.SourceAssetId);
        var sourceName = source?.FileName ?? "image";
        var assets = new List<AssetRecord>(done.Results.Count);
        var written = new List<string>(done.Results.Count);
        var now = _time.GetUtcNow();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(step.Canceled, _stopping);
        string? storageFailure = null;
        try
        {
            var ordered = done.Results.OrderBy(r => r.Role).ThenBy(r => r.Index).ToList();
            var imageCount = ordered.Count(r => r.Role == ResultRole.Image);
            var maskCount = ordered.Count - imageCount;
            var seen = new Dictionary<ResultRole, int>();
            foreach (var reference in ordered)
            {
                var content = await step.Provider.FetchAsync(reference, cts.Token);
                if (content.Bytes.Length == 0)
                    throw new ProviderException(ProviderErrorCode.ProviderFailed, $"{d.DisplayName} returned an empty result.", isTransient: false);
                var contentType = ImageFormats.Sniff(content.Bytes) ?? content.ContentType;
                var role = reference.Role == ResultRole.Mask ? TaskAssetRole.Mask : TaskAssetRole.Result;
                var index = seen.GetValueOrDefault(reference.Role);
                seen[reference.Role] = index + 1;
                var (width, height) = Dimensions(content.Bytes);
                var asset = new AssetRecord
                {
                    Id = Guid.CreateVersion7(now),
                    OwnerId = t.OwnerId,
                    TaskId = t.Id,
                    Role = role,
                    Index = index,
                    ContentType = contentType,
                    FileName = ImageFormats.ResultFileName(sourceName, role, index, role == TaskAssetRole.Mask ? maskCount : imageCount, contentType),
                    Width = width,
                    Height = height,
                    Bytes = content.Bytes.Length,
                    Sha256 = "",
                    StorageKey = "",
                    CreatedUtc = now.UtcDateTime,
                };
                var file = await _store.SaveAsync(asset.Id, content.Bytes, ImageFormats.ExtensionOf(contentType), CancellationToken.None);
                written.Add(file.Key);
                asset.StorageKey = file.Key;
                asset.Sha256 = file.Sha256;
                assets.Add(asset);
            }
        }
        catch (OperationCanceledException) when (step.Canceled.IsCancellationRequested)
        {
            Discard(written);
            await CancelAsync(step);
            return;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Discard(written);
            await ReleaseAsync(t.Id, TimeSpan.Zero); // stays Downloading; the next start fetches again
            return;
        }
        catch (ProviderException e) when (e.IsTransient && t.ProviderTaskId is not null)
        {
            Discard(written);
            await TransientAsync(step, e); // the next poll lists the results again
            return;
        }
        catch (ProviderException e)
        {
            Discard(written);
            await FailAsync(step, e.Code.ToString(), e.Message, logAs: e, cost: CostOf(done, t, d));
            return;
        }
        catch (AssetStorageException e)
        {
            Discard(written);
            assets.Clear();
            storageFailure = e.Message;
        }

        var cost = CostOf(done, t, d);
        if (storageFailure is not null)
        {
            // The provider did the work (and may have charged): the cost is recorded, the failure reported.
            await FailAsync(step, "StorageFailed", storageFailure, cost: cost);
            return;
        }
        if (assets.Count == 0)
        {
            await FailAsync(step, nameof(ProviderErrorCode.ProviderFailed), $"{d.DisplayName} finished without returning an image.", cost: cost);
            return;
        }

        var completed = _time.GetUtcNow();
        step.Db.Assets.AddRange(assets);
        t.State = CutoutTaskState.Succeeded;
        t.Progress = 100;
        t.ErrorCode = null;
        t.ErrorMessage = null;
        // A success can be short of what was asked (a partial batch): the provider's note stays with the task.
        t.Note = done.Note;
        t.CompletedUtc = completed.UtcDateTime;
        t.ProcessingMs = (long)(completed - TaskRecords.Utc(t.SubmittedUtc ?? t.CreatedUtc)).TotalMilliseconds;
        RecordCost(step, cost, completed);
        if (!await SaveAsync(step, release: true))
            Discard(written);
    }

    private static (ProviderCost Cost, bool Estimated) CostOf(ProviderPoll.Done done, TaskRecord t, ProviderDescriptor d) =>
        done.ReportedCost is { } reported ? (reported, false) : CostWithoutFinalReport(t, d);

    /// <summary>What the provider said at acceptance, else the price table's estimate.</summary>
    private static (ProviderCost Cost, bool Estimated) CostWithoutFinalReport(TaskRecord t, ProviderDescriptor d)
    {
        if (t.AcceptedCostAmount is { } amount) return (new ProviderCost(amount, t.AcceptedCostUnit ?? d.Prices.Unit), false);
        var batch = t.Operation == ProviderOperation.GenerateBackground ? TaskRecords.DeserializeOptions(t.OptionsJson).BatchSize : 1;
        return (d.Prices.Estimate(t.Operation, batch), true);
    }

    private static void RecordCost(Step step, (ProviderCost Cost, bool Estimated) cost, DateTimeOffset at)
    {
        var t = step.Task;
        t.CostAmount = cost.Cost.Amount;
        t.CostUnit = cost.Cost.Unit;
        t.CostEstimated = cost.Estimated;
        step.Db.CostEntries.Add(new CostEntry
        {
            TaskId = t.Id,
            UserId = t.OwnerId,
            ProviderId = t.ProviderId,
            Operation = t.Operation,
            Amount = cost.Cost.Amount,
            Unit = cost.Cost.Unit,
            Estimated = cost.Estimated,
            Day = DateOnly.FromDateTime(at.UtcDateTime),
            RecordedUtc = at.UtcDateTime,
        });
    }

    private async Task FailAsync(Step step, string code, string message, ProviderException? logAs = null, (ProviderCost Cost, bool Estimated)? cost = null)
    {
        var t = step.Task;
        if (logAs is not null)
            _logger.LogWarning("Task {TaskId}: {Provider} failed: {Error}", t.Id, step.Descriptor.Id, logAs.ToString());
        else
            _logger.LogInformation("Task {TaskId}: failed with {Code}: {Message}", t.Id, code, message);
        var now = _time.GetUtcNow();
        t.State = CutoutTaskState.Failed;
        t.ErrorCode = code;
        t.ErrorMessage = message;
        t.CompletedUtc = now.UtcDateTime;
        if (t.SubmittedUtc is { } submitted) t.ProcessingMs = (long)(now.UtcDateTime - submitted).TotalMilliseconds;
        if (cost is { } c) RecordCost(step, c, now);
        await SaveAsync(step, release: true);
    }

    /// <summary>
    /// A task whose provider was removed from configuration can never be claimed; rather than leave it queued for ever,
    /// it fails with a reason the owner can act on (retry picks a provider again). One transaction and one notification each.
    /// </summary>
    private async Task FailTasksOfRemovedProvidersAsync(CancellationToken ct)
    {
        var known = _registry.All.Select(p => p.Descriptor.Id).ToList();
        CutoutTaskState[] active = [CutoutTaskState.Queued, CutoutTaskState.Submitting, CutoutTaskState.Processing, CutoutTaskState.Downloading];
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var now = _time.GetUtcNow();
        var nowMs = NowMs();
        var orphans = await db.Tasks
            .Where(t => active.Contains(t.State) && !known.Contains(t.ProviderId)
                        && (t.LeaseUntilMs == null || t.LeaseUntilMs < nowMs))
            .ToListAsync(ct);
        foreach (var t in orphans)
        {
            t.State = CutoutTaskState.Failed;
            t.ErrorCode = nameof(ProviderErrorCode.UnknownProvider);
            t.ErrorMessage = t.ProviderTaskId is null
                ? $"The provider \"{t.ProviderId}\" is no longer configured on this server; retry with another provider."
                : $"The provider \"{t.ProviderId}\" was removed while it processed this task, so its result can no longer be collected; retry with another provider.";
            t.CompletedUtc = now.UtcDateTime;
            using (await _writeGate.EnterAsync(ct))
                await db.SaveChangesAsync(ct);
            _logger.LogWarning("Task {TaskId}: failed because its provider {Provider} is no longer configured", t.Id, t.ProviderId);
            _notifier.Publish(new TaskChanged(t.Id, t.OwnerId, t.State, t.Progress, t.ErrorMessage, now));
        }
    }

    private async Task CancelAsync(Step step)
    {
        var t = step.Task;
        var now = _time.GetUtcNow();
        t.State = CutoutTaskState.Canceled;
        t.ErrorCode = null;
        t.ErrorMessage = TaskService.CanceledMessage;
        t.CompletedUtc = now.UtcDateTime;
        // None of the services can call off a job it has accepted (no document has a cancel call): it runs to the end
        // at the provider and is charged, so the ledger records that charge even though we stopped waiting for it.
        if (t.ProviderTaskId is not null) RecordCost(step, CostWithoutFinalReport(t, step.Descriptor), now);
        await SaveAsync(step, release: true);
    }

    private Task<bool> SaveAndReleaseAsync(Step step, TimeSpan delay, bool notify = true)
    {
        var t = step.Task;
        var next = NowMs() + (long)Math.Max(0, delay.TotalMilliseconds);
        t.DueAtMs = next;
        return SaveAsync(step, release: true, notify: notify);
    }

    /// <summary>
    /// One transaction (guarded by our lease: a row someone else now holds, or that was deleted, is left alone),
    /// then one notification. False when the task is no longer ours.
    /// </summary>
    private async Task<bool> SaveAsync(Step step, bool release = false, bool notify = true)
    {
        var t = step.Task;
        if (release)
        {
            t.LeaseOwner = null;
            t.LeaseUntilMs = null;
        }
        try
        {
            using var write = await _writeGate.EnterAsync();
            await step.Db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            _logger.LogInformation("Task {TaskId}: deleted or taken over by another worker; this step's work is discarded", t.Id);
            return false;
        }
        catch (DbUpdateException e) when (e.InnerException is SqliteException { SqliteErrorCode: 19 })
        {
            // The cost ledger's UNIQUE(TaskId): another worker already completed this task.
            _logger.LogWarning("Task {TaskId}: already completed elsewhere; this result is discarded", t.Id);
            return false;
        }
        if (notify)
            _notifier.Publish(new TaskChanged(t.Id, t.OwnerId, t.State, t.Progress, t.State is CutoutTaskState.Failed or CutoutTaskState.Canceled ? t.ErrorMessage : null, _time.GetUtcNow(), t.Note));
        return true;
    }

    // ---- helpers ----

    private async Task<ProviderJob> BuildJobAsync(Step step)
    {
        var t = step.Task;
        var d = step.Descriptor;
        var options = TaskRecords.DeserializeOptions(t.OptionsJson);
        var source = await LoadImageAsync(step, t.SourceAssetId, "original image");
        JobImage? background = t.BackgroundAssetId is { } bgId ? await LoadImageAsync(step, bgId, "background image") : null;
        return new ProviderJob(t.Id.ToString("D"), t.Operation, options with { BackgroundImage = background }, source, CallbackUrlFor(t.Id, d));
    }

    /// <summary>
    /// The task's callback URL when the provider takes one and a public base URL is configured; left out (polling
    /// alone finishes the task) when the URL guard would refuse it, e.g. plain http or a private address.
    /// </summary>
    private Uri? CallbackUrlFor(Guid taskId, ProviderDescriptor d)
    {
        if (!d.Options.Callback || _callbacks.For(taskId) is not { } url) return null;
        try
        {
            _guard.EnsureAllowed(url);
            return url;
        }
        catch (UrlRefusedException e)
        {
            _logger.LogDebug("Task {TaskId}: no callback URL for {Provider}: {Reason}", taskId, d.Id, e.Message);
            return null;
        }
    }

    private async Task<JobImage> LoadImageAsync(Step step, Guid assetId, string what)
    {
        var d = step.Descriptor;
        var asset = await step.Db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId)
            ?? throw new TaskRejectedException("SourceMissing", $"The {what} is no longer stored; upload it again.");
        Uri? url = null;
        if (d.Inputs.HasFlag(ProviderInputs.Url) && _signer.CanSign) url = _signer.Sign(asset.Id);
        if (d.NeedsPublicUrlForUploads)
        {
            if (url is null)
                throw new TaskRejectedException(nameof(ProviderErrorCode.InputNotAccepted),
                    $"{d.DisplayName} only fetches images from a URL and no public base URL is configured (BlazorCutout:PublicBaseUrl).");
            return JobImage.FromUrl(url);
        }
        var bytes = await _store.ReadAllAsync(asset.StorageKey)
            ?? throw new TaskRejectedException("SourceMissing", $"The {what} is missing from storage; upload it again.");
        return JobImage.FromBytes(bytes, asset.FileName, asset.ContentType, url);
    }

    private (int Width, int Height) Dimensions(byte[] bytes)
    {
        try
        {
            var probe = _engine.Probe(bytes);
            return (probe.Width, probe.Height);
        }
        catch (CutoutException)
        {
            return (0, 0); // larger than the engine's input limits, or a format it does not read: still a valid result
        }
    }

    /// <summary>Paces steps by the provider's current rate (an administrator may change it while the app runs).</summary>
    private async ValueTask<IDisposable?> PaceAsync(ProviderDescriptor d, CancellationToken ct)
    {
        ProviderRateLimiter? limiter;
        lock (_limiters)
        {
            _limiters.TryGetValue(d.Id, out limiter);
            if (limiter is not null && limiter.Rate != d.Rate)
            {
                _retiredLimiters.Add(limiter); // steps holding its slots release them into it
                limiter = null;
            }
            if (limiter is null && d.Rate.RequestsPerSecond is > 0)
                _limiters[d.Id] = limiter = new ProviderRateLimiter(d.Id, d.Rate);
            else if (limiter is null)
                _limiters.Remove(d.Id);
        }
        return limiter is null ? null : await limiter.AcquireAsync(ct);
    }

    /// <summary>Failures that happen before a request reaches the provider: it cannot have accepted (or charged) the job.</summary>
    private static bool CertainlyNotAccepted(ProviderException e) =>
        e.Code is ProviderErrorCode.RateLimited or ProviderErrorCode.CircuitOpen or ProviderErrorCode.Busy
        || (e.Code == ProviderErrorCode.NetworkError && e.InnerException is HttpRequestException
            { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError });

    private TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var backoff = TimeSpan.FromMilliseconds(Math.Min(_options.MaxRetryDelay.TotalMilliseconds,
            _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1))));
        return retryAfter is { } ra && ra > backoff ? ra : backoff;
    }

    /// <summary>The provider's cadence, but never past the deadline (so a timeout is noticed when it happens).</summary>
    private TimeSpan NextPollDelay(TaskRecord t, ProviderDescriptor d)
    {
        var delay = d.Polling.DelayBefore(t.PollCount);
        if (d.Polling.Deadline > TimeSpan.Zero)
        {
            var deadline = TaskRecords.Utc(t.SubmittedUtc ?? t.CreatedUtc) + d.Polling.Deadline;
            var left = deadline - _time.GetUtcNow();
            if (left < delay) delay = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
        return delay;
    }

    private void Discard(List<string> keys)
    {
        foreach (var key in keys) _store.Delete(key);
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} minutes" : span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} seconds" : $"{span.TotalMilliseconds:0} ms";

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
