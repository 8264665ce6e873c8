using BlazorCutout.Engine;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tasks.Callbacks;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// The only writer of a task's state after it is queued. One loop claims due tasks per provider (as many as the
/// provider's concurrency leaves free) with a single atomic UPDATE … RETURNING that takes a lease; each claimed task
/// then runs one step (submit, one poll, download) on the thread pool and gives the lease back with the time of its
/// next step. A heartbeat renews the leases this worker holds; a crashed worker's leases run out and another worker
/// resumes its tasks from the stored state: a saved provider task id is polled, never resubmitted. The crashed
/// instance itself, started again on its data directory, has the same <see cref="WorkerIdentity"/> and takes its
/// leases back at once instead of waiting them out; leases under any other identity are still respected.
/// Every state change is one SaveChanges (one transaction, guarded by the lease) followed by one notification.
/// </summary>
/// <remarks>
/// This type is the loop (claims, heartbeat, hand-back on stop); <see cref="TaskStepRunner"/> runs the steps and
/// <see cref="TaskLeases"/> holds the lease statements.
/// </remarks>
public sealed class TaskWorker : BackgroundService
{
    private readonly IDbContextFactory<AppDbContext> _dbFactory;
    private readonly ProviderRegistry _registry;
    private readonly TaskNotifier _notifier;
    private readonly TaskSignal _signal;
    private readonly TimeProvider _time;
    private readonly TaskOptions _options;
    private readonly ILogger<TaskWorker> _logger;
    private readonly SqliteWriteGate _writeGate;
    private readonly TaskLeases _leases;
    private readonly TaskStepRunner _steps;
    private readonly WorkerIdentity _identity;
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Task> _items = [];
    private readonly object _gate = new();
    private CancellationToken _stopping;

    public TaskWorker(
        IDbContextFactory<AppDbContext> dbFactory, ProviderRegistry registry, IAssetStore store, AssetUrlSigner signer,
        ICutoutEngine engine, TaskNotifier notifier, TaskSignal signal, TimeProvider time, IOptions<TaskOptions> options,
        ILogger<TaskWorker> logger, SqliteWriteGate writeGate, CallbackUrls callbacks, UrlGuard guard, DataDirectory dataDirectory)
    {
        _writeGate = writeGate;
        _dbFactory = dbFactory;
        _registry = registry;
        _notifier = notifier;
        _signal = signal;
        _time = time;
        _options = options.Value;
        _logger = logger;
        // The parts share the worker's logger, so the worker's log category still covers everything it does.
        _identity = WorkerIdentity.Acquire(dataDirectory, logger);
        _leases = new TaskLeases(dbFactory, writeGate, time, _options, logger, _identity.Id);
        _steps = new TaskStepRunner(dbFactory, _leases, new ProviderJobBuilder(store, signer, callbacks, guard, logger),
            new TaskResultDownloader(store, engine, time), notifier, signal, time, _options, logger, writeGate);
    }

    /// <summary>This worker's lease owner id (for logs and tests).</summary>
    public string OwnerId => _leases.OwnerId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await Task.Yield();
        _logger.LogInformation("Task worker {Owner} started", OwnerId);
        await ReclaimLeftoversAsync(stoppingToken);
        var heartbeat = HeartbeatAsync(stoppingToken);
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
        await _leases.ReleaseAllAsync();
        _logger.LogInformation("Task worker {Owner} stopped", OwnerId);
    }

    public override void Dispose()
    {
        // Last: the identity's lock is what tells the next start that our leases are leftovers.
        _identity.Dispose();
        base.Dispose();
    }

    /// <summary>Before anything is claimed: takes back the leases our previous run held when it died (see <see cref="WorkerIdentity"/>).</summary>
    private async Task ReclaimLeftoversAsync(CancellationToken ct)
    {
        if (!_identity.IsDurable) return;
        try
        {
            var reclaimed = await _leases.ReclaimLeftoversAsync(ct);
            if (reclaimed > 0)
                _logger.LogInformation("Task worker {Owner}: took back {Count} leases left by its previous run", OwnerId, reclaimed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Task worker: could not take back its earlier leases; they are resumed when they lapse");
        }
    }

    // ---- scheduling ----

    /// <summary>Claims, for every provider, as many due tasks as its free concurrency allows, and starts a step for each.</summary>
    private async Task<bool> ClaimRoundAsync(CancellationToken ct)
    {
        var free = new List<(string ProviderId, int Free)>();
        lock (_gate)
        {
            foreach (var p in _registry.All)
            {
                var n = Math.Max(1, p.Descriptor.Rate.Concurrency) - _inFlight.GetValueOrDefault(p.Descriptor.Id);
                if (n > 0) free.Add((p.Descriptor.Id, n));
            }
        }
        if (free.Count == 0) return false;

        var claimed = await _leases.ClaimAsync(free, ct);
        foreach (var (id, providerId) in claimed)
        {
            if (_registry.TryGet(providerId, out var provider)) Start(provider, id);
        }
        return claimed.Count > 0;
    }

    /// <summary>Until the earliest due task that a free provider could take, capped by the idle poll.</summary>
    private async Task<TimeSpan> NextDelayAsync(CancellationToken ct)
    {
        if (await _leases.NextClaimableAtMsAsync(ct) is not { } next) return _options.IdlePoll;
        var delay = TimeSpan.FromMilliseconds(next - NowMs());
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
                    await _steps.RunAsync(provider, taskId, cts.Token, _stopping);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Task {TaskId}: unexpected error in the worker", taskId);
                    await _leases.ReleaseAsync(taskId, delay: _options.RetryDelay);
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
                await _leases.RenewAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                _logger.LogError(e, "Task worker: lease heartbeat failed");
            }
        }
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

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
