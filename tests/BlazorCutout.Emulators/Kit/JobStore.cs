using System.Collections.Concurrent;

namespace BlazorCutout.Emulators.Kit;

/// <summary>One visible step of a job's walk: the service's own state name ("0", "4", "CONVERTING") and a progress 0..100.</summary>
public sealed record WalkStep(string State, int Progress);

/// <summary>
/// How an accepted job progresses before it shows its outcome. Poll-driven by default: poll k (1-based) shows
/// step (k-1)/<see cref="PollsPerStep"/>, and the poll after the last step shows the outcome (if the work finished; until
/// then the last step repeats). With <see cref="StepDuration"/> the walk goes by time instead (step = elapsed / duration).
/// </summary>
public sealed record JobWalk(IReadOnlyList<WalkStep> Steps, int PollsPerStep = 1, TimeSpan? StepDuration = null)
{
    /// <summary>Finishes on the first poll (no intermediate states).</summary>
    public static JobWalk Immediate { get; } = new([]);

    /// <summary>Builds a walk from "state:progress" pairs, e.g. Of("0:0", "2:10", "4:20", "4:60", "4:90").</summary>
    public static JobWalk Of(params string[] steps) => new(steps.Select(s =>
    {
        var i = s.LastIndexOf(':');
        return new WalkStep(s[..i], int.Parse(s[(i + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }).ToList());

    public bool ByTime => StepDuration is { } d && d > TimeSpan.Zero;
    public TimeSpan TotalDuration => ByTime ? StepDuration!.Value * Steps.Count : TimeSpan.Zero;
}

/// <summary>An accepted job: the work started at creation; <see cref="Finished"/> completes when the outcome is visible by time (callbacks wait on it).</summary>
public sealed class EmulatedJob<TOutcome> where TOutcome : class
{
    internal int PollCount;

    internal EmulatedJob(string id, JobWalk walk, DateTimeOffset createdAt, Task<TOutcome> work, object? tag)
    {
        Id = id;
        Walk = walk;
        CreatedAt = createdAt;
        Work = work;
        Tag = tag;
    }

    public string Id { get; }
    public JobWalk Walk { get; }
    public DateTimeOffset CreatedAt { get; }
    /// <summary>When the job first showed its outcome (to a poll, or when <see cref="Finished"/> completed).</summary>
    public DateTimeOffset? CompletedAt { get; internal set; }
    /// <summary>The emulator's own data about the request (options, callback URL, batch size, …).</summary>
    public object? Tag { get; }
    public Task<TOutcome> Work { get; }
    /// <summary>The work's result once the time walk (if any) has elapsed: what a callback reports.</summary>
    public Task<TOutcome> Finished { get; internal set; } = null!;
    public int Polls => Volatile.Read(ref PollCount);
}

/// <summary>What one poll sees: a walk step, or the outcome (the work's result, or the exception it threw).</summary>
public sealed record JobView<TOutcome>(EmulatedJob<TOutcome> Job, WalkStep? Step, TOutcome? Outcome, Exception? Error) where TOutcome : class
{
    public bool IsDone => Step is null;
}

/// <summary>
/// Asynchronous jobs with a configurable state walk. The emulator supplies the work (usually: run the engine, store the
/// result files, or return a failure outcome a trigger asked for) and maps views to its wire format. Jobs older than
/// <see cref="Retention"/> are forgotten (polls then get the service's "not found").
/// </summary>
public sealed class JobStore<TOutcome>(JobWalk walk, TimeProvider time, TimeSpan retention) where TOutcome : class
{
    private readonly ConcurrentDictionary<string, EmulatedJob<TOutcome>> _jobs = new(StringComparer.Ordinal);

    public JobWalk Walk { get; } = walk;
    public TimeSpan Retention { get; set; } = retention;
    public int Count => _jobs.Count;

    /// <param name="walk">Overrides the store's walk for this job (e.g. sync requests use <see cref="JobWalk.Immediate"/>).</param>
    public EmulatedJob<TOutcome> Create(Func<CancellationToken, Task<TOutcome>> work, JobWalk? walk = null, object? tag = null, string? id = null)
    {
        var w = walk ?? Walk;
        var job = new EmulatedJob<TOutcome>(id ?? Guid.NewGuid().ToString(), w, time.GetUtcNow(), Task.Run(() => work(CancellationToken.None)), tag);
        job.Finished = FinishAsync(job);
        _jobs[job.Id] = job;
        return job;
    }

    private async Task<TOutcome> FinishAsync(EmulatedJob<TOutcome> job)
    {
        var outcome = await job.Work.ConfigureAwait(false);
        if (job.Walk.ByTime)
        {
            var left = job.Walk.TotalDuration - (time.GetUtcNow() - job.CreatedAt);
            if (left > TimeSpan.Zero) await Task.Delay(left, time).ConfigureAwait(false);
        }
        job.CompletedAt ??= time.GetUtcNow();
        return outcome;
    }

    public bool TryGet(string id, out EmulatedJob<TOutcome> job)
    {
        if (_jobs.TryGetValue(id, out job!))
        {
            if (time.GetUtcNow() - job.CreatedAt <= Retention) return true;
            _jobs.TryRemove(id, out _);
        }
        return false;
    }

    /// <summary>Counts a poll and returns what it sees; null when the id is unknown or the job has expired.</summary>
    public JobView<TOutcome>? Poll(string id)
    {
        if (!TryGet(id, out var job)) return null;
        var polls = Interlocked.Increment(ref job.PollCount);
        var steps = job.Walk.Steps;
        int index;
        if (job.Walk.ByTime)
            index = (int)((time.GetUtcNow() - job.CreatedAt) / job.Walk.StepDuration!.Value);
        else
            index = (polls - 1) / Math.Max(1, job.Walk.PollsPerStep);

        if (index < steps.Count) return new JobView<TOutcome>(job, steps[index], null, null);
        if (!job.Work.IsCompleted)
            return new JobView<TOutcome>(job, steps.Count > 0 ? steps[^1] : new WalkStep("processing", 50), null, null);
        job.CompletedAt ??= time.GetUtcNow();
        return job.Work.IsCompletedSuccessfully
            ? new JobView<TOutcome>(job, null, job.Work.Result, null)
            : new JobView<TOutcome>(job, null, null, job.Work.Exception?.GetBaseException() ?? new TaskCanceledException());
    }
}
