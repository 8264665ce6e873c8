using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// The answer side shared by PicWish and gpt.ge: the key check, the <c>{status, message, data}</c> envelope and its
/// status table, and the account state (401 → "key refused"). The Refit client and the account state belong to the
/// provider (<see cref="RemoteProvider{TOptions, TApi}"/>), which disposes the client.
/// </summary>
internal sealed class EnvelopeClient<TApi>
{
    private readonly Func<TApi> _api;
    private readonly Func<Secret?> _key;
    private readonly ILogger _logger;
    private readonly string _providerId;
    private readonly string _service;

    /// <param name="api">The provider's lazily created Refit client (a refused base URL throws here, on first use).</param>
    public EnvelopeClient(Func<TApi> api, Func<Secret?> key, ProviderAccountState account, ILogger logger, string providerId, string service)
    {
        _api = api;
        _key = key;
        Account = account;
        _logger = logger;
        _providerId = providerId;
        _service = service;
    }

    public ProviderAccountState Account { get; }

    /// <summary>
    /// Makes the call with the key, reads the envelope, throws the mapped <see cref="ProviderException"/> unless the
    /// effective status is 200.
    /// </summary>
    /// <param name="send">One call of the Refit client, given the revealed key.</param>
    public async Task<PicWishWire.Envelope> SendAsync(Func<TApi, string, Task<HttpResponseMessage>> send, string what, CancellationToken cancellationToken)
    {
        if (_key() is not { IsEmpty: false } key)
            throw new ProviderException(ProviderErrorCode.ProviderMisconfigured, $"No API key is configured for {_service}.", false);
        try
        {
            TApi api;
            try
            {
                api = _api();
            }
            catch (UrlRefusedException e)
            {
                throw new ProviderException(ProviderErrorCode.ProviderMisconfigured,
                    $"The configured {_service} address is not allowed: {e.Message}", false, inner: e, providerDetail: "base-url-refused");
            }
            using var response = await send(api, key.Reveal()).ConfigureAwait(false);
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
