using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// The HTTP side shared by PicWish and gpt.ge: the credential header, the <c>{status, message, data}</c> envelope and its
/// status table, and the account state (401 → "key refused"). The client and the account state belong to the provider
/// (<see cref="RemoteProvider{TOptions}"/>), which disposes the client.
/// </summary>
internal sealed class EnvelopeClient
{
    private readonly Func<HttpClient> _http;
    private readonly Func<Secret?> _key;
    private readonly Action<HttpRequestMessage, Secret> _authorize;
    private readonly ILogger _logger;
    private readonly string _providerId;
    private readonly string _service;

    /// <param name="http">The provider's lazily created client (a refused base URL throws here, on first use).</param>
    public EnvelopeClient(Func<HttpClient> http, Func<Secret?> key, Action<HttpRequestMessage, Secret> authorize,
        ProviderAccountState account, ILogger logger, string providerId, string service)
    {
        _http = http;
        _key = key;
        _authorize = authorize;
        Account = account;
        _logger = logger;
        _providerId = providerId;
        _service = service;
    }

    public ProviderAccountState Account { get; }

    /// <summary>Sends, reads the envelope, throws the mapped <see cref="ProviderException"/> unless the effective status is 200.</summary>
    public async Task<PicWishWire.Envelope> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        if (_key() is not { IsEmpty: false } key)
            throw new ProviderException(ProviderErrorCode.ProviderMisconfigured, $"No API key is configured for {_service}.", false);
        _authorize(request, key);
        try
        {
            HttpClient http;
            try
            {
                http = _http();
            }
            catch (UrlRefusedException e)
            {
                throw new ProviderException(ProviderErrorCode.ProviderMisconfigured,
                    $"The configured {_service} address is not allowed: {e.Message}", false, inner: e, providerDetail: "base-url-refused");
            }
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var envelope = await PicWishWire.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            if (envelope.Status != 200)
                throw PicWishStates.MapStatus(envelope.Status, _service, what, envelope.Message, envelope.RetryAfter);
            Account.Clear();
            return envelope;
        }
        catch (ProviderException e)
        {
            Account.Observe(e);
            _logger.LogWarning("{Provider} {What}: {Code} (transient={Transient}, {Detail})", _providerId, what, e.Code, e.IsTransient, e.ProviderDetail);
            throw;
        }
    }

    public ProviderException Unreadable(string why) =>
        new(ProviderErrorCode.ServerError, $"{_service} sent an answer that could not be understood.", true, providerDetail: why);
}
