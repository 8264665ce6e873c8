using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Refit;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// Makes the clients the remote providers talk to their APIs with: a source-generated Refit client
/// (<see cref="CreateApi{TApi}"/>) over an <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/> whose chain is
/// <c>ProviderCallHandler → resilience handler (Microsoft.Extensions.Http.Resilience, <see cref="ProviderResiliencePipeline"/>)
/// → RedactingLoggingHandler → SocketsHttpHandler (URL guard connect callback)</c>.
/// The factory keeps its own small service container for that chain rather than the app's: providers are built from
/// option snapshots outside DI (<see cref="ReconfigurableProvider{TOptions}"/>, tests), their pipeline depends on
/// settings an administrator may change at any time, and nothing else in the app may share their guarded sockets.
/// The pipeline (breaker state, rate limiter) is kept per provider id, so however many clients are created for a
/// provider they share one budget and one breaker. A remote client should create its client once and keep it.
/// </summary>
public sealed class ProviderHttpClientFactory : IAsyncDisposable, IDisposable
{
    private const string ClientName = "BlazorCutout.Providers";
    private const string PipelineName = "provider";

    private readonly SafeHttpHandlerFactory _safe;
    private readonly ILoggerFactory _loggers;
    private readonly ServiceProvider _services;
    private readonly IHttpMessageHandlerFactory _handlers;
    private readonly ConcurrentDictionary<string, ProviderResiliencePipeline> _pipelines = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ProviderResiliencePipeline> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProviderHealth> _health = new(StringComparer.OrdinalIgnoreCase);
    private int _version;

    public ProviderHttpClientFactory(SafeHttpHandlerFactory handlers, ILoggerFactory? loggers = null)
    {
        _safe = handlers;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        var services = new ServiceCollection();
        // The library's own log lines stay off: ours (RedactingLoggingHandler, retry and breaker lines) are written to
        // leave keys and signed query values out, and the library's request logging would print URLs as they are.
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddHttpClient(ClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => _safe.CreateHandler())
            .AddResilienceHandler(PipelineName, (builder, context) => PipelineFor(context.InstanceName).Configure(builder))
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(ProviderRequest.PipelineKey, out var key) ? key : "")
            .Services.AddHttpClient(ClientName)
            .AddHttpMessageHandler(() => new RedactingLoggingHandler(_loggers)); // innermost: one line per attempt
        _services = services.BuildServiceProvider();
        _handlers = _services.GetRequiredService<IHttpMessageHandlerFactory>();
    }

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
            (id, existing) => existing.Limiter.Rate == descriptor.Rate && (options is null || options == existing.Options)
                ? existing
                : Create(id, descriptor, options));

    private ProviderResiliencePipeline Create(string id, ProviderDescriptor descriptor, ProviderResilienceOptions? options)
    {
        var key = $"{id}#{Interlocked.Increment(ref _version)}";
        var health = _health.GetOrAdd(id, _ => new ProviderHealth(TimeProvider.System));
        health.SetCircuit(CircuitState.Closed); // the new pipeline's breaker starts closed
        var pipeline = new ProviderResiliencePipeline(id, key, options ?? new ProviderResilienceOptions(),
            new ProviderRateLimiter(id, descriptor.Rate), _loggers.CreateLogger($"BlazorCutout.Providers.Http.{id}"), health);
        _byKey[key] = pipeline;
        return pipeline;
    }

    /// <summary>The provider's breaker and last outage as its pipeline saw them; "closed, nothing seen" before its first client.</summary>
    public ProviderHealthSnapshot Health(string providerId) =>
        _health.TryGetValue(providerId, out var health) ? health.Snapshot : ProviderHealthSnapshot.Unknown;

    private ProviderResiliencePipeline PipelineFor(string key) => _byKey.TryGetValue(key, out var pipeline) ? pipeline
        : throw new InvalidOperationException("A provider request reached the resilience handler without its pipeline mark.");

    /// <param name="baseAddress">The API root, e.g. https://techhk.aoscdn.com/ (checked by the URL guard like any other URL).</param>
    public HttpClient CreateClient(ProviderDescriptor descriptor, Uri baseAddress, ProviderResilienceOptions? options = null)
    {
        _safe.Guard.EnsureAllowed(baseAddress);
        var chain = new ProviderCallHandler(GetPipeline(descriptor, options)) { InnerHandler = _handlers.CreateHandler(ClientName) };
        // Disposing the client disposes our outer handler only: the factory's pooled chain ignores Dispose.
        return new HttpClient(chain, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            // The pipeline owns time limits (attempt and total); HttpClient's own would cut across retries.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// The source-generated Refit client <typeparamref name="TApi"/> over <paramref name="http"/>. Its methods return the
    /// raw <see cref="HttpResponseMessage"/> (each provider maps statuses and bodies itself), and failures leave as our
    /// own exceptions, not wrapped in Refit's.
    /// </summary>
    /// <param name="json">The service's JSON conventions for request bodies (field names, nulls left out).</param>
    public static TApi CreateApi<TApi>(HttpClient http, JsonSerializerOptions? json = null) where TApi : class =>
        RestService.ForGenerated<TApi>(http, new RefitSettings(new SystemTextJsonContentSerializer(json ?? new JsonSerializerOptions(JsonSerializerDefaults.Web)))
        {
            TransportExceptionFactory = static (_, e, _) => e,
        });

    public void Dispose()
    {
        _services.Dispose();
        foreach (var p in _byKey.Values) p.Limiter.Dispose();
        _pipelines.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        foreach (var p in _byKey.Values) await p.Limiter.DisposeAsync().ConfigureAwait(false);
        _pipelines.Clear();
    }
}
