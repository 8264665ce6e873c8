using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// Builds the HttpClient a remote provider client talks to its API with:
/// <c>ResilienceHandler → RedactingLoggingHandler → SocketsHttpHandler (URL guard connect callback)</c>.
/// The pipeline (breaker state, rate limiter) is kept per provider id, so however many clients are created for a provider
/// they share one budget and one breaker. A remote client should create its HttpClient once and keep it.
/// </summary>
public sealed class ProviderHttpClientFactory(SafeHttpHandlerFactory handlers, ILoggerFactory? loggers = null) : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, ProviderResiliencePipeline> _pipelines = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    private readonly ConcurrentBag<ProviderResiliencePipeline> _replaced = [];

    /// <summary>
    /// The pipeline for <paramref name="descriptor"/>'s id; created with the first caller's settings, and created anew
    /// when the descriptor's <see cref="ProviderRate"/> changed (an administrator edited requests/s or concurrency) or
    /// other <paramref name="options"/> are given (e.g. a switch to sync requests, which need a longer attempt timeout):
    /// the new settings apply to clients created from then on, the old pipeline stays with the clients that still use it.
    /// Without <paramref name="options"/>, the existing pipeline is returned as it is.
    /// </summary>
    public ProviderResiliencePipeline GetPipeline(ProviderDescriptor descriptor, ProviderResilienceOptions? options = null) =>
        _pipelines.AddOrUpdate(descriptor.Id,
            id => Create(id, descriptor, options),
            (id, existing) =>
            {
                if (existing.Limiter.Rate == descriptor.Rate && (options is null || options == existing.Options)) return existing;
                _replaced.Add(existing);
                return Create(id, descriptor, options);
            });

    private ProviderResiliencePipeline Create(string id, ProviderDescriptor descriptor, ProviderResilienceOptions? options) =>
        new(id, options ?? new ProviderResilienceOptions(), new ProviderRateLimiter(id, descriptor.Rate), Logger(id));

    /// <param name="baseAddress">The API root, e.g. https://techhk.aoscdn.com/ (checked by the URL guard like any other URL).</param>
    public HttpClient CreateClient(ProviderDescriptor descriptor, Uri baseAddress, ProviderResilienceOptions? options = null)
    {
        handlers.Guard.EnsureAllowed(baseAddress);
        var pipeline = GetPipeline(descriptor, options);
        var chain = new ResilienceHandler(pipeline)
        {
            InnerHandler = new RedactingLoggingHandler(Logger(descriptor.Id), descriptor.Id)
            {
                InnerHandler = handlers.CreateHandler(),
            },
        };
        return new HttpClient(chain, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            // The pipeline owns time limits (attempt and total); HttpClient's own would cut across retries.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    private ILogger Logger(string providerId) => _loggers.CreateLogger($"BlazorCutout.Providers.Http.{providerId}");

    public void Dispose()
    {
        foreach (var p in _pipelines.Values.Concat(_replaced)) p.Limiter.Dispose();
        _pipelines.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _pipelines.Values.Concat(_replaced)) await p.Limiter.DisposeAsync().ConfigureAwait(false);
        _pipelines.Clear();
    }
}
