using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// One provider's resilience settings and the strategies <see cref="ProviderHttpClientFactory"/> gives to
/// Microsoft.Extensions.Http.Resilience (<c>AddResilienceHandler</c>) for them, outermost first:
/// total timeout → retry → circuit breaker → rate limiter → attempt timeout.
/// The limiter sits inside the retry so every attempt, retries included, is paced; and outside the attempt timeout so
/// time spent queueing is not mistaken for a slow server. The library runs the strategies and reads Retry-After; what
/// stays ours is which outcomes may be retried (a charging POST only when it certainly was not accepted,
/// docs/provider-http.md) and what counts against the breaker.
/// One instance per provider id and settings, shared by all its clients so the breaker and the budget see all traffic.
/// </summary>
public sealed class ProviderResiliencePipeline
{
    internal ProviderResiliencePipeline(string providerId, string key, ProviderResilienceOptions options, ProviderRateLimiter limiter, ILogger logger,
        ProviderHealth health)
    {
        Health = health;
        ProviderId = providerId;
        Key = key;
        Options = options;
        Limiter = limiter;
        _logger = logger;
    }

    private readonly ILogger _logger;

    public string ProviderId { get; }
    /// <summary>The pipeline instance's name in the library's registry (<c>picwish#3</c>): the provider id and a settings version.</summary>
    public string Key { get; }
    public ProviderResilienceOptions Options { get; }
    public ProviderRateLimiter Limiter { get; }
    /// <summary>The breaker's state and the last outage, for the admin page.</summary>
    public ProviderHealth Health { get; }

    /// <summary>Adds this provider's strategies to the library's pipeline builder.</summary>
    internal void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder)
    {
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = Options.TotalTimeout, Name = "total" });
        if (Options.MaxRetryAttempts > 0) // Polly refuses 0; no retry strategy at all is the same thing
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Options.BaseDelay,
                MaxDelay = Options.MaxRetryAfter > Options.BaseDelay ? Options.MaxRetryAfter : Options.BaseDelay,
                // The library waits what Retry-After says (both forms) instead of the back-off; ShouldRetry bounds it.
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    _logger.LogWarning("{Provider} retry {Attempt} of {Method} {Url} in {DelayMs:0} ms after {Reason}{RetryAfter}",
                        ProviderId, args.AttemptNumber + 1, request?.Method.Method, Redactor.RedactUrl(request?.RequestUri),
                        args.RetryDelay.TotalMilliseconds, Describe(args.Outcome),
                        args.Outcome.Result?.Headers.RetryAfter is null ? "" : " (Retry-After)");
                    return ValueTask.CompletedTask;
                },
            });
        builder
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = Options.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, Options.BreakerMinimumThroughput),
                SamplingDuration = Options.BreakerSamplingDuration,
                BreakDuration = Options.BreakDuration,
                ShouldHandle = args =>
                {
                    var outage = IsOutage(args.Outcome);
                    if (outage)
                        Health.RecordFailure(Describe(args.Outcome));
                    return ValueTask.FromResult(outage);
                },
                OnOpened = args =>
                {
                    _logger.LogError("{Provider} circuit opened for {BreakMs:0} ms after {Reason}", ProviderId, args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
                    Health.SetCircuit(CircuitState.Open);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    Health.SetCircuit(CircuitState.HalfOpen);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("{Provider} circuit closed", ProviderId);
                    Health.SetCircuit(CircuitState.Closed);
                    return ValueTask.CompletedTask;
                },
            })
            .AddStrategy(_ => new RateLimiterStrategy(Limiter), new RateLimiterStrategy.StrategyOptions())
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = Options.AttemptTimeout, Name = "attempt" });
    }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var retrySafe = context.GetRequestMessage() is { } request && ProviderRequest.IsRetrySafe(request);
        if (outcome.Result is { } response)
        {
            // A 429 means "not accepted": repeating even a charging POST cannot double the charge.
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                return RetryAfterHeader.Read(response, DateTimeOffset.UtcNow) is not { } wait || wait <= Options.MaxRetryAfter;
            return retrySafe && HttpErrorClassifier.IsTransient(response.StatusCode);
        }
        return outcome.Exception switch
        {
            HttpRequestException { InnerException: UrlRefusedException } => false,
            // Could not even connect: the request never reached the server, so it is safe for any method.
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            HttpRequestException => retrySafe,
            TimeoutRejectedException => retrySafe,
            _ => false, // BrokenCircuitException, ProviderException from the limiter, caller cancellation
        };
    }

    /// <summary>What counts against the breaker: signs the service is down, not that we asked wrongly or too often.</summary>
    private static bool IsOutage(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } r
        ? (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.RequestTimeout
        : outcome.Exception is TimeoutRejectedException or HttpRequestException { InnerException: not UrlRefusedException };

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : outcome.Exception?.GetType().Name ?? "unknown";
}
