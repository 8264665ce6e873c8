using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// The per-provider Polly pipeline: total timeout → retry (jittered exponential back-off, Retry-After honoured) →
/// circuit breaker, plus a separate per-attempt timeout applied inside the rate limiter by <see cref="ResilienceHandler"/>.
/// One instance per provider id, shared by all its HTTP clients so the breaker sees all traffic.
/// </summary>
public sealed class ProviderResiliencePipeline
{
    /// <summary>Whether the request in flight may be repeated after it possibly reached the server.</summary>
    internal static readonly ResiliencePropertyKey<bool> RetrySafeKey = new("BlazorCutout.RetrySafe");
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("BlazorCutout.Request");

    public ProviderResiliencePipeline(string providerId, ProviderResilienceOptions options, ProviderRateLimiter limiter, ILogger logger, TimeProvider? time = null)
    {
        ProviderId = providerId;
        Options = options;
        Limiter = limiter;

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System }
            .AddTimeout(options.TotalTimeout);
        if (options.MaxRetryAttempts > 0) // Polly refuses 0; no retry strategy at all is the same thing
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxRetryAfter > options.BaseDelay ? options.MaxRetryAfter : options.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } r && RetryAfterHeader.Read(r, DateTimeOffset.UtcNow) is { } d ? d : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    logger.LogWarning("{Provider} retry {Attempt} of {Method} {Url} in {DelayMs:0} ms after {Reason}{RetryAfter}",
                        providerId, args.AttemptNumber + 1, request?.Method.Method, Redactor.RedactUrl(request?.RequestUri),
                        args.RetryDelay.TotalMilliseconds, Describe(args.Outcome),
                        args.Outcome.Result?.Headers.RetryAfter is null ? "" : " (Retry-After)");
                    args.Outcome.Result?.Dispose(); // release the connection before waiting
                    return ValueTask.CompletedTask;
                },
            });
        Outer = builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsOutage(args.Outcome)),
                OnOpened = args =>
                {
                    logger.LogError("{Provider} circuit opened for {BreakMs:0} ms after {Reason}", providerId, args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("{Provider} circuit closed", providerId);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        Attempt = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System }
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public string ProviderId { get; }
    public ProviderResilienceOptions Options { get; }
    public ProviderRateLimiter Limiter { get; }
    internal ResiliencePipeline<HttpResponseMessage> Outer { get; }
    internal ResiliencePipeline<HttpResponseMessage> Attempt { get; }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var retrySafe = context.Properties.GetValue(RetrySafeKey, false);
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
