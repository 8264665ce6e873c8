using System.Net;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Providers;

/// <summary>
/// The answer side of the JSON clients (HitPaw, Tengr): a call is made only while the provider is enabled and has a
/// key, the whole answer is read (status, body, Retry-After) for the client to interpret, and every refusal passes
/// through <see cref="Observe"/>, so a 402 or 401 holds the account (<see cref="ProviderAccountState.Refusal"/>).
/// Each client keeps its wire format (its Refit interface), error table and decisions; the Refit client and account
/// state belong to the provider (<see cref="RemoteProvider{TOptions, TApi}"/>).
/// </summary>
internal sealed class JsonApiClient<TApi>
{
    private readonly Func<TApi> _api;
    private readonly RemoteProviderOptions _options;
    private readonly ProviderDescriptor _descriptor;
    private readonly ProviderAccountState _account;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <param name="api">The provider's lazily created Refit client (a refused base URL throws on first use).</param>
    public JsonApiClient(Func<TApi> api, RemoteProviderOptions options, ProviderDescriptor descriptor, ProviderAccountState account,
        ILogger logger, TimeProvider time)
    {
        _api = api;
        _options = options;
        _descriptor = descriptor;
        _account = account;
        _logger = logger;
        _time = time;
    }

    /// <param name="send">One call of the Refit client, given the revealed key.</param>
    public async Task<JsonAnswer> SendAsync(Func<TApi, string, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
            throw new ProviderException(ProviderErrorCode.ProviderUnavailable, $"{_descriptor.DisplayName} is disabled in the configuration.", isTransient: false);
        var key = _options.ApiKey is { IsEmpty: false } k ? k : throw new ProviderException(ProviderErrorCode.ProviderMisconfigured,
            $"No API key is configured for {_descriptor.DisplayName}.", isTransient: false);
        try
        {
            using var response = await send(_api(), key.Reveal()).ConfigureAwait(false);
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
}

/// <summary>A service's answer as read, before the client interprets it.</summary>
internal readonly record struct JsonAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
