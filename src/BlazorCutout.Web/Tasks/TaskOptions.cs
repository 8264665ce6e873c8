namespace BlazorCutout.Web.Tasks;

/// <summary><c>BlazorCutout:Tasks</c>: how the background worker schedules, leases and retries tasks.</summary>
public sealed class TaskOptions
{
    public const string Section = "BlazorCutout:Tasks";

    /// <summary>Run the background worker in this process (off for a web-only node).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How long a claimed task stays reserved for this worker without a heartbeat; a crashed worker's tasks are taken over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Heartbeat period that renews the leases of every task this worker holds (default: a third of the lease).</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Longest sleep between looks at the database when nothing woke the worker (other processes' submissions).</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Submissions of one task that ended in "not accepted, try again" before it is failed.</summary>
    public int MaxSubmitAttempts { get; set; } = 5;

    /// <summary>First back-off after a transient failure without Retry-After; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifetime of the signed public URLs under which URL-only providers fetch an upload.</summary>
    public TimeSpan PublicUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest side of grid thumbnails.</summary>
    public int ThumbnailSize { get; set; } = 320;

    internal TimeSpan Heartbeat => HeartbeatInterval ?? TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, LeaseDuration.Ticks / 3));
}
