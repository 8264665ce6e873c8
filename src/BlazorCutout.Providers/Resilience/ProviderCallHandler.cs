using Polly.CircuitBreaker;
using Polly.Timeout;
using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// The outermost handler of one provider client: marks each request with its provider and pipeline (the library's
/// resilience handler picks the pipeline by that mark, the logging handler names the provider), and turns what the
/// pipeline throws into <see cref="ProviderException"/> (open circuit, timeout, network) so every client reports failures
/// alike. A URL-guard refusal leaves as the <see cref="UrlRefusedException"/> it is; HTTP error statuses are returned as
/// responses for the client's own body-level mapping.
/// </summary>
internal sealed class ProviderCallHandler(ProviderResiliencePipeline pipeline) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(ProviderRequest.ProviderId, pipeline.ProviderId);
        request.Options.Set(ProviderRequest.PipelineKey, pipeline.Key);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
    }
}
