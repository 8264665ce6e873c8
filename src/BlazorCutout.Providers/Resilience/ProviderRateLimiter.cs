using System.Threading.RateLimiting;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// The request budget towards one provider, and the only place provider calls are paced: a concurrency cap and a
/// requests-per-second pace that spaces sends evenly. Used by <see cref="ResilienceHandler"/> for every HTTP attempt
/// (retries and polls included); kept per provider by <see cref="ProviderRateLimiters"/>.
/// </summary>
/// <remarks>
/// Why evenly spaced and not a token bucket: the services count requests in any sliding second (PicWish 004: "QPS").
/// A bucket that refills N tokens at once lets N requests leave within milliseconds right after N others, so 2N land in
/// one sliding second and half of them get 429 (issue 8: 45 of 87 calls). Here each send is given its own moment, at
/// least <see cref="Spacing"/> after the one before, so no N+1 sends ever share a second.
/// </remarks>
public sealed class ProviderRateLimiter : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// How much wider than 1/rate the gap between two sends is: N+1 sends then span at least 1.1 s, so up to 100 ms of
    /// delay between our send and the service's count (connection set-up, an upload body, scheduling) cannot squeeze
    /// them into one second. The price is a tenth of the configured rate.
    /// </summary>
    public const double SpacingMargin = 0.1;

    // Generous: the queue is bounded by the worker's own concurrency, this only stops runaway callers.
    private const int QueueLimit = 1000;

    private readonly ConcurrencyLimiter _concurrency;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private DateTimeOffset _nextSend = DateTimeOffset.MinValue;
    // When the last permit was actually used: a waiter that woke late must not leave less than Spacing before the next.
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private long _pacing;

    public ProviderRateLimiter(string providerId, ProviderRate rate, TimeProvider? time = null)
    {
        ProviderId = providerId;
        Rate = rate;
        _time = time ?? TimeProvider.System;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, rate.Concurrency),
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        Spacing = rate.RequestsPerSecond is { } rps and > 0 ? TimeSpan.FromSeconds((1 + SpacingMargin) / rps) : TimeSpan.Zero;
    }

    public string ProviderId { get; }

    /// <summary>The budget this limiter enforces.</summary>
    public ProviderRate Rate { get; }

    /// <summary>The least time between two sends; zero when the provider has no rate limit.</summary>
    public TimeSpan Spacing { get; }

    /// <summary>Requests waiting for a slot or for their moment right now (for the admin view and for tests).</summary>
    public long QueuedCount => (_concurrency.GetStatistics()?.CurrentQueuedCount ?? 0) + Interlocked.Read(ref _pacing);

    /// <summary>
    /// Waits for a concurrency slot, then for this send's moment. Slot first: a moment taken while still waiting for a
    /// slot would pass idle and the eventual send would bunch up with the next one.
    /// </summary>
    public async ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var slot = await _concurrency.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            throw Refused();
        }
        if (Spacing <= TimeSpan.Zero)
            return slot;
        try
        {
            await WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
            return slot;
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    private async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _pacing) > QueueLimit)
        {
            Interlocked.Decrement(ref _pacing);
            throw Refused();
        }
        try
        {
            TimeSpan wait;
            lock (_lock)
            {
                // A cancelled waiter's moment is not given back: the gap it leaves only makes the pace slower, never faster.
                var now = _time.GetUtcNow();
                var at = _nextSend > now ? _nextSend : now;
                _nextSend = at + Spacing;
                wait = at - now;
            }
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            // The planned moments are Spacing apart, but a waiter woken late (a busy machine) followed by one woken on
            // time would send closer than that: the gap is checked against the previous actual send.
            while (true)
            {
                TimeSpan more;
                lock (_lock)
                {
                    var now = _time.GetUtcNow();
                    var earliest = _lastSent == DateTimeOffset.MinValue ? now : _lastSent + Spacing;
                    if (now >= earliest)
                    {
                        _lastSent = now;
                        if (_nextSend < now + Spacing) _nextSend = now + Spacing;
                        break;
                    }
                    more = earliest - now;
                }
                await Task.Delay(more, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pacing);
        }
    }

    private ProviderException Refused() => new(ProviderErrorCode.RateLimited,
        "Too many requests are waiting for this provider; the task will be retried.", isTransient: true, providerDetail: $"local-queue:{ProviderId}");

    public void Dispose() => _concurrency.Dispose();

    public ValueTask DisposeAsync() => _concurrency.DisposeAsync();
}
