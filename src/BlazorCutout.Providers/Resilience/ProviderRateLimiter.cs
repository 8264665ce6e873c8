using System.Threading.RateLimiting;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// The request budget towards one provider: a concurrency cap and a requests-per-second pace (token bucket, no burst
/// beyond one second's worth). Waiters queue in order; the caller's token (the pipeline's total timeout) bounds the wait.
/// Used by <see cref="ResilienceHandler"/> for every HTTP attempt, and available to the worker for non-HTTP providers.
/// </summary>
public sealed class ProviderRateLimiter : IAsyncDisposable, IDisposable
{
    // Generous: the queue is bounded by the worker's own concurrency, this only stops runaway callers.
    private const int QueueLimit = 1000;

    private readonly ConcurrencyLimiter _concurrency;
    private readonly TokenBucketRateLimiter? _pace;

    public ProviderRateLimiter(string providerId, ProviderRate rate)
    {
        ProviderId = providerId;
        Rate = rate;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, rate.Concurrency),
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        if (rate.RequestsPerSecond is { } rps and > 0)
        {
            // 2/s → 2 tokens every second; 0.5/s → 1 token every 2 s.
            var tokensPerPeriod = rps >= 1 ? (int)Math.Floor(rps) : 1;
            var period = rps >= 1 ? TimeSpan.FromSeconds(tokensPerPeriod / rps) : TimeSpan.FromSeconds(1 / rps);
            _pace = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = tokensPerPeriod,
                TokensPerPeriod = tokensPerPeriod,
                ReplenishmentPeriod = period,
                QueueLimit = QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    public string ProviderId { get; }

    /// <summary>The budget this limiter enforces.</summary>
    public ProviderRate Rate { get; }

    /// <summary>Requests waiting for a slot or a token right now (for the admin view and for tests).</summary>
    public long QueuedCount => (_concurrency.GetStatistics()?.CurrentQueuedCount ?? 0) + (_pace?.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>
    /// Waits for a concurrency slot, then for a token. Slot first: a token taken while still waiting for a slot
    /// would be spent idle and the eventual send would exceed the pace.
    /// </summary>
    public async ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var slot = await _concurrency.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            throw Refused();
        }
        if (_pace is not null)
        {
            try
            {
                using var token = await _pace.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                if (!token.IsAcquired) throw Refused();
            }
            catch
            {
                slot.Dispose();
                throw;
            }
        }
        return slot;
    }

    private ProviderException Refused() => new(ProviderErrorCode.RateLimited,
        "Too many requests are waiting for this provider; the task will be retried.", isTransient: true, providerDetail: $"local-queue:{ProviderId}");

    public void Dispose()
    {
        _concurrency.Dispose();
        _pace?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _concurrency.DisposeAsync().ConfigureAwait(false);
        if (_pace is not null) await _pace.DisposeAsync().ConfigureAwait(false);
    }
}
