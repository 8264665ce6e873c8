using System.Net.Http;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// Runs one step of one claimed task (submit, one poll, or download and store the results; cancel or fail when it must)
/// and decides what happens next. Every state change is one SaveChanges (one transaction, guarded by the lease)
/// followed by one notification; the lease is given back with the time of the task's next step.
/// </summary>
internal sealed class TaskStepRunner
{
    private readonly IDbContextFactory<AppDbContext> _dbFactory;
    private readonly TaskLeases _leases;
    private readonly ProviderJobBuilder _jobs;
    private readonly TaskResultDownloader _results;
    private readonly TaskNotifier _notifier;
    private readonly TaskSignal _signal;
    private readonly TimeProvider _time;
    private readonly TaskOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteWriteGate _writeGate;

    public TaskStepRunner(
        IDbContextFactory<AppDbContext> dbFactory, TaskLeases leases, ProviderJobBuilder jobs, TaskResultDownloader results,
        TaskNotifier notifier, TaskSignal signal, TimeProvider time, TaskOptions options, ILogger logger, SqliteWriteGate writeGate)
    {
        _dbFactory = dbFactory;
        _leases = leases;
        _jobs = jobs;
        _results = results;
        _notifier = notifier;
        _signal = signal;
        _time = time;
        _options = options;
        _logger = logger;
        _writeGate = writeGate;
    }

