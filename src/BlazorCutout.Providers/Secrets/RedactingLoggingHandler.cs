using System.Collections.Concurrent;
using System.Diagnostics;
using BlazorCutout.Providers.Resilience;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Providers.Secrets;

/// <summary>
/// Logs each outbound request as method, redacted URL, status and duration — deliberately never headers or bodies,
/// because that is where API keys (<c>Authorization</c>, <c>X-API-KEY</c>, <c>Apikey</c>) and uploaded images travel.
/// Sits innermost in the provider handler chain so every attempt (including retries) is one line, under the category
/// <c>BlazorCutout.Providers.Http.&lt;provider&gt;</c> of the provider the request is marked with.
/// </summary>
public sealed partial class RedactingLoggingHandler(ILoggerFactory loggers) : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var url = Redactor.RedactUrl(request.RequestUri);
        var providerId = ProviderRequest.ProviderOf(request);
        var logger = _loggers.GetOrAdd(providerId, id => loggers.CreateLogger($"BlazorCutout.Providers.Http.{id}"));
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            LogResponse(logger, providerId, request.Method.Method, url, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Only the type and message: exception messages from the handler name hosts, not headers.
            LogFailure(logger, providerId, request.Method.Method, url, e.GetType().Name, e.Message, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Provider} HTTP {Method} {Url} -> {Status} in {ElapsedMs:0} ms")]
    private static partial void LogResponse(ILogger logger, string provider, string method, string url, int status, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Provider} HTTP {Method} {Url} failed with {Error}: {Reason} after {ElapsedMs:0} ms")]
    private static partial void LogFailure(ILogger logger, string provider, string method, string url, string error, string reason, double elapsedMs);
}
