namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// Retry, circuit-breaker and timeout settings for one provider (bound from <c>Providers:&lt;Id&gt;:Resilience</c>).
/// Defaults suit the seed APIs: a few quick retries, Retry-After honoured up to a minute, a breaker that opens when
/// half of at least five calls in 30 s failed with 5xx/timeouts/connection errors. A record: equal settings share one
/// pipeline (<see cref="ProviderHttpClientFactory.GetPipeline"/>), changed ones get a new one.
/// </summary>
public sealed record ProviderResilienceOptions
{
    /// <summary>Retries after the first attempt (0 disables retrying).</summary>
    public int MaxRetryAttempts { get; set; } = 3;
    /// <summary>First back-off delay; doubles per attempt with jitter, unless the server sent Retry-After.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// A Retry-After longer than this is not waited out in-process: the 429 goes back to the caller, which turns it into a
    /// transient <see cref="ProviderException"/> carrying <see cref="ProviderException.RetryAfter"/> so the worker reschedules.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Bounds one logical call: queueing for the rate limiter, every attempt and every back-off delay.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(120);

    public double BreakerFailureRatio { get; set; } = 0.5;
    /// <summary>At least 2 (a Polly rule).</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// These settings with an attempt timeout of at least <paramref name="minimum"/>; the total timeout grows by as much,
    /// so queueing and back-off keep the share they were given. The same instance when the attempt timeout is long enough.
    /// </summary>
    public ProviderResilienceOptions WithAttemptTimeoutAtLeast(TimeSpan minimum)
    {
        var raise = minimum - AttemptTimeout;
        if (raise <= TimeSpan.Zero) return this;
        var total = TotalTimeout + raise;
        return this with { AttemptTimeout = minimum, TotalTimeout = total > minimum ? total : minimum };
    }
}
