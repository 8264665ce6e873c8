using Polly;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// Waits for the provider's <see cref="ProviderRateLimiter"/> before each attempt and holds the slot until the attempt
/// ends. Ours rather than Polly's rate-limiter strategy: the limiter is the provider's own budget (a concurrency cap and
/// a pace, one object per provider), and a refusal must leave as the transient <see cref="ProviderException"/> it throws.
/// </summary>
internal sealed class RateLimiterStrategy(ProviderRateLimiter limiter) : ResilienceStrategy
{
    internal sealed class StrategyOptions : ResilienceStrategyOptions
    {
        public StrategyOptions() => Name = "provider-rate-limiter";
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        IDisposable lease;
        try
        {
            lease = await limiter.AcquireAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            return Outcome.FromException<TResult>(e);
        }
        using (lease)
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }
}
