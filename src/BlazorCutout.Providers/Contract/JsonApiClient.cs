using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BlazorCutout.Providers.Secrets;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Providers;

/// <summary>
/// The HTTP side of the JSON clients (HitPaw, Tengr): a request is built only while the provider is enabled and has a
/// key, the whole answer is read (status, body, Retry-After) for the client to interpret, and every refusal passes
/// through <see cref="Observe"/>, so a 402 or 401 holds the account (<see cref="ProviderAccountState.Refusal"/>).
/// Each client keeps its wire format, error table and decisions; the HTTP client and account state belong to the
/// provider (<see cref="RemoteProvider{TOptions}"/>).
/// </summary>
internal sealed class JsonApiClient
{
    private readonly Func<HttpClient> _http;
    private readonly RemoteProviderOptions _options;
    private readonly ProviderDescriptor _descriptor;
    private readonly ProviderAccountState _account;
    private readonly JsonSerializerOptions _json;
    private readonly Action<HttpRequestMessage, Secret> _authorize;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <param name="http">The provider's lazily created client (a refused base URL throws on first use).</param>
    /// <param name="authorize">Puts the key where the service expects it (a header).</param>
    public JsonApiClient(Func<HttpClient> http, RemoteProviderOptions options, ProviderDescriptor descriptor, ProviderAccountState account,
        JsonSerializerOptions json, Action<HttpRequestMessage, Secret> authorize, ILogger logger, TimeProvider time)
    {
        _http = http;
        _options = options;
        _descriptor = descriptor;
        _account = account;
        _json = json;
        _authorize = authorize;
        _logger = logger;
        _time = time;
    }

    public HttpRequestMessage Get(string path) => Request(HttpMethod.Get, path);

    public HttpRequestMessage Post<TBody>(string path, TBody body)
    {
        var request = Request(HttpMethod.Post, path);
        // Buffered bytes, so the resilience layer can re-send the request.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, _json));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    public async Task<JsonAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http().SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new JsonAnswer(response.StatusCode, body, RetryAfterHeader.Read(response, _time.GetUtcNow()));
        }
        catch (ProviderException e)
        {
            throw Observe(e);
        }
    }

    /// <summary>Pass every refusal through here before throwing it: account-level ones hold further submissions.</summary>
    public ProviderException Observe(ProviderException e)
    {
        if (e.Code is ProviderErrorCode.CoinsExhausted or ProviderErrorCode.AuthenticationFailed)
        {
            _account.Observe(e);
            _logger.LogWarning("{Provider} account problem: {Code} ({Detail}); submissions stop until an admin clears it or {Hold} passes",
                _descriptor.Id, e.Code, e.ProviderDetail, _account.HoldFor);
        }
        return e;
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        if (!_options.Enabled)
            throw new ProviderException(ProviderErrorCode.ProviderUnavailable, $"{_descriptor.DisplayName} is disabled in the configuration.", isTransient: false);
        var key = _options.ApiKey is { IsEmpty: false } k ? k : throw new ProviderException(ProviderErrorCode.ProviderMisconfigured,
            $"No API key is configured for {_descriptor.DisplayName}.", isTransient: false);
        var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        _authorize(request, key);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}

/// <summary>A service's answer as read, before the client interprets it.</summary>
internal readonly record struct JsonAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
