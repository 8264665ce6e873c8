using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// Runs each request through the provider's <see cref="ProviderResiliencePipeline"/>:
/// total timeout → retry → breaker → [rate limiter: wait for a slot and a token] → attempt timeout → inner handler.
/// The limiter sits inside the retry so every attempt, retries included, is paced; and outside the attempt timeout so
/// time spent queueing is not mistaken for a slow server.
/// Failures leave as <see cref="ProviderException"/> (open circuit, timeout, network) so every client reports them alike;
/// HTTP error statuses are returned as responses for the client's own body-level mapping.
/// Request content must be buffered (ByteArrayContent, MultipartFormDataContent of byte parts) to be re-sendable.
/// </summary>
public sealed class ResilienceHandler(ProviderResiliencePipeline pipeline) : DelegatingHandler
{
    /// <summary>
    /// Set on a POST that is safe to repeat (HitPaw's <c>POST /api/task-status</c>). GET/HEAD/OPTIONS/PUT/DELETE are
    /// always considered safe; any other POST is retried only when the server certainly did not take it (429, no connection).
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> RetrySafe = new("BlazorCutout.RetrySafe");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ProviderResiliencePipeline.RetrySafeKey, IsRetrySafe(request));
        context.Properties.Set(ProviderResiliencePipeline.RequestKey, request);
        try
        {
            return await pipeline.Outer.ExecuteAsync(
                static (ctx, state) => state.self.SendAttemptAsync(state.request, ctx.CancellationToken),
                context, (self: this, request)).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new ProviderException(ProviderErrorCode.CircuitOpen,
                "The service is failing right now, so requests to it are paused for a while; the task will be retried.",
                isTransient: true, inner: e, retryAfter: e.RetryAfter ?? pipeline.Options.BreakDuration, providerDetail: $"circuit-open:{pipeline.ProviderId}");
        }
        catch (TimeoutRejectedException e)
        {
            throw new ProviderException(ProviderErrorCode.Timeout,
                "The service did not answer in time; the task will be retried.", isTransient: true, inner: e);
        }
        catch (HttpRequestException e) when (e.InnerException is UrlRefusedException refused)
        {
            throw refused;
        }
        catch (HttpRequestException e)
        {
            throw new ProviderException(ProviderErrorCode.NetworkError,
                $"Could not reach the service ({e.HttpRequestError}); the task will be retried.", isTransient: true, inner: e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await pipeline.Limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        return await pipeline.Attempt.ExecuteAsync(
            static (state, ct) => new ValueTask<HttpResponseMessage>(state.self.SendInnerAsync(state.request, ct)),
            (self: this, request), cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);

    private static bool IsRetrySafe(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
        || (request.Options.TryGetValue(RetrySafe, out var safe) && safe);
}