    public async Task RunAsync(ICutoutProvider provider, Guid taskId, CancellationToken canceled, CancellationToken stopping)
    {
        var db = await _dbFactory.CreateDbContextAsync(CancellationToken.None);
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId && t.LeaseOwner == _leases.OwnerId);
        if (task is null) { await db.DisposeAsync(); return; } // deleted, or the lease was lost
        await using var step = new TaskStep(db, task, provider, canceled, stopping);

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
                    await FailAsync(step, SubmitOutcomeUnknown.Code, SubmitOutcomeUnknown.Message(provider.Descriptor.DisplayName,
                        $"The server stopped while this task was being sent to {provider.Descriptor.DisplayName}"));
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
                await _leases.ReleaseAsync(taskId, TimeSpan.Zero);
                break;
        }
    }

    private async Task SubmitAsync(TaskStep step)
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
            job = await _jobs.BuildAsync(step);
        }
        catch (TaskRejectedException e)
        {
            await FailAsync(step, e.Code, e.Message);
            return;
        }

        ProviderSubmission submission;
        var progress = d.IsSynchronous ? new SubmitProgress(percent => SaveProgressAsync(step, percent)) : null;
        try
        {
            // Not the stopping token: a submission in flight is allowed to finish so its answer is saved.
            try
            {
                submission = await step.Provider.SubmitAsync(progress is null ? job : job with { Progress = progress }, step.Canceled);
            }
            finally
            {
                // Before the handlers below use the step's context: the pump may be saving through it.
                if (progress is not null)
                    await progress.DisposeAsync();
            }
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
            await FailAsync(step, SubmitOutcomeUnknown.Code, SubmitOutcomeUnknown.Message(d.DisplayName, e.Message), logAs: e);
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

    /// <summary>
    /// The in-process engine's progress while it runs inside Submit: the task stays Submitting (a restart then runs it
    /// again, as it should: nothing was charged and there is no provider task to poll), only its percentage moves.
    /// </summary>
    private async Task<bool> SaveProgressAsync(TaskStep step, int percent)
    {
        step.Task.Progress = percent;
        try
        {
            return await SaveAsync(step);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bar that stops moving is no reason to fail the cut-out itself.
            _logger.LogWarning(e, "Task {TaskId}: saving its progress failed", step.Task.Id);
            return false;
        }
    }

    private async Task PollAsync(TaskStep step)
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
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(step.Canceled, step.Stopping);
        try
        {
            poll = await step.Provider.PollAsync(t.ProviderTaskId!, cts.Token);
        }
        catch (OperationCanceledException) when (step.Canceled.IsCancellationRequested)
        {
            await CancelAsync(step);
            return;
        }
        catch (OperationCanceledException) when (step.Stopping.IsCancellationRequested)
        {
            await _leases.ReleaseAsync(t.Id, TimeSpan.Zero);
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

    private async Task TransientAsync(TaskStep step, ProviderException e)
    {
        var t = step.Task;
        t.PollCount++; // grows the back-off; the provider's deadline ends a task that never recovers
        _logger.LogInformation("Task {TaskId}: transient {Code} from {Provider}; trying again", t.Id, e.Code, step.Descriptor.Id);
        var delay = e.RetryAfter is { } ra && ra > NextPollDelay(t, step.Descriptor) ? ra : NextPollDelay(t, step.Descriptor);
        await SaveAndReleaseAsync(step, delay, notify: false);
    }

    private async Task CompleteAsync(TaskStep step, ProviderPoll.Done done)
    {
        var t = step.Task;
        var d = step.Descriptor;
        t.State = CutoutTaskState.Downloading;
        if (!await SaveAsync(step)) return;

        var assets = new List<AssetRecord>(done.Results.Count);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(step.Canceled, step.Stopping);
        string? storageFailure = null;
        try
        {
            await _results.DownloadAsync(step, done, assets, cts.Token);
        }
        catch (OperationCanceledException) when (step.Canceled.IsCancellationRequested)
        {
            _results.Discard(assets);
            await CancelAsync(step);
            return;
        }
        catch (OperationCanceledException) when (step.Stopping.IsCancellationRequested)
        {
            _results.Discard(assets);
            await _leases.ReleaseAsync(t.Id, TimeSpan.Zero); // stays Downloading; the next start fetches again
            return;
        }
        catch (ProviderException e) when (e.IsTransient && t.ProviderTaskId is not null)
        {
            _results.Discard(assets);
            await TransientAsync(step, e); // the next poll lists the results again
            return;
        }
        catch (ProviderException e)
        {
            _results.Discard(assets);
            await FailAsync(step, e.Code.ToString(), e.Message, logAs: e, cost: TaskCosts.Of(done, t, d));
            return;
        }
        catch (AssetStorageException e)
        {
            _results.Discard(assets);
            assets.Clear();
            storageFailure = e.Message;
        }

        var cost = TaskCosts.Of(done, t, d);
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
        // A success can be short of what was asked (a partial batch, a mask that did not come back): say so with the task.
        t.Note = TaskNotes.ForSuccess(t, d.DisplayName, done.Note, assets);
        t.CompletedUtc = completed.UtcDateTime;
        t.ProcessingMs = (long)(completed - TaskRecords.Utc(t.SubmittedUtc ?? t.CreatedUtc)).TotalMilliseconds;
        TaskCosts.Record(step.Db, t, cost, completed);
        if (!await SaveAsync(step, release: true))
            _results.Discard(assets);
    }

    private async Task FailAsync(TaskStep step, string code, string message, ProviderException? logAs = null, TaskCost? cost = null)
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
        if (cost is { } c) TaskCosts.Record(step.Db, t, c, now);
        await SaveAsync(step, release: true);
    }

    private async Task CancelAsync(TaskStep step)
    {
        var t = step.Task;
        var now = _time.GetUtcNow();
        t.State = CutoutTaskState.Canceled;
        t.ErrorCode = null;
        t.ErrorMessage = TaskService.CanceledMessage;
        t.CompletedUtc = now.UtcDateTime;
        // None of the services can call off a job it has accepted (no document has a cancel call): it runs to the end
        // at the provider and is charged, so the ledger records that charge even though we stopped waiting for it.
        if (t.ProviderTaskId is not null) TaskCosts.Record(step.Db, t, TaskCosts.WithoutFinalReport(t, step.Descriptor), now);
        await SaveAsync(step, release: true);
    }

    private Task<bool> SaveAndReleaseAsync(TaskStep step, TimeSpan delay, bool notify = true)
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
    private async Task<bool> SaveAsync(TaskStep step, bool release = false, bool notify = true)
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

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} minutes" : span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} seconds" : $"{span.TotalMilliseconds:0} ms";}
